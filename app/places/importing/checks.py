"""Validate an import file row by row without touching the database.

The caller passes in what the checks compare against: a ``ReferenceMatcher`` (categories, towns, eras,
protection levels, themes, already loaded) and the ``Existing`` entries (code → status, (town, name) →
code). Row numbers are the spreadsheet's: the header is row 1, the first entry row 2; empty rows are
skipped. Every problem is reported by row and column; a row with an error yields no ``ImportRow``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.places.errors import ImportFileError
from app.places.importing.cells import (
    FORMULA_START,
    clean,
    parse_aliases,
    parse_sources,
    split_list,
    unneutralise,
)
from app.places.importing.report import ImportReport, ImportRow
from app.places.importing.spreadsheet import read_table
from app.places.rules import CODE_RE, COLUMN_LABELS, COLUMNS, IGNORED_COLUMNS, header_column, outside_bbox

HTML_RE = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
MAX_ROWS = 50_000
MAX_LENGTH = {"code": 20, "name": 100, "village": 100, "address": 200, "pinyin": 300}
MAX_TEXT = 20_000
TEXT_COLUMNS = {"origin", "history", "story", "name", "address", "village"}
FORMULA_MESSAGE = "这个单元格是公式，系统不会执行公式：请改为纯文本（可复制后“选择性粘贴 → 值”）。"


@dataclass
class Existing:
    """The entries already in the archive: code → status, and (town name, name) → code."""

    codes: dict[str, str] = field(default_factory=dict)
    names: dict[tuple[str | None, str], str] = field(default_factory=dict)


class _ReferenceNames:
    """The allowed names, in their official order, for messages that list the choices."""

    def __init__(self, refs) -> None:
        def ordered(rows):
            unique = {id(r): r for r in rows}.values()
            return [r.name for r in sorted(unique, key=lambda r: (r.position, r.id))]

        self.categories = ordered(refs.categories.values())
        self.eras = ordered(refs.eras.values())
        self.protection_levels = ordered(refs.protection_levels.values())


@dataclass
class _Row:
    """One row being checked: its number, cleaned values and formula cells, and the report it adds to."""

    report: ImportReport
    number: int
    values: dict[str, str]
    formulas: set[int]
    header_index: dict[str, int]

    def get(self, column: str, default: str = "") -> str:
        return self.values.get(column, default)

    def add(self, level: str, message: str, column: str | None = None, value=""):
        self.report.add(level, message, self.number, column, value)


# --- one row ----------------------------------------------------------------------------------------


def _looks_swapped(raw_lon: str, raw_lat: str) -> bool:
    """True when the longitude cell holds a Zhangqiu latitude and vice versa."""
    try:
        lon, lat = float(raw_lon), float(raw_lat)
    except ValueError:
        return False
    return outside_bbox(lat, lon) and not outside_bbox(lon, lat)


def _parse_coordinate(row: _Row, column: str, low: float, high: float) -> float | None:
    raw = row.get(column)
    if raw == "":
        return None
    label = COLUMN_LABELS[column]
    try:
        value = float(raw.replace("，", ".").replace("°", "").strip())
    except ValueError:
        row.add("error", f"{label}不是有效的数字（应为十进制度，如 117.53）。", column, raw)
        return None
    if value != value or value in (float("inf"), float("-inf")):
        row.add("error", f"{label}不是有效的数字。", column, raw)
        return None
    if not low <= value <= high:
        row.add("error", f"{label}超出范围（应在 {low} 到 {high} 之间）。", column, raw)
        return None
    return round(value, 6)


def _check_identity(row: _Row) -> tuple[str, str]:
    """Formula cells, code, name and lengths; returns (code, name)."""
    for column in row.values:
        if row.header_index.get(column) in row.formulas:
            row.add("error", FORMULA_MESSAGE, column, row.get(column))
    code, name = row.get("code").upper(), row.get("name")
    if not code:
        row.add("error", "编号不能为空（如 ZQ-0001）。", "code")
    elif not CODE_RE.match(code):
        row.add("error", "编号格式不对：只能用字母、数字和连字符，如 ZQ-0001。", "code", code)
    if not name:
        row.add("error", "标准名称不能为空。", "name")
    for column, limit in MAX_LENGTH.items():
        if len(row.get(column)) > limit:
            row.add("error", f"{COLUMN_LABELS[column]}太长（最多 {limit} 个字）。", column, row.get(column))
    for column in ("origin", "history", "story"):
        if len(row.get(column)) > MAX_TEXT:
            row.add("error", f"{COLUMN_LABELS[column]}太长（最多 {MAX_TEXT} 个字）。", column)
    return code, name


def _check_references(row: _Row, refs, names: _ReferenceNames) -> dict[str, str | None]:
    """Category (required), town, era and protection level; returns their official names."""
    get = row.get
    category = refs.category(get("category"))
    if not get("category"):
        row.add("error", f"类别不能为空（可选：{'、'.join(names.categories)}）。", "category")
    elif category is None:
        row.add("error", f"未知的类别（可选：{'、'.join(names.categories)}）。", "category", get("category"))
    town = refs.town(get("town")) if get("town") else None
    if get("town") and town is None:
        message = "未知的镇街：应为章丘区 18 个镇街之一（如 明水街道 或 明水）。"
        row.add("error", message, "town", get("town"))
    era = refs.era(get("era")) if get("era") else None
    if get("era") and era is None:
        row.add("error", f"未知的时期（可选：{'、'.join(names.eras)}）。", "era", get("era"))
    level = refs.protection_level(get("protection_level")) if get("protection_level") else None
    if get("protection_level") and level is None:
        message = f"未知的保护级别（可选：{'、'.join(names.protection_levels)}）。"
        row.add("error", message, "protection_level", get("protection_level"))
    return {
        "category": category.name if category else None,
        "town": town.name if town else None,
        "era": era.name if era else None,
        "protection_level": level.name if level else None,
    }


def _check_coordinates(row: _Row) -> tuple[float | None, float | None]:
    """Longitude and latitude: numbers in range, both or neither, not swapped; returns (lon, lat)."""
    raw_lon, raw_lat = row.get("longitude"), row.get("latitude")
    lon = lat = None
    if _looks_swapped(raw_lon, raw_lat):
        row.add("error", "经度和纬度好像填反了（章丘约为经度 117.5、纬度 36.7）。", "longitude", raw_lon)
    else:
        lon = _parse_coordinate(row, "longitude", -180, 180)
        lat = _parse_coordinate(row, "latitude", -90, 90)
    if bool(raw_lon) != bool(raw_lat):
        row.add("error", "经度和纬度要么都填，要么都不填。", "latitude" if raw_lon else "longitude")
    if lon is not None and lat is not None and outside_bbox(lat, lon):
        row.add("warning", "坐标不在章丘区范围内，请核对。", "latitude", f"{raw_lon}, {raw_lat}")
    return lon, lat


def _check_lists(row: _Row, refs) -> tuple[list, list, list]:
    """Aliases, sources and themes (unknown themes are a warning: the import creates them)."""
    aliases = parse_aliases(row.get("aliases"))
    for alias in aliases:
        if len(alias["name"]) > 100:
            row.add("error", "别名太长（最多 100 个字）。", "aliases", alias["name"])
    sources = parse_sources(row.get("sources"))
    for source in sources:
        if len(source["citation"]) > 500 or len(source["url"]) > 500:
            row.add("error", "出处太长（最多 500 个字）。", "sources", source["citation"])
        if source["url"] and not re.match(r"^https?://", source["url"], re.IGNORECASE):
            row.add("error", "出处链接只能是 http:// 或 https:// 开头的网址。", "sources", source["url"])
    themes = split_list(row.get("themes"))
    new_themes = row.report.new_themes
    for theme in themes:
        if len(theme) > 60:
            row.add("error", "专题名称太长（最多 60 个字）。", "themes", theme)
        elif refs.theme(theme) is None and theme not in new_themes:
            new_themes.append(theme)
            row.add("warning", f"专题“{theme}”还不存在，导入时将新建。", "themes", theme)
    return aliases, sources, themes


def _check_text(row: _Row, name: str) -> None:
    """Warnings only: HTML tags, formula-like text, a name without letters."""
    for column, value in row.values.items():
        if column in TEXT_COLUMNS and HTML_RE.search(value):
            row.add("warning", "内容里有 HTML 标签；网页会按纯文本显示它们。", column, value)
        elif (
            value.startswith(FORMULA_START)
            and column not in {"longitude", "latitude"}
            and row.header_index.get(column) not in row.formulas
        ):
            row.add("warning", "以 = + - @ 开头，可能是电子表格公式，将按纯文本保存。", column, value)
    if name and re.fullmatch(r"[\d\s\W]+", name):
        row.add("warning", "标准名称里没有文字，请核对。", "name", name)


def check_row(row: _Row, refs, names: _ReferenceNames) -> ImportRow | None:
    """Every check of one row; the row's data in save_place's shape, or None when it has an error."""
    errors_before = len(row.report.errors)
    code, name = _check_identity(row)
    references = _check_references(row, refs, names)
    lon, lat = _check_coordinates(row)
    aliases, sources, themes = _check_lists(row, refs)
    _check_text(row, name)
    if len(row.report.errors) > errors_before:
        return None
    get, header = row.get, row.header_index
    data = {
        "code": code,
        "name": name,
        "pinyin": get("pinyin"),
        "category": references["category"],
        "town": references["town"],
        "village": get("village"),
        "address": get("address"),
        "longitude": lon,
        "latitude": lat,
        "era": references["era"],
        "origin": get("origin"),
        "history": get("history"),
        "story": get("story"),
        "persons": split_list(get("persons")) if "persons" in header else None,
        "events": split_list(get("events")) if "events" in header else None,
        "protection_level": references["protection_level"],
        "aliases": aliases,
        "sources": sources,
        "themes": themes,
    }
    return ImportRow(row.number, data)


# --- the file ---------------------------------------------------------------------------------------


def _column_letter(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, rem = divmod(position - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _check_header(report: ImportReport, cells: list[str]) -> dict[str, int] | None:
    """Column name → position; header cells may be the English names or the Chinese labels (rules.py)."""
    header = [c.strip().lstrip("\ufeff").strip() for c in cells]
    while header and header[-1] == "":
        header.pop()
    index: dict[str, int] = {}
    ok = True
    for position, text in enumerate(header):
        letter = _column_letter(position)
        name = header_column(text)
        if name in index:
            report.add("error", f"表头第 {letter} 列“{text}”重复出现。", 1, name)
            ok = False
        elif name is None:
            report.add("error", f"表头第 {letter} 列“{text or '（空）'}”不是可识别的列名。", 1, None, text)
            ok = False
        else:
            index[name] = position
    missing = [c for c in COLUMNS if c not in index]
    if missing:
        named = "、".join(f"{COLUMN_LABELS[c]}（{c}）" for c in missing)
        report.add("error", f"表头缺少列：{named}。可下载导入模板，表头用中文列名或英文列名均可。", 1)
        ok = False
    return index if ok else None


def _values(report, number: int, cells: list[str], header_index: dict[str, int]) -> dict[str, str]:
    """The row's cells by column name, cleaned; a warning when it has more cells than the header."""
    values = {}
    for column, position in header_index.items():
        if column in IGNORED_COLUMNS:
            continue
        raw = cells[position] if position < len(cells) else ""
        values[column] = clean(unneutralise(raw))
    extra = [c for c in cells[len(header_index) :] if c.strip()]
    if extra and len(cells) > max(header_index.values()) + 1:
        report.add("warning", "这一行比表头多出几列，多出的内容被忽略。", number, None, extra[0])
    return values


