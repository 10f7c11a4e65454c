"""Import place entries from CSV or XLSX: a dry-run report by row and column, then an all-or-nothing upsert.

Decisions:

- Encoding. CSV is read as UTF-8 (with or without BOM). A file that is not valid UTF-8 but is valid
  GB18030/GBK (what Excel on a Chinese Windows saves as "CSV") is decoded as GBK and the report carries a
  file-level warning, so the archivist can check the preview before confirming. Anything else is refused.
- XLSX is opened with openpyxl in read-only mode and ``data_only=False``: nothing is ever evaluated, and a
  formula cell (``=HYPERLINK(...)``) is an error at its row and column rather than silently stored text.
- Row numbers are the spreadsheet's: the header is row 1, the first entry row 2. Empty rows are skipped.
- A real run re-validates, refuses if there is any error, and writes everything in one transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from app.places.spreadsheet import ImportFileError, read_table

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
COLUMN_LABELS = {
    "code": "编号",
    "name": "标准名称",
    "aliases": "别名",
    "category": "类别",
    "town": "镇街",
    "village": "村（社区）",
    "address": "地址",
    "longitude": "经度",
    "latitude": "纬度",
    "era": "时期",
    "origin": "来历",
    "history": "沿革",
    "story": "红色故事",
    "sources": "出处",
    "themes": "专题",
    "protection_level": "保护级别",
    "pinyin": "拼音",
    "persons": "相关人物",
    "events": "相关事件",
}
LIST_SPLIT = re.compile(r"[；;]")
KIND_SPLIT = re.compile(r"[:：]")
SOURCE_SPLIT = re.compile(r"\s*[|｜]\s*")
CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,19}$")
HTML_RE = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
FORMULA_START = ("=", "+", "-", "@")
MAX_ROWS = 50_000
MAX_LENGTH = {"code": 20, "name": 100, "village": 100, "address": 200, "pinyin": 300}
MAX_TEXT = 20_000
ALIAS_KINDS = ("曾用名", "俗称", "简称")
# Zhangqiu District, generously rounded (WGS-84): coordinates outside it are a warning, not an error.
ZHANGQIU_BBOX = {"lat": (36.40, 37.15), "lon": (117.15, 117.80)}


@dataclass
class Problem:
    """One finding of the check; ``row`` is the spreadsheet row (header = 1), None for the whole file."""

    level: str  # "error" | "warning"
    message: str
    row: int | None = None
    column: str | None = None
    value: str = ""

    @property
    def column_label(self) -> str:
        if not self.column:
            return ""
        label = COLUMN_LABELS.get(self.column)
        return f"{self.column}（{label}）" if label else self.column

    @property
    def is_error(self) -> bool:
        return self.level == "error"


@dataclass
class ImportRow:
    """A validated row: ``data`` has the shape services.save_place accepts (reference values by name)."""

    row: int
    data: dict[str, Any]
    exists: bool = False


@dataclass
class ImportReport:
    """The outcome of a check or a run."""

    filename: str = ""
    encoding: str = ""
    total_rows: int = 0
    empty_rows: int = 0
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    new_themes: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    published: int = 0
    done: bool = False

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def to_create(self) -> int:
        return sum(1 for r in self.rows if not r.exists)

    @property
    def to_update(self) -> int:
        return sum(1 for r in self.rows if r.exists)

    def add(self, level: str, message: str, row: int | None = None, column: str | None = None, value=""):
        text = "" if value is None else str(value)
        self.problems.append(Problem(level, message, row, column, text[:80]))


class ImportRejected(Exception):
    """A real run refused because the file has errors; ``report`` lists them."""

    def __init__(self, report: ImportReport):
        super().__init__(f"{len(report.errors)} errors")
        self.report = report


# --- checking ---------------------------------------------------------------------------------------


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in LIST_SPLIT.split(text or "") if part.strip()]


def parse_aliases(text: str) -> list[dict[str, str]]:
    """``曾用名:东岭村；俗称:老岭`` → [{"name": "东岭村", "kind": "曾用名"}, ...]; no kind → 曾用名."""
    out = []
    for item in _split_list(text):
        parts = KIND_SPLIT.split(item, maxsplit=1)
        if len(parts) == 2 and parts[0].strip() in ALIAS_KINDS:
            out.append({"name": parts[1].strip(), "kind": parts[0].strip()})
        else:
            out.append({"name": item, "kind": "曾用名"})
    return [a for a in out if a["name"]]


def parse_sources(text: str) -> list[dict[str, str]]:
    """``《章丘县志》| https://… | 第 3 页；…`` → [{"citation", "url", "note"}, ...]."""
    out = []
    for item in _split_list(text):
        parts = SOURCE_SPLIT.split(item)
        citation = parts[0].strip()
        url, note = "", ""
        for extra in parts[1:]:
            if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", extra) and not url:
                url = extra.strip()
            else:
                note = f"{note} {extra}".strip()
        if citation:
            out.append({"citation": citation, "url": url, "note": note})
    return out


