"""Reading CSV and XLSX files into rows of text cells for the place import.

CSV is UTF-8 with or without BOM; GBK/GB18030 (Excel's "CSV" on Chinese Windows) is decoded with a
file-level warning; anything else is refused. XLSX is opened read-only with ``data_only=False``, so formulas
come back as their text, are reported as formula cells, and are never evaluated.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from typing import Any
from xml.parsers.expat import ExpatError

from app.places.errors import ImportFileError
from app.places.importing.report import ImportReport


def _decode_csv(data: bytes, report: ImportReport) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        report.encoding = "UTF-8（带 BOM）"
        data = data[3:]
    try:
        text = data.decode("utf-8")
        report.encoding = report.encoding or "UTF-8"
        return text
    except UnicodeDecodeError:
        pass
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError("文件是 UTF-16 编码，请另存为“CSV UTF-8（逗号分隔）”后再导入。")
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            "无法识别文件的文字编码：请在 Excel 中“另存为 → CSV UTF-8（逗号分隔）”后再导入。"
        ) from exc
    report.encoding = "GBK"
    report.add(
        "warning",
        "文件是 GBK（GB18030）编码，系统已按 GBK 读取。请核对报告中的中文是否正确；"
        "建议以后另存为“CSV UTF-8”。",
    )
    return text


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _read_csv(data: bytes, report: ImportReport) -> Iterator[tuple[int, list[str], set[int]]]:
    text = _decode_csv(data, report)
    if "\x00" in text:
        raise ImportFileError("文件里有不可见的二进制内容，不是 CSV 文本文件。")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, cells, set()
    except csv.Error as exc:
        raise ImportFileError(
            f"CSV 格式有误（第 {reader.line_num} 行附近）：引号不配对或分隔符不对。"
        ) from exc


# Zip-bomb and XML limits (issue 15): checked on the archive's directory before anything is inflated.
XLSX_MAX_MEMBERS = 200
XLSX_MAX_UNCOMPRESSED = 50 * 1024 * 1024  # all members together
XLSX_MAX_RATIO = 200  # uncompressed / compressed, per member bigger than 1 MB
XLSX_MAX_ROWS = 20_000  # the archive holds a few thousand places; a header plus this many rows at most
_STRUCTURE_ERRORS = (
    zipfile.BadZipFile,
    KeyError,
    OSError,
    ValueError,
    TypeError,
    SyntaxError,
    EOFError,
    ExpatError,
)


def _check_archive(data: bytes) -> None:
    """Refuse archives that would inflate too far, hold too many members, or carry a DOCTYPE (XXE)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFileError(
            "无法打开这个 XLSX 文件：文件可能已损坏，或不是 Excel 2007 及以后的格式。"
        ) from exc
    if len(members) > XLSX_MAX_MEMBERS:
        raise ImportFileError("这个 XLSX 文件的内部结构异常（部件过多），请在 Excel 中另存后再导入。")
    total = sum(m.file_size for m in members)
    bomb = any(
        m.file_size > 1024 * 1024 and m.file_size > XLSX_MAX_RATIO * max(m.compress_size, 1) for m in members
    )
    if total > XLSX_MAX_UNCOMPRESSED or bomb:
        raise ImportFileError(
            f"这个 XLSX 文件解压后太大（超过 {XLSX_MAX_UNCOMPRESSED // (1024 * 1024)} MB）或压缩比异常，"
            "请删除多余的工作表和空行后再导入。"
        )
    for member in members:
        if member.filename.endswith((".xml", ".rels")):
            with archive.open(member) as handle:
                head = handle.read(64 * 1024)
            if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
                raise ImportFileError("这个 XLSX 文件含有不允许的 XML 声明（DOCTYPE），已拒绝导入。")


def _read_xlsx(data: bytes, report: ImportReport) -> Iterator[tuple[int, list[str], set[int]]]:
    from openpyxl import load_workbook  # heavy; loaded on the first XLSX upload, not at app start

    report.encoding = "XLSX"
    _check_archive(data)
    try:
        # read_only streams rows; data_only=False returns formulas as their text: nothing is evaluated.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except _STRUCTURE_ERRORS as exc:
        raise ImportFileError(
            "无法打开这个 XLSX 文件：文件可能已损坏，或不是 Excel 2007 及以后的格式。"
        ) from exc
    try:
        yield from _xlsx_rows(workbook)
    except ImportFileError:
        raise
    except _STRUCTURE_ERRORS as exc:  # defusedxml's DTDForbidden, ParseError, broken parts: stop at once
        raise ImportFileError("这个 XLSX 文件的内容结构有误，无法读取，请在 Excel 中另存后再导入。") from exc
    finally:
        workbook.close()


def _xlsx_rows(workbook) -> Iterator[tuple[int, list[str], set[int]]]:
    """The first sheet's rows as text cells (formulas marked), at most ``XLSX_MAX_ROWS``."""
    sheet = workbook.worksheets[0]
    for number, row in enumerate(sheet.iter_rows(), start=1):
        if number > XLSX_MAX_ROWS + 1:
            raise ImportFileError(f"行数太多：一次最多导入 {XLSX_MAX_ROWS} 行，请分批导入或删除多余的空行。")
        cells, formulas = [], set()
        for index, cell in enumerate(row):
            value = getattr(cell, "value", None)
            if getattr(cell, "data_type", None) == "f" or type(value).__name__ in {
                "ArrayFormula",
                "DataTableFormula",
            }:
                formulas.add(index)
                value = getattr(value, "text", value)
            cells.append(_cell_text(value))
        yield number, cells, formulas


def read_table(data: bytes, filename: str, report: ImportReport) -> Iterator[tuple[int, list[str], set[int]]]:
    """Yield (row number, cells, indexes of formula cells) from a CSV or XLSX file."""
    name = (filename or "").lower()
    if data.startswith(b"PK\x03\x04") or name.endswith((".xlsx", ".xlsm")):
        if not data.startswith(b"PK\x03\x04"):
            raise ImportFileError("文件扩展名是 .xlsx，但内容不是 Excel 文件。")
        return _read_xlsx(data, report)
    if data.startswith(b"\xd0\xcf\x11\xe0") or name.endswith(".xls"):
        raise ImportFileError("不支持旧版 .xls 文件：请在 Excel 中另存为 .xlsx 或 CSV UTF-8 后再导入。")
    return _read_csv(data, report)
