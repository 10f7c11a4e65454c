"""Editor forms for articles and FAQ entries (Chinese messages, CSRF via Flask-WTF)."""

from datetime import UTC, datetime

from flask_wtf import FlaskForm
from wtforms import DateField, DateTimeLocalField, SelectField, StringField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.i18n import get_translations
from wtforms.validators import DataRequired, Length, Optional

from app.policies.models import KINDS, TOPICS, VALIDITIES, VENUES
from app.policies.rendering import markup_problem
from app.policies.validation import DOC_NUMBER_HINT, doc_number_problem
from app.web.time import CHINA_TZ

BODY_MAX_CHARS = 30_000
REQUEST_MAX_BYTES = 1024 * 1024  # a whole editor form; the 16 MB app limit is for uploads elsewhere
TOO_LARGE_MESSAGE = "提交的内容太大（超过 1 MB）。正文请控制在 3 万字以内，过长的文件请分篇发布。"


class ZhForm(FlaskForm):
    """FlaskForm whose built-in WTForms messages are in Chinese."""

    class Meta:
        def get_translations(self, form):
            return get_translations(["zh"])


def _no_markup(form, field):
    problem = markup_problem(field.data)
    if problem:
        raise ValidationError(problem)


def _doc_number(form, field):
    if field.data:
        field.data = field.data.strip()
        problem = doc_number_problem(field.data)
        if problem:
            raise ValidationError(problem)


def _optional_int(value):
    if value in (None, "", "None"):
        return None
    return int(value)


class ArticleForm(ZhForm):
    kind = SelectField("类型", choices=[SelectChoice(k, v) for k, v in KINDS.items()])
    title = StringField(
        "标题", validators=[DataRequired("请填写标题。"), Length(max=200, message="标题不能超过 200 字。")]
    )
    summary = TextAreaField("摘要", validators=[Length(max=500, message="摘要不能超过 500 字。")])
    plain_language = TextAreaField(
        "这对我意味着什么",
        validators=[Length(max=2000, message="这一栏不能超过 2000 字。"), _no_markup],
    )
    body = TextAreaField(
        "正文（Markdown）",
        validators=[Length(max=BODY_MAX_CHARS, message=f"正文不能超过 {BODY_MAX_CHARS} 字。"), _no_markup],
    )
    topic = SelectField("主题分类", choices=[SelectChoice(t, t) for t in TOPICS])
    doc_number = StringField(
        "文号",
        validators=[Optional(), Length(max=60, message="文号太长。"), _doc_number],
        description=DOC_NUMBER_HINT,
    )
    issuer = StringField("发文机关", validators=[Length(max=100, message="发文机关不能超过 100 字。")])
    written_on = DateField("成文日期", validators=[Optional()])
    published_on = DateField("发布日期", validators=[Optional()])
    validity = SelectField(
        "有效性",
        choices=[SelectChoice("", "（不适用）")] + [SelectChoice(v, v) for v in VALIDITIES],
        validate_choice=False,  # only policies carry it; the service checks the value per kind
    )
    replaced_by_id = SelectField(
        "替代文件（修订或废止后以哪份文件为准）", coerce=_optional_int, validate_choice=False
    )
    policy_id = SelectField("解读的政策文件", coerce=_optional_int, validate_choice=False)
    venue = SelectField(
        "“七进”场所",
        choices=[SelectChoice("", "（不适用）")] + [SelectChoice(v, f"进{v}") for v in VENUES],
        validate_choice=False,  # only news carries it; the service checks the value per kind
    )
    source = StringField("来源", validators=[Length(max=100, message="来源不能超过 100 字。")])
    publish_at = DateTimeLocalField(
        "定时发布时间（北京时间）", validators=[Optional()], format="%Y-%m-%dT%H:%M"
    )

    def set_policy_choices(self, policies, own_id=None) -> None:
        """Offer every policy document; drafts are labelled so the editor sees why linking fails."""
        options = [SelectChoice("", "（请选择）")]
        for p in policies:
            if p.id == own_id:
                continue
            label = p.title + (f"（{p.doc_number}）" if p.doc_number else "")
            if not p.is_public():
                label += "【未发布】"
            options.append(SelectChoice(str(p.id), label))
        self.policy_id.choices = options
        self.replaced_by_id.choices = [SelectChoice("", "（无）")] + options[1:]

    def validate_replaced_by_id(self, field):
        if field.data is not None and str(field.data) not in {c.value for c in field.choices}:
            raise ValidationError("请从列表中选择替代文件。")

    def validate_policy_id(self, field):
        if field.data is not None and str(field.data) not in {c.value for c in field.choices}:
            raise ValidationError("请从列表中选择政策文件。")

    def content(self) -> dict:
        """The article fields as the services expect them."""
        return {
            "kind": self.kind.data,
            "title": self.title.data,
            "summary": self.summary.data,
            "plain_language": self.plain_language.data,
            "body": self.body.data,
            "topic": self.topic.data,
            "doc_number": self.doc_number.data,
            "issuer": self.issuer.data,
            "written_on": self.written_on.data,
            "published_on": self.published_on.data,
            "validity": self.validity.data or None,
            "replaced_by_id": self.replaced_by_id.data,
            "policy_id": self.policy_id.data,
            "venue": self.venue.data or None,
            "source": self.source.data,
        }

    def publish_at_utc(self) -> datetime | None:
        """The schedule time typed in Beijing time, as UTC."""
        if self.publish_at.data is None:
            return None
        return self.publish_at.data.replace(tzinfo=CHINA_TZ).astimezone(UTC)


class FaqForm(ZhForm):
    question = StringField(
        "问题", validators=[DataRequired("请填写问题。"), Length(max=200, message="问题不能超过 200 字。")]
    )
    answer = TextAreaField(
        "回答（Markdown）",
        validators=[
            DataRequired("请填写回答。"),
            Length(max=5000, message="回答不能超过 5000 字。"),
            _no_markup,
        ],
    )
    topic = SelectField("主题分类", choices=[SelectChoice(t, t) for t in TOPICS])
