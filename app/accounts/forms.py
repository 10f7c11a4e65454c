"""Account forms (Chinese messages; Flask-WTF adds the CSRF token)."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

REQUIRED = "请填写此项。"


class LoginForm(FlaskForm):
    username = StringField(
        "用户名", validators=[DataRequired(REQUIRED), Length(max=40, message="用户名太长。")]
    )
    password = PasswordField(
        "密码", validators=[DataRequired(REQUIRED), Length(max=128, message="密码太长。")]
    )


class PasswordForm(FlaskForm):
    current_password = PasswordField("当前密码", validators=[DataRequired(REQUIRED), Length(max=128)])
    new_password = PasswordField(
        "新密码", validators=[DataRequired(REQUIRED), Length(max=128, message="密码不能超过 128 个字符。")]
    )
    confirm_password = PasswordField("再次输入新密码", validators=[DataRequired(REQUIRED), Length(max=128)])

    def validate_confirm_password(self, field):
        if field.data != self.new_password.data:
            from wtforms import ValidationError

            raise ValidationError("两次输入的新密码不一致。")