class _FileCheck:
    """State across the rows of one file: codes and names seen, existing entries touched."""

    def __init__(self, report: ImportReport, existing: Existing) -> None:
        self.report = report
        self.existing = existing
        self.seen_codes: dict[str, int] = {}
        self.seen_names: dict[tuple[str | None, str], tuple[int, str]] = {}
        self.touched: dict[str, list[str]] = {"published": [], "in_review": []}

    def unique_code(self, number: int, code: str) -> bool:
        """False (and an error) when an earlier row has the same code."""
        if not code:
            return True
        if code in self.seen_codes:
            self.report.add("error", f"编号与第 {self.seen_codes[code]} 行重复。", number, "code", code)
            return False
        self.seen_codes[code] = number
        return True

    def accept(self, item: ImportRow, code: str) -> None:
        """Mark whether the row updates an entry, warn about same names in a 镇街, keep the row."""
        report, number = self.report, item.row
        item.exists = code in self.existing.codes
        status = self.existing.codes.get(code)
        if status in self.touched:
            self.touched[status].append(code)
        key = (item.data["town"], item.data["name"])
        if key in self.seen_names:
            line, other = self.seen_names[key]
            message = f"同一镇街已有同名条目（第 {line} 行 {other}），请确认不是重复。"
            report.add("warning", message, number, "name", item.data["name"])
        else:
            self.seen_names[key] = (number, code)
            other = self.existing.names.get(key)
            if other and other != code:
                message = f"同一镇街已有同名条目 {other}，请确认不是重复。"
                report.add("warning", message, number, "name", item.data["name"])
        report.rows.append(item)

    def summarise(self) -> None:
        """File-level warnings for published and in-review entries the import would change."""
        for status, message in (
            (
                "published",
                "涉及 {n} 个已发布的条目：改动保存为“未发布的修改”，审核通过后公众页面才变化（管理员选择“直接发布”时立即生效）",
            ),
            ("in_review", "将改写 {n} 个正在审核中的条目"),
        ):
            codes = self.touched[status]
            if codes:
                sample = "、".join(codes[:10]) + ("等" if len(codes) > 10 else "")
                self.report.add("warning", message.format(n=len(codes)) + f"：{sample}。")


