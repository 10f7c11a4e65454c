"""Import templates to download: the header row with the Chinese column labels (CSV and XLSX), and in
the XLSX a second sheet 参考列表 with the values the import matches (categories with their codes, eras,
protection levels, the 18 镇街 with short names, existing themes)."""

from __future__ import annotations

import csv
import io
from itertools import zip_longest

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from app.places import reference
from app.places.rules import COLUMN_LABELS, COLUMNS, OPTIONAL_COLUMNS

TEMPLATE_COLUMNS = (*COLUMNS, *OPTIONAL_COLUMNS)
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def header() -> list[str]:
    """The template's header row: each column's Chinese label (the import also accepts the English names)."""
    return [COLUMN_LABELS[c] for c in TEMPLATE_COLUMNS]


def reference_lists() -> list[tuple[str, list[str]]]:
    """(heading, values) for each reference list, in the order of the XLSX sheet's columns."""
    categories = reference.all_categories()
    towns = reference.all_towns()
    return [
        ("类别", [c.name for c in categories]),
        ("类别代码", [c.code for c in categories]),
        ("时期", [e.name for e in reference.all_eras()]),
        ("保护级别", [p.name for p in reference.all_protection_levels()]),
        ("镇街", [t.name for t in towns]),
        ("镇街简称（也可用）", [t.short_name for t in towns]),
        ("已有专题（也可填新专题）", [t.name for t in reference.all_themes()]),
    ]


def template_csv() -> bytes:
    """UTF-8 CSV with BOM (Excel opens it correctly): the header row only."""
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerow(header())
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _text_row(sheet, values, bold: bool = False) -> list[WriteOnlyCell]:
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value or None)
        if value:
            cell.data_type = "s"  # text, never a formula
        if bold:
            cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def template_xlsx() -> bytes:
    """Sheet 1 红色地名 with the header row (the import reads only this sheet); sheet 2 参考列表."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("红色地名")
    sheet.append(_text_row(sheet, header(), bold=True))
    lists = reference_lists()
    ref = workbook.create_sheet("参考列表")
    ref.append(_text_row(ref, [heading for heading, _ in lists], bold=True))
    for values in zip_longest(*(values for _, values in lists), fillvalue=""):
        ref.append(_text_row(ref, values))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
