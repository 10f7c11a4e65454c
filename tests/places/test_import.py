"""Import: dry-run report by row and column, encodings, XLSX formulas, all-or-nothing upsert, CLI."""

import io
import time

import pytest
from openpyxl import Workbook

from app.extensions import db
from app.places import services
from app.places.errors import ImportRejected
from app.places.importing import apply
from app.places.models import PlaceName
from app.places.rules import COLUMNS
from tests.places.samples import GOOD, HEADER, csv_bytes


def problems(report):
    return {(p.row, p.column, p.level) for p in report.problems}


def test_good_file_dry_run_writes_nothing(app):
    """A valid file passes the check, counts rows to create, and writes nothing."""
    report = apply.check(csv_bytes(*GOOD), "places.csv")
    assert report.ok, report.problems
    assert report.total_rows == 2 and report.to_create == 2
    assert db.session.query(PlaceName).count() == 0
    data = report.rows[0].data
    assert data["town"] == "黄河街道"
    assert data["aliases"] == [{"name": "大峪渡", "kind": "曾用名"}, {"name": "老渡口", "kind": "俗称"}]
    assert data["sources"][0] == {
        "citation": "《章丘黄河志》（示例）",
        "url": "https://example.org/a",
        "note": "第 2 页",
    }


def test_real_run_creates_drafts_and_publish_flag(app, make_user):
    """A real run creates drafts; with publish=True they are published; a second run updates by code."""
    report = apply.run(csv_bytes(*GOOD), "places.csv")
    assert (report.created, report.updated) == (2, 0)
    place = services.get_place("ZQ-0101")
    assert place.status == "draft" and place.revisions[0].note == "导入"
    assert [t.name for t in place.themes] == ["抗战红色足迹", "黄河地名文化"] or len(place.themes) == 2
    changed = GOOD[1].replace("西营烈士墓", "西营烈士陵园")
    services.submit_for_review(services.get_place("ZQ-0102"), make_user(roles=("archivist",)))
    check = apply.check(csv_bytes(GOOD[0], changed), "places.csv")
    assert check.to_update == 2
    assert any(p.row is None and "正在审核中" in p.message and "ZQ-0102" in p.message for p in check.warnings)
    report = apply.run(csv_bytes(GOOD[0], changed), "places.csv", publish=True)
    assert (report.created, report.updated, report.published) == (0, 2, 2)
    assert services.get_place("ZQ-0102").name == "西营烈士陵园"
    assert services.get_place("ZQ-0102").status == "published"


def test_bom_and_empty_rows(app):
    """A UTF-8 BOM is accepted and empty rows (also ",,,,") are skipped and counted."""
    data = b"\xef\xbb\xbf" + csv_bytes(GOOD[0], "", ",,,,,,,,,,,,,,,", GOOD[1])
    report = apply.check(data, "bom.csv")
    assert report.ok, report.problems
    assert (report.total_rows, report.empty_rows) == (2, 2)
    assert "BOM" in report.encoding


def test_gbk_is_decoded_with_a_warning(app):
    """A GBK file (Excel's default on Chinese Windows) is read as GBK with a file-level warning."""
    report = apply.check(csv_bytes(*GOOD, encoding="gbk"), "gbk.csv")
    assert report.ok
    assert report.encoding == "GBK"
    assert any(p.row is None and "GBK" in p.message for p in report.warnings)
    assert report.rows[1].data["name"] == "西营烈士墓"


def test_undecodable_file_is_refused(app):
    """Bytes that are neither UTF-8 nor GBK give one clear file-level error."""
    report = apply.check(b"code,name\n\xff\xfe\xfa\x80\x81", "x.csv")
    assert not report.ok
    assert "编码" in report.errors[0].message


def test_wrong_header(app):
    """A wrong header is an error on row 1 naming the unknown and the missing columns."""
    header = HEADER.replace("latitude", "lat").replace("name", "名称xx")
    report = apply.check(csv_bytes(GOOD[0], header=header), "bad.csv")
    messages = " ".join(p.message for p in report.errors)
    assert all(p.row == 1 for p in report.errors)
    assert "lat" in messages and "名称xx" in messages and "缺少列" in messages
    assert report.rows == []