def format_aliases(aliases: list[dict[str, str]]) -> str:
    """The inverse of ``parse_aliases``."""
    return "；".join(f"{a['kind']}:{a['name']}" for a in aliases)


def format_sources(sources: list[dict[str, str]]) -> str:
    """The inverse of ``parse_sources``."""
    items = []
    for s in sources:
        parts = [s["citation"]]
        if s.get("url"):
            parts.append(s["url"])
        if s.get("note"):
            parts.append(s["note"])
        items.append(" | ".join(parts))
    return "；".join(items)


def _unneutralise(value: str) -> str:
    # Our own exports prefix risky cells with "'" (formula-injection guard); undo it on the way back.
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_START:
        return value[1:]
    return value


def _clean(value: str) -> str:
    value = "".join(ch for ch in value if ch.isprintable() or ch in "\n\t")
    return value.replace("\r\n", "\n").strip()


def outside_bbox(lat: float, lon: float) -> bool:
    """True when (lat, lon) lies outside Zhangqiu's bounding box."""
    lat_lo, lat_hi = ZHANGQIU_BBOX["lat"]
    lon_lo, lon_hi = ZHANGQIU_BBOX["lon"]
    return not (lat_lo <= lat <= lat_hi and lon_lo <= lon <= lon_hi)


def _looks_swapped(raw_lon: str, raw_lat: str) -> bool:
    """True when the longitude cell holds a Zhangqiu latitude and vice versa."""
    try:
        lon, lat = float(raw_lon), float(raw_lat)
    except ValueError:
        return False
    return outside_bbox(lat, lon) and not outside_bbox(lon, lat)


def _parse_coordinate(report, number, column, raw, low, high) -> float | None:
    if raw == "":
        return None
    try:
        value = float(raw.replace("，", ".").replace("°", "").strip())
    except ValueError:
        report.add(
            "error",
            f"{COLUMN_LABELS[column]}不是有效的数字（应为十进制度，如 117.53）。",
            number,
            column,
            raw,
        )
        return None
    if value != value or value in (float("inf"), float("-inf")):
        report.add("error", f"{COLUMN_LABELS[column]}不是有效的数字。", number, column, raw)
        return None
    if not low <= value <= high:
        report.add(
            "error", f"{COLUMN_LABELS[column]}超出范围（应在 {low} 到 {high} 之间）。", number, column, raw
        )
        return None
    return round(value, 6)


