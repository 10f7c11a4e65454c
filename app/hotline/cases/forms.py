"""Forms of the counselor console (cases). Domain rules live in ``services``; these parse and bound input."""

from datetime import date

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from app.hotline.booking.models import MODES, TOPICS, TOWNS
from app.hotline.cases.models import CALL_RESULTS, CLOSING_OUTCOMES, PRIORITIES, PRIORITY_NORMAL
from app.hotline.cases.services import DESCRIPTION_MAX, NOTE_MAX, PURPOSE_MAX


def _blank(label: str) -> dict[str, str]:
    return {"": label}


class PhoneInForm(FlaskForm):
    nickname = StringField("称呼", validators=[Optional(), Length(max=20, message="称呼最多 20 个字。")])
    phone = StringField("手机号码", validators=[Optional(), Length(max=30, message="请填写 11 位手机号码。")])
    topic = SelectField(
        "咨询类别",
        choices=_blank("请选择") | TOPICS,
        validate_choice=False,
        validators=[InputRequired("请选择咨询类别。")],
    )
    mode = SelectField("后续方式", choices=dict(MODES), default="phone", validate_choice=False)
    town = SelectField(
        "所在镇街", choices=_blank("不清楚/未说") | {t: t for t in TOWNS}, validate_choice=False
    )
    description = TextAreaField(
        "情况简述",
        validators=[Optional(), Length(max=DESCRIPTION_MAX, message=f"最多 {DESCRIPTION_MAX} 个字。")],
    )
    priority = SelectField(
        "优先级", choices={p: p for p in PRIORITIES}, default=PRIORITY_NORMAL, validate_choice=False
    )


class PhoneSearchForm(FlaskForm):
    phone = StringField(
        "按手机号查找",
        validators=[InputRequired("请填写手机号码。"), Length(max=30, message="请填写 11 位手机号码。")],
    )


class StatusForm(FlaskForm):
    status = SelectField(
        "改为", choices={}, validate_choice=False, validators=[InputRequired("请选择新状态。")]
    )
    outcome = SelectField(
        "结案结果",
        choices=_blank("（结案时必选）") | {o: o for o in CLOSING_OUTCOMES},
        validate_choice=False,
    )


class AssignForm(FlaskForm):
    assignee = SelectField("负责咨询员", choices={}, validate_choice=False)


class PriorityForm(FlaskForm):
    priority = SelectField("优先级", choices={p: p for p in PRIORITIES}, validate_choice=False)


class CallForm(FlaskForm):
    result = RadioField(
        "联系结果",
        choices={r: r for r in CALL_RESULTS},
        validate_choice=False,
        validators=[InputRequired("请选择联系结果。")],
    )


class NoteForm(FlaskForm):
    body = TextAreaField(
        "记录内容",
        validators=[
            InputRequired("请填写记录内容。"),
            Length(max=NOTE_MAX, message=f"记录最多 {NOTE_MAX} 个字。"),
        ],
    )


def _iso_date(form, field):
    try:
        field.parsed = date.fromisoformat((field.data or "").strip())
    except ValueError:
        field.parsed = None
        raise ValidationError("请按“年-月-日”选择日期，例如 2026-12-01。") from None


class FollowUpForm(FlaskForm):
    due_on = StringField(
        "回访日期", validators=[InputRequired("请选择回访日期。"), _iso_date], render_kw={"type": "date"}
    )
    purpose = StringField(
        "回访事项", validators=[Optional(), Length(max=PURPOSE_MAX, message=f"最多 {PURPOSE_MAX} 个字。")]
    )


class EmptyForm(FlaskForm):
    """Only the CSRF token (for one-button actions)."""


class SnippetForm(FlaskForm):
    title = StringField("简称（按钮上显示）", validators=[InputRequired("请填写按钮上显示的简称。")])
    body = TextAreaField("插入的文字", validators=[InputRequired("请填写插入的文字。")])
