"""Attack-audit findings 4, 6, 7 (issue 15): XLSX zip bombs and DOCTYPEs, and a very long thin PNG."""

import io
import zipfile

import pytest
from openpyxl import Workbook
from PIL import Image

from app.places import photos
from app.places.errors import ImportFileError, PhotoError
from app.places.importing import spreadsheet
from app.places.importing.report import ImportReport


def _xlsx(rows=3) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["名称", "地址"])
    for n in range(rows):
        sheet.append([f"地名{n}", "章丘"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rewrite(data: bytes, name: str, content: bytes) -> bytes:
    """The same XLSX with one member replaced (or added)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != name:
                target.writestr(item, source.read(item.filename))
        target.writestr(name, content)
    return out.getvalue()


def _read(data: bytes):
    return list(spreadsheet.read_table(data, "places.xlsx", ImportReport()))


def test_plain_xlsx_still_reads(app):
    """A normal workbook gives its rows."""
    assert len(_read(_xlsx())) == 4


def test_zip_bomb_is_refused_before_inflating(app):
    """Finding 4: a member that inflates past the limit is refused from the archive directory alone."""
    bomb = _rewrite(_xlsx(), "xl/sharedStrings.xml", b"<sst>" + b" " * (60 * 1024 * 1024) + b"</sst>")
    assert len(bomb) < 1024 * 1024
    with pytest.raises(ImportFileError, match="解压后太大"):
        _read(bomb)


def test_row_cap(app, monkeypatch):
    """Finding 4: reading stops at XLSX_MAX_ROWS with a Chinese error (millions of empty rows never load)."""
    monkeypatch.setattr(spreadsheet, "XLSX_MAX_ROWS", 5)
    with pytest.raises(ImportFileError, match="行数太多"):
        _read(_xlsx(rows=10))


def test_doctype_is_refused(app):
    """Finding 7: an XLSX part with a DOCTYPE (XXE, billion laughs) is refused, never a 500."""
    evil = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol2;</t></si></sst>'
    )
    with pytest.raises(ImportFileError, match="DOCTYPE"):
        _read(_rewrite(_xlsx(), "xl/sharedStrings.xml", evil))


def test_broken_sheet_xml_is_a_file_error(app):
    """Finding 7: a structurally broken sheet stops at the first error with a Chinese message."""
    broken = _rewrite(_xlsx(), "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row><c>")
    with pytest.raises(ImportFileError):
        _read(broken)


def test_long_thin_png_is_refused(app):
    """Finding 6: a 1×70,000 PNG (few pixels, absurd height) is refused before decoding, not a 500."""
    out = io.BytesIO()
    Image.new("L", (1, 70_000)).save(out, "PNG")
    with pytest.raises(PhotoError) as error:
        photos.process_image(out.getvalue())
    assert error.value.status in {413, 422}
