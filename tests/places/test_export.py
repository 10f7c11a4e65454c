"""Export: CSV/XLSX/JSON/GeoJSON for staff, formula neutralisation, and export → import round trip."""

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from app.extensions import db
from app.places import exporter, services
from app.places.importing import apply
from app.places.models import PlaceName
from app.places.rules import COLUMNS, OPTIONAL_COLUMNS

FIELDS = (*COLUMNS, *OPTIONAL_COLUMNS)


def _snapshot(place):
    snap = place.snapshot()
    return {k: snap[k] for k in FIELDS}


@pytest.fixture
def entries(make_user, make_place, publish):
    """A draft and a published entry with formula-like text, lists and no coordinates."""
    author, reviewer = make_user(roles=("archivist",)), make_user(roles=("archivist",))
    first = make_place(author)
    second = make_place(
        author,
        code="ZQ-9002",
        name="刁镇战斗遗址",
        town="刁镇",
        category="战斗遗址",
        longitude=None,
        latitude=None,
        era=None,
        protection_level=None,
        story='=HYPERLINK("http://evil.example")\n第二段，含逗号,和"引号"',
        aliases=[{"name": "刁家", "kind": "俗称"}, {"name": "@刁", "kind": "简称"}],
        sources=[{"citation": "口述（示例）", "url": "https://example.org/x", "note": ""}],
        themes=[],
        persons=[],
        events=["-1945 年解放"],
    )
    publish(second, author, reviewer)
    return first, second


def test_csv_neutralises_formulas_and_has_status(app, entries):
    """CSV cells starting with = + - @ get a leading apostrophe; the status column is there."""
    text = exporter.export("csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    by_code = {r["code"]: r for r in rows}
    assert by_code["ZQ-9002"]["story"].startswith("'=HYPERLINK")
    assert by_code["ZQ-9002"]["events"] == "'-1945 年解放"
    assert by_code["ZQ-9002"]["status"] == "published" and by_code["ZQ-9001"]["status"] == "draft"


def test_xlsx_has_no_formula_cells(app, entries):
    """The XLSX holds the neutralised text as strings, never as formulas."""
    workbook = load_workbook(io.BytesIO(exporter.export("xlsx")))
    sheet = workbook.active
    header = [c.value for c in sheet[1]]
    story = sheet.cell(row=3, column=header.index("story") + 1)
    assert story.data_type == "s" and story.value.startswith("'=HYPERLINK")
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_json_and_geojson(app, entries):
    """JSON carries every entry with status; GeoJSON only those with coordinates, as [lon, lat]."""
    data = json.loads(exporter.export("json"))
    assert {p["code"]: p["status"] for p in data["places"]} == {"ZQ-9001": "draft", "ZQ-9002": "published"}
    geo = json.loads(exporter.export("geojson"))
    assert geo["type"] == "FeatureCollection"
    assert [f["id"] for f in geo["features"]] == ["ZQ-9001"]
    assert geo["features"][0]["geometry"]["coordinates"] == [117.4131, 36.5702]


def _round_trip(places, fmt, filename):
    before = {p.code: _snapshot(p) for p in places}
    data = exporter.export(fmt)
    for place in db.session.scalars(db.select(PlaceName)):
        db.session.delete(place)
    db.session.commit()
    report = apply.run(data, filename)
    assert report.created == 2, report.problems
    after = {code: _snapshot(services.get_place(code)) for code in before}
    assert after == before


def test_csv_round_trip(app, entries):
    """Export CSV → delete → import gives the same data (lists, kinds, quotes, newlines, formulas)."""
    _round_trip(entries, "csv", "export.csv")


def test_xlsx_round_trip(app, entries):
    """Export XLSX → delete → import gives the same data."""
    _round_trip(entries, "xlsx", "export.xlsx")


def test_cli_export(app, runner, make_user, tmp_path, place_data, make_place):
    """`flask places export --format geojson -o PATH` writes the file; CSV goes to stdout."""
    make_place(make_user(roles=("archivist",)), **{k: v for k, v in place_data().items() if k != "code"})
    out = tmp_path / "p.geojson"
    result = runner.invoke(args=["places", "export", "--format", "geojson", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["features"][0]["id"] == "ZQ-9001"
    result = runner.invoke(args=["places", "export", "--format", "csv"])
    assert "ZQ-9001" in result.output
