"""The archive's fixed rules in one leaf module: entry codes, alias kinds, statuses, field labels,
import columns and Zhangqiu's bounding box. No app imports: models, forms, services, the importer
and the console all read these from here."""

from __future__ import annotations

import re
import unicodedata

# Entry codes: "ZQ-0001" (letters, digits and hyphens; stored upper-case).
CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,19}$")

# Kinds of another name, in display order; the first is the default.
ALIAS_KINDS = ("曾用名", "俗称", "简称")

# Workflow states and their Chinese labels (the console shows the labels).
STATUS_LABELS = {
    "draft": "草稿",
    "in_review": "待审核",
    "published": "已发布",
    "archived": "已归档",
}

# The console list's filters: the statuses plus published entries with pending changes.
LIST_FILTERS = {**STATUS_LABELS, "changed": "有未发布的修改"}

# Every field of an entry with its Chinese label, in form order (the revision diff follows this order).
FIELD_LABELS = {
    "code": "编号",
    "name": "标准名称",
    "pinyin": "拼音",
    "category": "类别",
    "town": "镇街",
    "village": "村（社区）",
    "address": "地址",
    "longitude": "经度",
    "latitude": "纬度",
    "era": "时期",
    "protection_level": "保护级别",
    "origin": "来历",
    "history": "沿革",
    "story": "红色故事",
    "persons": "相关人物",
    "events": "相关事件",
    "aliases": "别名",
    "sources": "出处",
    "themes": "专题",
    "status": "状态",
}

# Spreadsheet columns (import and export), in file order.
COLUMNS = (
    "code",
    "name",
    "aliases",
    "category",
    "town",
    "village",
    "address",
    "longitude",
    "latitude",
    "era",
    "origin",
    "history",
    "story",
    "sources",
    "themes",
    "protection_level",
)
# Columns the staff export adds: pinyin/persons/events are imported when present; the rest is ignored.
OPTIONAL_COLUMNS = ("pinyin", "persons", "events")
IGNORED_COLUMNS = ("status", "updated_at", "reviewer")
COLUMN_LABELS = {column: FIELD_LABELS[column] for column in (*COLUMNS, *OPTIONAL_COLUMNS)}

# Header cells an import accepts for each column: the English name, its Chinese label (编号, 标准名称, …,
# as the template download writes them) and a few labels archivists commonly use. Matched after NFKC,
# without spaces and case-insensitively, so "村(社区)" and "村（社区）" are the same.
HEADER_SYNONYMS = {
    "name": ("名称", "地名", "标准地名"),
    "aliases": ("别称", "其他名称"),
    "village": ("村", "社区", "村社区", "村/社区"),
    "protection_level": ("文物保护级别",),
    "sources": ("来源", "资料出处"),
    "themes": ("所属专题",),
    "status": ("状态",),
    "updated_at": ("更新时间", "更新于"),
    "reviewer": ("审核人",),
}


def header_key(text: str) -> str:
    """A header cell normalised for matching (NFKC, no BOM or whitespace, lower case)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "").replace("\ufeff", "")).lower()


HEADER_COLUMNS = {
    header_key(label): column
    for column, labels in (
        *((c, (c, COLUMN_LABELS[c])) for c in (*COLUMNS, *OPTIONAL_COLUMNS)),
        *((c, (c,)) for c in IGNORED_COLUMNS),
        *HEADER_SYNONYMS.items(),
    )
    for label in labels
}


def header_column(text: str) -> str | None:
    """The column a header cell names (English name or Chinese label), or None."""
    return HEADER_COLUMNS.get(header_key(text))


# Zhangqiu District, generously rounded (WGS-84): coordinates outside it are a warning, never an error.
ZHANGQIU_BBOX = {"lat": (36.40, 37.15), "lon": (117.15, 117.80)}


def outside_bbox(lat: float, lon: float) -> bool:
    """True when (lat, lon) lies outside Zhangqiu's bounding box."""
    lat_lo, lat_hi = ZHANGQIU_BBOX["lat"]
    lon_lo, lon_hi = ZHANGQIU_BBOX["lon"]
    return not (lat_lo <= lat <= lat_hi and lon_lo <= lon <= lon_hi)


def outside_zhangqiu(latitude: float | None, longitude: float | None) -> bool:
    """True when both coordinates are given and the point lies outside Zhangqiu's bounding box."""
    if latitude is None or longitude is None:
        return False
    return outside_bbox(latitude, longitude)
