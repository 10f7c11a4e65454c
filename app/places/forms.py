"""Console forms for place entries, review, photos and import."""

import re

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Length, Optional, Regexp, ValidationError

from app.places.rules import ALIAS_KINDS, CODE_RE

LIST_SPLIT = "；"
MIN_ROWS = {"aliases": 2, "sources": 2, "themes": 2}
MAX_ROWS = 30


class AliasRow(Form):
    name = StringField("别名", validators=[Optional(), Length(max=100, message="最多 100 个字")])
    kind = SelectField("类型", choices=[SelectChoice(k, k) for k in ALIAS_KINDS], default=ALIAS_KINDS[0])


class SourceRow(Form):
    citation = StringField("出处", validators=[Optional(), Length(max=500, message="最多 500 个字")])
    url = StringField(
        "链接",
        validators=[
            Optional(),
            Length(max=500, message="最多 500 个字"),
            URL(require_tld=False, message="请填写 http:// 或 https:// 开头的网址"),
            Regexp(r"(?i)^https?://", message="请填写 http:// 或 https:// 开头的网址"),
        ],
    )
    note = StringField("备注", validators=[Optional(), Length(max=500, message="最多 500 个字")])


class ThemeRow(Form):
    name = StringField("专题", validators=[Optional(), Length(max=60, message="最多 60 个字")])


def _coordinate(label: str, low: float, high: float):
    def check(form, field):
        raw = (field.data or "").strip()
        if not raw:
            field.value = None
            return
        try:
            value = float(raw)
        except ValueError as exc:
            raise ValidationError(f"{label}应为数字，如 {117.53 if label == '经度' else 36.72}") from exc
        if value != value or not low <= value <= high:
            raise ValidationError(f"{label}应在 {low} 到 {high} 之间")
        field.value = round(value, 6)

    return check