def _check_row(report, number, values, formulas, refs, names, header_index) -> ImportRow | None:
    errors_before = len(report.errors)
    for column in values:
        if header_index.get(column) in formulas:
            report.add(
                "error",
                "这个单元格是公式，系统不会执行公式：请改为纯文本（可复制后“选择性粘贴 → 值”）。",
                number,
                column,
                values[column],
            )
    get = values.get

    code = get("code", "").upper()
    name = get("name", "")
    if not code:
        report.add("error", "编号不能为空（如 ZQ-0001）。", number, "code")
    elif not CODE_RE.match(code):
        report.add("error", "编号格式不对：只能用字母、数字和连字符，如 ZQ-0001。", number, "code", code)
    if not name:
        report.add("error", "标准名称不能为空。", number, "name")
    for column, limit in MAX_LENGTH.items():
        if len(get(column, "")) > limit:
            report.add(
                "error", f"{COLUMN_LABELS[column]}太长（最多 {limit} 个字）。", number, column, get(column)
            )
    for column in ("origin", "history", "story"):
        if len(get(column, "")) > MAX_TEXT:
            report.add("error", f"{COLUMN_LABELS[column]}太长（最多 {MAX_TEXT} 个字）。", number, column)

    category = refs.category(get("category", ""))
    if not get("category"):
        report.add("error", f"类别不能为空（可选：{'、'.join(names.categories)}）。", number, "category")
    elif category is None:
        report.add(
            "error",
            f"未知的类别（可选：{'、'.join(names.categories)}）。",
            number,
            "category",
            get("category"),
        )
    town = refs.town(get("town", "")) if get("town") else None
    if get("town") and town is None:
        report.add(
            "error",
            "未知的镇街：应为章丘区 18 个镇街之一（如 明水街道 或 明水）。",
            number,
            "town",
            get("town"),
        )
    era = refs.era(get("era", "")) if get("era") else None
    if get("era") and era is None:
        report.add("error", f"未知的时期（可选：{'、'.join(names.eras)}）。", number, "era", get("era"))
    level = refs.protection_level(get("protection_level", "")) if get("protection_level") else None
    if get("protection_level") and level is None:
        report.add(
            "error",
            f"未知的保护级别（可选：{'、'.join(names.protection_levels)}）。",
            number,
            "protection_level",
            get("protection_level"),
        )

    raw_lon, raw_lat = get("longitude", ""), get("latitude", "")
    lon = lat = None
    if _looks_swapped(raw_lon, raw_lat):
        message = "经度和纬度好像填反了（章丘约为经度 117.5、纬度 36.7）。"
        report.add("error", message, number, "longitude", raw_lon)
    else:
        lon = _parse_coordinate(report, number, "longitude", raw_lon, -180, 180)
        lat = _parse_coordinate(report, number, "latitude", raw_lat, -90, 90)
    if bool(raw_lon) != bool(raw_lat):
        missing = "latitude" if raw_lon else "longitude"
        report.add("error", "经度和纬度要么都填，要么都不填。", number, missing)
    if lon is not None and lat is not None and outside_bbox(lat, lon):
        report.add("warning", "坐标不在章丘区范围内，请核对。", number, "latitude", f"{raw_lon}, {raw_lat}")

    aliases = parse_aliases(get("aliases", ""))
    for alias in aliases:
        if len(alias["name"]) > 100:
            report.add("error", "别名太长（最多 100 个字）。", number, "aliases", alias["name"])
    sources = parse_sources(get("sources", ""))
    for source in sources:
        if len(source["citation"]) > 500 or len(source["url"]) > 500:
            report.add("error", "出处太长（最多 500 个字）。", number, "sources", source["citation"])
        if source["url"] and not re.match(r"^https?://", source["url"], re.IGNORECASE):
            report.add(
                "error", "出处链接只能是 http:// 或 https:// 开头的网址。", number, "sources", source["url"]
            )
    themes = _split_list(get("themes", ""))
    for theme in themes:
        if len(theme) > 60:
            report.add("error", "专题名称太长（最多 60 个字）。", number, "themes", theme)
        elif refs.theme(theme) is None and theme not in report.new_themes:
            report.new_themes.append(theme)
            report.add("warning", f"专题“{theme}”还不存在，导入时将新建。", number, "themes", theme)

    for column, value in values.items():
        if column in {"origin", "history", "story", "name", "address", "village"} and HTML_RE.search(value):
            report.add("warning", "内容里有 HTML 标签；网页会按纯文本显示它们。", number, column, value)
        elif (
            value.startswith(FORMULA_START)
            and column not in {"longitude", "latitude"}
            and header_index.get(column) not in formulas
        ):
            report.add(
                "warning", "以 = + - @ 开头，可能是电子表格公式，将按纯文本保存。", number, column, value
            )
    if name and re.fullmatch(r"[\d\s\W]+", name):
        report.add("warning", "标准名称里没有文字，请核对。", number, "name", name)

    if len(report.errors) > errors_before:
        return None
    data = {
        "code": code,
        "name": name,
        "pinyin": get("pinyin", ""),
        "category": category.name if category else None,
        "town": town.name if town else None,
        "village": get("village", ""),
        "address": get("address", ""),
        "longitude": lon,
        "latitude": lat,
        "era": era.name if era else None,
        "origin": get("origin", ""),
        "history": get("history", ""),
        "story": get("story", ""),
        "persons": _split_list(get("persons", "")) if "persons" in header_index else None,
        "events": _split_list(get("events", "")) if "events" in header_index else None,
        "protection_level": level.name if level else None,
        "aliases": aliases,
        "sources": sources,
        "themes": themes,
    }
    return ImportRow(number, data)


class _ReferenceNames:
    """The allowed names, in their official order, for messages that list the choices."""

    def __init__(self, refs) -> None:
        def ordered(rows):
            unique = {id(r): r for r in rows}.values()
            return [r.name for r in sorted(unique, key=lambda r: (r.position, r.id))]

        self.categories = ordered(refs.categories.values())
        self.eras = ordered(refs.eras.values())
        self.protection_levels = ordered(refs.protection_levels.values())