@pytest.mark.parametrize(
    ("change", "column", "fragment"),
    [
        (("37.0212", "200"), "latitude", "超出范围"),
        (("37.0212", "北纬37度"), "latitude", "不是有效的数字"),
        (("革命遗址", "纪念馆"), "category", "未知的类别"),
        (("解放战争时期", "民国"), "era", "未知的时期"),
        ((",黄河,", ",历城,"), "town", "未知的镇街"),
        (("未定级", "世界遗产"), "protection_level", "未知的保护级别"),
        (
            (
                "ZQ-0101,",
                ",",
            ),
            "code",
            "编号不能为空",
        ),
        (("ZQ-0101,大峪口渡口", "ZQ-0101,"), "name", "标准名称不能为空"),
        (("117.4701,37.0212", "37.0212,117.4701"), "longitude", "填反"),
        (("117.4701,37.0212", "117.4701,"), "latitude", "都填"),
        (("https://example.org/a", "file:///etc/passwd"), "sources", "http"),
    ],
)
def test_row_errors_name_row_and_column(app, change, column, fragment):
    """Each bad value is an error at its row (2 = first entry) and column, in Chinese."""
    row = GOOD[0].replace(*change, 1)
    report = apply.check(csv_bytes(GOOD[1], row), "bad.csv")
    assert not report.ok
    hits = [p for p in report.errors if p.row == 3 and p.column == column and fragment in p.message]
    assert hits, [(p.row, p.column, p.message) for p in report.problems]


def test_duplicate_codes_in_file(app):
    """The second use of a code in the file is an error pointing at the first row."""
    report = apply.check(csv_bytes(GOOD[0], GOOD[1], GOOD[0].replace("大峪口渡口", "另一个")), "dup.csv")
    errors = [p for p in report.errors if p.column == "code"]
    assert len(errors) == 1 and errors[0].row == 4 and "第 2 行" in errors[0].message


def test_warnings_outside_bbox_duplicate_name_new_theme(app, make_user, make_place):
    """Outside Zhangqiu, a same-name entry in the same 镇街, and a new theme are warnings only."""
    make_place(make_user(roles=("archivist",)), code="ZQ-0900", name="西营烈士墓", town="明水街道")
    far = GOOD[0].replace("117.4701,37.0212", "116.4,39.9").replace("黄河地名文化", "新专题甲")
    report = apply.check(csv_bytes(far, GOOD[1]), "warn.csv")
    assert report.ok
    found = problems(report)
    assert (2, "latitude", "warning") in found
    assert (3, "name", "warning") in found
    assert (2, "themes", "warning") in found
    assert report.new_themes == ["新专题甲"]


def test_errors_mean_nothing_is_written(app):
    """A real run with one bad row writes no row at all."""
    bad = GOOD[1].replace("36.7237", "200")
    with pytest.raises(ImportRejected) as info:
        apply.run(csv_bytes(GOOD[0], bad), "bad.csv")
    assert info.value.report.errors[0].row == 3
    assert db.session.query(PlaceName).count() == 0


def test_failure_during_write_rolls_back(app, monkeypatch):
    """If writing fails after some rows were inserted, the whole import is rolled back."""
    calls = {"n": 0}

    def failing(code):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")

    monkeypatch.setattr(apply, "schedule_code", failing)
    with pytest.raises(RuntimeError):
        apply.run(csv_bytes(*GOOD), "places.csv", publish=True)
    assert db.session.query(PlaceName).count() == 0


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_row(**overrides):
    values = dict.fromkeys(COLUMNS, None)
    values.update(
        code="ZQ-0201",
        name="埠村会议旧址",
        category="革命遗址",
        town="埠村",
        longitude=117.462,
        latitude=36.643,
    )
    values.update(overrides)
    return [values[c] for c in COLUMNS]


