"""Forms for the resident booking steps, the manage pages and the schedule console."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields import DateField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app.hotline.booking.models import MODES, TOPICS, TOWNS, WEEKDAYS
from app.hotline.booking.services import DESCRIPTION_MAX, NICKNAME_MAX, SAFE_TIMES_MAX
from app.hotline.privacy import InvalidPhone, normalize_phone


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(str(value), label) for value, label in pairs]


def _phone_check(form, field):
    try:
        field.data = normalize_phone(field.data)
    except InvalidPhone as exc:
        raise ValidationError(exc.message) from None


class HoneypotMixin:
    # Hidden from people (CSS + aria-hidden + tabindex -1); bots fill every field.
    website = StringField("网址（请留空）")


class TopicForm(FlaskForm):
    topic = RadioField(
        "您想咨询哪方面的事？", choices=_choices(TOPICS.items()), validators=[InputRequired("请选择一项。")]
    )


class ModeForm(FlaskForm):
    mode = RadioField(
        "您希望怎样联系？", choices=_choices(MODES.items()), validators=[InputRequired("请选择一种方式。")]
    )


class TimeForm(FlaskForm):
    slot_id = IntegerField("预约时间", validators=[InputRequired("请选择一个时间。")])


class DetailsForm(HoneypotMixin, FlaskForm):
    nickname = StringField(
        "怎么称呼您",
        validators=[DataRequired("请填写称呼，例如“王阿姨”“李先生”。"), Length(max=NICKNAME_MAX)],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
    )
    phone = StringField("手机号码", validators=[DataRequired("请填写手机号码。"), _phone_check])
    description = TextAreaField(
        "想先说说情况吗（可以不填）",
        validators=[Optional(), Length(max=DESCRIPTION_MAX, message=f"最多 {DESCRIPTION_MAX} 个字。")],
    )
    safe_call_times = StringField(
        "什么时候打电话给您比较方便、安全（可以不填）",
        validators=[Optional(), Length(max=SAFE_TIMES_MAX, message=f"最多 {SAFE_TIMES_MAX} 个字。")],
    )
    may_leave_message = RadioField(
        "如果没接到电话，可以给您留言或发短信吗？",
        choices=_choices([("no", "不可以，只打电话"), ("yes", "可以")]),
        default="no",
        validators=[InputRequired("请选择一项。")],
    )
    town = SelectField(
        "您住在哪个镇街（可以不选）", choices=_choices([("", "不选")] + [(t, t) for t in TOWNS])
    )


class WaitlistForm(HoneypotMixin, FlaskForm):
    """Join a waitlist: the same details and the same separate consent as a booking."""

    day = DateField("想约的日期", validators=[InputRequired("请选择日期。")])
    nickname = StringField(
        "怎么称呼您",
        validators=[DataRequired("请填写称呼，例如“王阿姨”“李先生”。"), Length(max=NICKNAME_MAX)],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
    )
    phone = StringField("手机号码", validators=[DataRequired("请填写手机号码。"), _phone_check])
    consent = BooleanField(
        "我同意热线保存我的称呼和手机号码，用于有空位时通知我和安排回电。",
        validators=[DataRequired("请勾选同意，我们才能保存您的联系方式并在有空位时联系您。")],
    )


class ConsentForm(FlaskForm):
    consent = BooleanField(
        "我同意热线保存我的称呼、手机号码和情况简述，用于安排回电或面谈。",
        validators=[DataRequired("请勾选同意，我们才能保存您的联系方式并与您联系。")],
    )


class CheckForm(HoneypotMixin, FlaskForm):
    form_token = HiddenField()


class FindForm(FlaskForm):
    reference = StringField("预约编号", validators=[DataRequired("请填写预约编号。"), Length(max=20)])
    phone = StringField("预约时留的手机号码", validators=[DataRequired("请填写手机号码。"), Length(max=30)])


class ConfirmForm(FlaskForm):
    """A bare CSRF-protected POST (cancel confirmation)."""


class RuleForm(FlaskForm):
    weekday = SelectField("星期", choices=_choices(enumerate(WEEKDAYS)), coerce=int)
    start_time = TimeField("开始时间", validators=[InputRequired("请填写开始时间。")])
    end_time = TimeField("结束时间", validators=[InputRequired("请填写结束时间。")])
    slot_minutes = IntegerField(
        "每个时段（分钟）", default=30, validators=[InputRequired(), NumberRange(10, 240, "10 到 240 分钟。")]
    )
    capacity = IntegerField(
        "每个时段可约人数", default=1, validators=[InputRequired(), NumberRange(1, 20, "1 到 20 人。")]
    )
    mode = SelectField("方式", choices=_choices(MODES.items()))
    active = BooleanField("启用", default=True)

    def validate_end_time(self, field):
        """Checked with every other field, so all mistakes show in one round."""
        if field.data and self.start_time.data and field.data <= self.start_time.data:
            raise ValidationError("结束时间要晚于开始时间。")

    def validate_slot_minutes(self, field):
        start, end = self.start_time.data, self.end_time.data
        if field.data and start and end and end > start:
            span = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
            if field.data > span:
                raise ValidationError(f"每个时段不能长于开始到结束的 {span} 分钟。")

    @classmethod
    def field_names(cls) -> list[str]:
        return ["weekday", "start_time", "end_time", "slot_minutes", "capacity", "mode", "active"]


class ClosureForm(FlaskForm):
    closed_on = DateField("休息日期", validators=[InputRequired("请选择日期。")])
    reason = StringField("原因", validators=[Optional(), Length(max=100)])


class ExtraWorkdayForm(FlaskForm):
    work_on = DateField("调休上班日期", validators=[InputRequired("请选择日期。")])
    use_weekday = SelectField("按哪天的排班", choices=_choices(enumerate(WEEKDAYS[:5])), coerce=int)
    reason = StringField("说明", validators=[Optional(), Length(max=100)])


class HolidayForm(FlaskForm):
    year = IntegerField("年份", validators=[InputRequired(), NumberRange(2004, 2100)])


class MaterializeForm(FlaskForm):
    days = IntegerField(
        "生成多少天", default=14, validators=[InputRequired(), NumberRange(1, 60, "1 到 60 天。")]
    )


class SettingsForm(FlaskForm):
    booking_days = IntegerField(
        "可提前预约天数", validators=[InputRequired(), NumberRange(1, 60, "1 到 60 天。")]
    )
    min_notice_hours = IntegerField(
        "至少提前多少小时预约", validators=[InputRequired(), NumberRange(0, 168, "0 到 168 小时。")]
    )
    waitlist_hold_hours = IntegerField(
        "候补空位为居民保留多少小时", validators=[InputRequired(), NumberRange(1, 48, "1 到 48 小时。")]
    )
    urgent_keywords = TextAreaField(
        "紧急情况关键词（每行一个）", validators=[DataRequired("至少保留一个关键词。"), Length(max=2000)]
    )