class PlaceForm(FlaskForm):
    code = StringField(
        "编号",
        validators=[
            DataRequired(message="请填写编号"),
            Length(max=20, message="最多 20 个字符"),
            Regexp(CODE_RE.pattern, re.IGNORECASE, message="只能用字母、数字和连字符，如 ZQ-0001"),
        ],
    )
    name = StringField("标准名称", validators=[DataRequired(message="请填写标准名称"), Length(max=100)])
    pinyin = StringField("拼音（带声调）", validators=[Optional(), Length(max=300)])
    category = SelectField("类别", validators=[DataRequired(message="请选择类别")])
    town = SelectField("镇街", validators=[Optional()])
    village = StringField("村（社区）", validators=[Optional(), Length(max=100)])
    address = StringField("地址", validators=[Optional(), Length(max=200)])
    longitude = StringField("经度", validators=[_coordinate("经度", -180, 180)])
    latitude = StringField("纬度", validators=[_coordinate("纬度", -90, 90)])
    era = SelectField("时期", validators=[Optional()])
    protection_level = SelectField("保护级别", validators=[Optional()])
    origin = TextAreaField("来历", validators=[Optional(), Length(max=20000)])
    history = TextAreaField("沿革", validators=[Optional(), Length(max=20000)])
    story = TextAreaField("红色故事", validators=[Optional(), Length(max=20000)])
    persons = StringField("相关人物", validators=[Optional(), Length(max=1000)])
    events = StringField("相关事件", validators=[Optional(), Length(max=1000)])
    aliases = FieldList(FormField(AliasRow), min_entries=MIN_ROWS["aliases"], max_entries=MAX_ROWS)
    sources = FieldList(FormField(SourceRow), min_entries=MIN_ROWS["sources"], max_entries=MAX_ROWS)
    themes = FieldList(FormField(ThemeRow), min_entries=MIN_ROWS["themes"], max_entries=MAX_ROWS)

    def set_choices(self, categories, towns, eras, levels) -> None:
        """Fill the select lists from the reference tables (by name, as the services expect)."""
        self.category.choices = [SelectChoice("", "请选择")] + [
            SelectChoice(c.name, c.name) for c in categories
        ]
        self.town.choices = [SelectChoice("", "（不填）")] + [SelectChoice(t.name, t.name) for t in towns]
        self.era.choices = [SelectChoice("", "（不填）")] + [SelectChoice(e.name, e.name) for e in eras]
        levels = [SelectChoice(p.name, p.name) for p in levels]
        self.protection_level.choices = [SelectChoice("", "（不填）"), *levels]

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        lon, lat = (self.longitude.data or "").strip(), (self.latitude.data or "").strip()
        if bool(lon) != bool(lat) and not (self.longitude.errors or self.latitude.errors):
            missing = self.latitude if lon else self.longitude
            missing.errors = [*missing.errors, "经度和纬度要么都填，要么都不填"]
            ok = False
        return ok

    def to_data(self) -> dict:
        """The form as the snapshot-shaped dict that services.save_place accepts."""

        def split(text):
            return [p.strip() for p in (text or "").replace(";", LIST_SPLIT).split(LIST_SPLIT) if p.strip()]

        return {
            "code": (self.code.data or "").strip().upper(),
            "name": (self.name.data or "").strip(),
            "pinyin": (self.pinyin.data or "").strip(),
            "category": self.category.data or None,
            "town": self.town.data or None,
            "village": self.village.data or "",
            "address": self.address.data or "",
            "longitude": getattr(self.longitude, "value", None),
            "latitude": getattr(self.latitude, "value", None),
            "era": self.era.data or None,
            "protection_level": self.protection_level.data or None,
            "origin": self.origin.data or "",
            "history": self.history.data or "",
            "story": self.story.data or "",
            "persons": split(self.persons.data),
            "events": split(self.events.data),
            "aliases": [
                {"name": row.form.name.data.strip(), "kind": row.form.kind.data}
                for row in self.aliases
                if (row.form.name.data or "").strip()
            ],
            "sources": [
                {
                    "citation": row.form.citation.data.strip(),
                    "url": (row.form.url.data or "").strip(),
                    "note": (row.form.note.data or "").strip(),
                }
                for row in self.sources
                if (row.form.citation.data or "").strip()
            ],
            "themes": [
                row.form.name.data.strip() for row in self.themes if (row.form.name.data or "").strip()
            ],
        }

    def load(self, place) -> None:
        """Fill the form from an entry (GET of the edit page): its pending changes when it has some."""
        self.load_snapshot(place.draft.snapshot if place.draft is not None else place.snapshot())

    def load_snapshot(self, snap: dict) -> None:
        """Fill the form from a snapshot-shaped dict."""
        for key in ("code", "name", "pinyin", "village", "address", "origin", "history", "story"):
            getattr(self, key).data = snap[key] or ""
        for key in ("category", "town", "era", "protection_level"):
            getattr(self, key).data = snap[key] or ""
        self.longitude.data = "" if snap["longitude"] is None else repr(snap["longitude"])
        self.latitude.data = "" if snap["latitude"] is None else repr(snap["latitude"])
        self.persons.data = LIST_SPLIT.join(snap["persons"])
        self.events.data = LIST_SPLIT.join(snap["events"])
        _fill(self.aliases, [{"name": a["name"], "kind": a["kind"]} for a in snap["aliases"]], "aliases")
        _fill(self.sources, snap["sources"], "sources")
        _fill(self.themes, [{"name": t} for t in snap["themes"]], "themes")

    def add_row(self, which: str) -> None:
        """Append an empty row to the repeatable list ``which`` (the "再加一行" button)."""
        field = getattr(self, which)
        if len(field) < MAX_ROWS:
            field.append_entry()

    def remove_row(self, which: str, index: int) -> None:
        """Drop row ``index`` of the repeatable list ``which`` and renumber the rest."""
        field = getattr(self, which)
        rows = [dict(row.form.data) for i, row in enumerate(field) if i != index]
        _fill(field, rows, which)


def _fill(field_list, rows: list[dict], which: str) -> None:
    while len(field_list):
        field_list.pop_entry()
    for row in rows:
        field_list.append_entry(row)
    while len(field_list) < max(MIN_ROWS[which], len(rows) + 1):
        field_list.append_entry()


class CommentForm(FlaskForm):
    comment = TextAreaField("审核意见", validators=[Optional(), Length(max=2000)])


class PhotoUploadForm(FlaskForm):
    photo = FileField("照片文件（JPEG、PNG 或 WebP，每张最大 10 MB，可多选）")
    caption = StringField("说明（不填则用文件名）", validators=[Optional(), Length(max=200)])
    credit = StringField("摄影/来源", validators=[Optional(), Length(max=100)])


class PhotoEditForm(FlaskForm):
    caption = StringField("说明", validators=[Optional(), Length(max=200)])
    credit = StringField("摄影/来源", validators=[Optional(), Length(max=100)])


class ImportForm(FlaskForm):
    file = FileField("CSV 或 XLSX 文件")
    publish = BooleanField("导入后直接发布（仅管理员）")