def test_xlsx_values_and_numbers(app):
    """XLSX rows are read as values; numeric cells become coordinates."""
    report = apply.check(
        xlsx_bytes([xlsx_row(), [None] * 16, xlsx_row(code="ZQ-0202", name="第二")]), "a.xlsx"
    )
    assert report.ok, report.problems
    assert report.rows[0].data["latitude"] == 36.643 and report.rows[0].data["town"] == "埠村街道"
    assert report.empty_rows == 1


def test_xlsx_formula_is_flagged_never_evaluated(app):
    """A formula cell (=HYPERLINK) is an error at its row and column; nothing evaluates it."""
    row = xlsx_row(sources='=HYPERLINK("http://evil.example","点我")', story="=1+1")
    report = apply.check(xlsx_bytes([row]), "f.xlsx")
    columns = {(p.row, p.column) for p in report.errors}
    assert (2, "sources") in columns and (2, "story") in columns
    assert "公式" in report.errors[0].message


def test_not_an_xlsx(app):
    """A file named .xlsx that is not a workbook, and a legacy .xls, are refused clearly."""
    assert "不是 Excel" in apply.check(b"hello", "x.xlsx").errors[0].message
    assert ".xls" in apply.check(b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "x.xls").errors[0].message
    assert "损坏" in apply.check(b"PK\x03\x04garbage", "x.xlsx").errors[0].message


def test_20000_rows_in_reasonable_time(app):
    """20,000 rows are checked in a few seconds (one query for existing codes, none per row)."""
    rows = [
        f"ZQ-{n:05d},测试地名{n},,革命遗址,明水街道,,,117.5{n % 10},36.7{n % 10},抗日战争时期,来历,沿革,故事,,,未定级"
        for n in range(20000)
    ]
    started = time.perf_counter()
    report = apply.check(csv_bytes(*rows), "big.csv")
    elapsed = time.perf_counter() - started
    assert report.ok and report.total_rows == 20000
    assert elapsed < 60, elapsed  # ~2 s alone on this machine; generous for a loaded CI box


def test_cli_dry_run_and_import(app, runner, tmp_path):
    """`flask places import` reports problems with exit 1, writes on success, publishes with --publish."""
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(GOOD[0].replace("37.0212", "200")))
    result = runner.invoke(args=["places", "import", str(bad)])
    assert result.exit_code == 1
    assert "第 2 行" in result.output and "latitude（纬度）" in result.output and "未写入" in result.output
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(*GOOD))
    result = runner.invoke(args=["places", "import", str(good), "--dry-run"])
    assert result.exit_code == 0 and "将新建 2 条" in result.output
    assert db.session.query(PlaceName).count() == 0
    result = runner.invoke(args=["places", "import", str(good), "--publish"])
    assert result.exit_code == 0, result.output
    assert "新建 2 条" in result.output
    assert services.get_place("ZQ-0101").status == "published"


def test_bulk_created_entries_match_the_orm_snapshot(app, make_user):
    """Entries created by the bulk path read back exactly like their first revision's snapshot."""
    user = make_user(roles=("archivist",))
    apply.run(csv_bytes(*GOOD), "places.csv", publish=True, user=user)
    db.session.expire_all()
    for code in ("ZQ-0101", "ZQ-0102"):
        place = services.get_place(code)
        assert len(place.revisions) == 1
        assert place.revisions[0].snapshot == place.snapshot()
        assert place.revisions[0].author_id == user.id and place.reviewer_id == user.id
        assert place.status == "published" and place.published_at is not None


@pytest.mark.slow
def test_20000_new_rows_are_written_in_one_go(app):
    """A real run of 20,000 new rows finishes well inside a request timeout and writes every row."""
    rows = [
        f"ZQ-{n:05d},测试地名{n},俗称:别名{n},革命遗址,明水街道,,,117.5{n % 10},36.7{n % 10},抗日战争时期,,,,《志》,英烈纪念,"
        for n in range(20000)
    ]
    started = time.perf_counter()
    report = apply.run(csv_bytes(*rows), "big.csv")
    elapsed = time.perf_counter() - started
    assert report.created == 20000
    assert db.session.query(PlaceName).count() == 20000
    assert elapsed < 90, elapsed  # ~8 s alone on this machine