def _check_rows(report: ImportReport, rows, header_index, refs, existing: Existing) -> None:
    names = _ReferenceNames(refs)
    state = _FileCheck(report, existing)
    for number, cells, formulas in rows:
        if not any(c.strip() for c in cells):
            report.empty_rows += 1
            continue
        report.total_rows += 1
        if report.total_rows > MAX_ROWS:
            report.add("error", f"文件行数太多：一次最多导入 {MAX_ROWS} 行，请拆分后分批导入。", number)
            break
        values = _values(report, number, cells, header_index)
        item = check_row(_Row(report, number, values, formulas, header_index), refs, names)
        code = values.get("code", "").upper()
        if state.unique_code(number, code) and item is not None:
            state.accept(item, code)
    state.summarise()
    if report.total_rows == 0 and report.ok:
        report.add("error", "文件里只有表头，没有条目。")


def check_file(data: bytes, filename: str, refs, existing: Existing) -> ImportReport:
    """Validate a CSV/XLSX file against ``refs`` and ``existing``; every problem by row and column."""
    report = ImportReport(filename=filename)
    try:
        rows = read_table(data, filename, report)
        first = next(rows, None)
        while first is not None and not any(c.strip() for c in first[1]):
            first = next(rows, None)
        if first is None:
            raise ImportFileError("文件是空的：第一行应为表头，之后每行一个条目。")
        header_index = _check_header(report, first[1])
        if header_index is not None:
            _check_rows(report, rows, header_index, refs, existing)
    except ImportFileError as exc:
        report.add("error", exc.message)
    return report
