"""Account forms (Chinese messages; Flask-WTF adds the CSRF token)."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectMultipleField, StringField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from app.accounts import services
from app.web.access import ROLES

REQUIRED = "请填写此项。"


class LoginForm(FlaskForm):
    username = StringField(
        "用户名", validators=[DataRequired(REQUIRED), Length(max=40, message="用户名太长。")]
    )
    password = PasswordField(
        "密码", validators=[DataRequired(REQUIRED), Length(max=128, message="密码太长。")]
    )


class PasswordForm(FlaskForm):
    current_password = PasswordField(
        "当前密码", validators=[DataRequired(REQUIRED), Length(max=128, message="密码不能超过 128 个字符。")]
    )
    new_password = PasswordField(
        "新密码", validators=[DataRequired(REQUIRED), Length(max=128, message="密码不能超过 128 个字符。")]
    )
    confirm_password = PasswordField(
        "再次输入新密码",
        validators=[DataRequired(REQUIRED), Length(max=128, message="密码不能超过 128 个字符。")],
    )

    def validate_confirm_password(self, field):
        if field.data != self.new_password.data:
            raise ValidationError("两次输入的新密码不一致。")


class RoleCheckboxes(SelectMultipleField):
    """Roles as a list of checkboxes (several roles per user)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        if not self.data:
            raise ValidationError("请至少选择一个角色。")
        allowed = {choice.value for choice in self.choices}
        if set(self.data) - allowed:
            raise ValidationError("请选择有效的角色。")


def _role_choices():
    return [SelectChoice(value, label) for value, label in ROLES.items()]


def _display_name_field():
    return StringField(
        "姓名", validators=[DataRequired(REQUIRED), Length(max=40, message="姓名不能超过 40 个字符。")]
    )


class UserEditForm(FlaskForm):
    display_name = _display_name_field()
    roles = RoleCheckboxes("角色", choices=_role_choices())


class UserCreateForm(FlaskForm):
    """New staff user. Every rule the service applies is checked here too, so one submit names every problem
    (issue 13: a bad or taken username used to show only after the other fields were fixed)."""

    username = StringField("用户名", validators=[DataRequired(REQUIRED)])
    display_name = _display_name_field()
    roles = RoleCheckboxes("角色", choices=_role_choices())

    def validate_username(self, field):
        try:
            name = services.validate_username(field.data)
        except services.AccountError as exc:
            raise ValidationError(exc.message) from exc
        if services.find_user(name):
            raise ValidationError("这个用户名已经存在。")


class CodeForm(FlaskForm):
    code = StringField(
        "6 位验证码", validators=[DataRequired(REQUIRED), Length(max=12, message="验证码是 6 位数字。")]
    )


class RecoveryForm(FlaskForm):
    recovery_code = StringField(
        "恢复码", validators=[DataRequired(REQUIRED), Length(max=20, message="恢复码是 10 位字母和数字。")]
    )