def _check_header(report: ImportReport, cells: list[str]) -> dict[str, int] | None:
    header = [c.strip().lstrip("\ufeff").strip().lower() for c in cells]
    while header and header[-1] == "":
        header.pop()
    known = set(COLUMNS) | set(OPTIONAL_COLUMNS) | set(IGNORED_COLUMNS)
    index: dict[str, int] = {}
    ok = True
    for position, name in enumerate(header):
        letter = _column_letter(position)
        if name in index:
            report.add("error", f"表头第 {letter} 列“{name}”重复出现。", 1, name)
            ok = False
        elif name not in known:
            report.add("error", f"表头第 {letter} 列“{name or '（空）'}”不是可识别的列名。", 1, name or None)
            ok = False
        else:
            index[name] = position
    missing = [c for c in COLUMNS if c not in index]
    if missing:
        report.add(
            "error",
            f"表头缺少列：{', '.join(missing)}。第一行必须是：{','.join(COLUMNS)}",
            1,
        )
        ok = False
    return index if ok else None


def _column_letter(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, rem = divmod(position - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def check(data: bytes, filename: str = "", refs=None) -> ImportReport:
    """Validate a CSV/XLSX file without writing anything; every problem is reported by row and column."""
    from app.places.reference import ReferenceMatcher
    from app.places.services import existing_index

    report = ImportReport(filename=filename)
    refs = refs or ReferenceMatcher()
    names = _ReferenceNames(refs)
    try:
        rows = read_table(data, filename, report)
        first = next(rows, None)
        while first is not None and not any(c.strip() for c in first[1]):
            first = next(rows, None)
        if first is None:
            raise ImportFileError("文件是空的：第一行应为表头，之后每行一个条目。")
        header_index = _check_header(report, first[1])
        if header_index is None:
            return report
        seen_codes: dict[str, int] = {}
        seen_names: dict[tuple[str | None, str], tuple[int, str]] = {}
        existing_codes, existing_names = existing_index()
        touched: dict[str, list[str]] = {"published": [], "in_review": []}
        for number, cells, formulas in rows:
            if not any(c.strip() for c in cells):
                report.empty_rows += 1
                continue
            report.total_rows += 1
            if report.total_rows > MAX_ROWS:
                report.add("error", f"文件行数太多：一次最多导入 {MAX_ROWS} 行，请拆分后分批导入。", number)
                break
            values = {}
            for column, position in header_index.items():
                if column in IGNORED_COLUMNS:
                    continue
                raw = cells[position] if position < len(cells) else ""
                values[column] = _clean(_unneutralise(raw))
            extra = [c for c in cells[len(header_index) :] if c.strip()]
            if extra and len(cells) > max(header_index.values()) + 1:
                report.add("warning", "这一行比表头多出几列，多出的内容被忽略。", number, None, extra[0])
            item = _check_row(report, number, values, formulas, refs, names, header_index)
            code = values.get("code", "").upper()
            if code:
                if code in seen_codes:
                    report.add("error", f"编号与第 {seen_codes[code]} 行重复。", number, "code", code)
                    item = None
                else:
                    seen_codes[code] = number
            if item is None:
                continue
            item.exists = code in existing_codes
            if existing_codes.get(code) in ("published", "in_review"):
                touched[existing_codes[code]].append(code)
            town = item.data["town"]
            key = (town, item.data["name"])
            if key in seen_names:
                report.add(
                    "warning",
                    f"同一镇街已有同名条目（第 {seen_names[key][0]} 行 {seen_names[key][1]}），请确认不是重复。",
                    number,
                    "name",
                    item.data["name"],
                )
            else:
                seen_names[key] = (number, code)
                other = existing_names.get(key)
                if other and other != code:
                    report.add(
                        "warning",
                        f"同一镇街已有同名条目 {other}，请确认不是重复。",
                        number,
                        "name",
                        item.data["name"],
                    )
            report.rows.append(item)
        for status, message in (
            ("published", "将更新 {n} 个已发布的条目，导入后公众页面立即变化"),
            ("in_review", "将改写 {n} 个正在审核中的条目"),
        ):
            codes = touched[status]
            if codes:
                sample = "、".join(codes[:10]) + ("等" if len(codes) > 10 else "")
                report.add("warning", message.format(n=len(codes)) + f"：{sample}。")
        if report.total_rows == 0 and report.ok:
            report.add("error", "文件里只有表头，没有条目。")
    except ImportFileError as exc:
        report.add("error", exc.message)
    return report


def run(data: bytes, filename: str = "", *, publish: bool = False, user=None) -> ImportReport:
    """Check the file, then upsert every row by code in one transaction (nothing is written on error)."""
    from app.places.services import import_rows

    report = check(data, filename)
    if not report.ok:
        raise ImportRejected(report)
    import_rows(report, publish=publish, user=user)
    return report
