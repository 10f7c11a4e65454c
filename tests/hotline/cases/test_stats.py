"""Statistics: counts by month/topic/mode/outcome/town, families, no-show rate, first contact, "<5", CSV."""

import csv
import io
from datetime import timedelta

import pytest

from app.extensions import db
from app.hotline.cases import services as cases
from app.hotline.cases.charts import bar_chart, column_chart
from app.hotline.cases.stats import Series, compute_stats, csv_cell, default_period, shown, stats_csv
from app.web.time import utcnow


def _period():
    return default_period()


def test_shown_suppresses_small_counts():
    """1–4 become "<5"; 0 and 5+ are shown as numbers."""
    assert [shown(n) for n in (0, 1, 4, 5, 17)] == ["0", "<5", "<5", "5", "17"]


def test_csv_cells_cannot_be_formulas():
    """Cells starting with = + - @ are neutralised with a leading apostrophe."""
    assert csv_cell("=SUM(A1)") == "'=SUM(A1)"
    assert csv_cell("+1") == "'+1" and csv_cell("-1") == "'-1" and csv_cell("@x") == "'@x"
    assert csv_cell("<5") == "<5" and csv_cell("明水街道") == "明水街道"


@pytest.fixture
def seed(phone_in, make_booking_case):
    """``seed(counselor)``: closed phone-in cases (some from one phone) plus one open booking case."""

    def create(counselor, n_closed=6, same_family=2):
        closed = []
        for i in range(n_closed):
            phone = "13800000000" if i < same_family else f"1380000{i:04d}"
            case = phone_in(counselor, phone=phone, topic="marriage" if i % 2 else "premarital")
            cases.change_status(case, "已结案", counselor, "调解成功" if i < 5 else "未成功")
            closed.append(case)
        make_booking_case(phone="13900000001")
        return closed

    return create


def test_stats_counts_and_suppression(app, make_user, seed):
    """Totals, families (distinct phones among closed cases), outcomes and the "<5" rule."""
    counselor = make_user(roles=("counselor",))
    seed(counselor)
    stats = compute_stats(*_period())
    assert stats.total_cases == 7
    assert stats.closed_cases == 6
    assert stats.families_served == 5  # two cases share a phone
    series = {s.key: dict(s.items) for s in stats.series}
    assert series["outcome"]["调解成功"] == 5 and series["outcome"]["未成功"] == 1
    assert sum(series["month"].values()) == 7
    assert series["topic"]["婚姻关系调适"] == 3 and series["topic"]["婚前辅导"] == 3
    assert series["mode"]["电话回访"] == 7
    assert series["town"]["明水街道"] == 1 and series["town"]["未填写"] == 6
    body = stats_csv(stats)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    outcome_rows = {r[1]: r[2] for r in rows if r[0] == "按结案结果"}
    assert outcome_rows["调解成功"] == "5" and outcome_rows["未成功"] == "<5"
    assert ["服务家庭数", "", "5"] in rows
    assert not any(cell == "1" for row in rows for cell in row), "a count of 1 leaked into the CSV"


def test_no_show_rate_and_first_contact(app, make_user, make_booking_case):
    """No-show rate over past bookings, median time to first contact of booking cases; small samples hidden."""
    counselor = make_user(roles=("counselor",))
    now = utcnow()
    booked = []
    for i in range(6):
        booking, case = make_booking_case(
            start=now - timedelta(hours=3 + i), phone=f"1370000{i:04d}", created_at=now - timedelta(days=1)
        )
        booked.append((booking, case))
    for _booking, case in booked[:5]:
        cases.log_call_attempt(case, counselor, "已接通")
    cases.mark_no_show(booked[5][1], counselor)
    stats = compute_stats(*_period())
    assert stats.bookings_due == 6 and stats.no_shows == 1
    assert stats.no_show_rate == "<84%"  # a rate (fewer than 5 of 6), never a count "<5 次" (issue 13)
    assert stats.first_contact_sample == 5
    assert 23 < stats.first_contact_hours < 25
    assert stats.first_contact_label.endswith("小时")


def test_small_samples_are_not_published(app, make_user, make_booking_case):
    """With fewer than five bookings the no-show rate and median say 样本不足."""
    make_booking_case(start=utcnow() - timedelta(hours=2))
    stats = compute_stats(*_period())
    assert stats.no_show_rate == "样本不足" and stats.first_contact_label == "样本不足"


def test_stats_survive_purge(app, make_user, seed):
    """The purge erases phones and hashes but families, outcomes and counts stay the same."""
    from app.hotline.cases.purge import purge_personal_data

    counselor = make_user(roles=("counselor",))
    closed = seed(counselor)
    before = compute_stats(*_period())
    for case in closed:
        case.closed_at = utcnow() - timedelta(days=400)
    db.session.commit()
    report = purge_personal_data()
    assert report.cases == 6
    after = compute_stats(*_period())
    assert after.families_served == before.families_served == 5
    assert [s.items for s in after.series] == [s.items for s in before.series]


def test_charts_are_svg_without_inline_styles():
    """Charts are accessible SVG (role img, title, desc with every value) and use no style attribute."""
    series = Series("topic", "按咨询类别", [("婚前辅导", 12), ("其他", 3), ("<b>", 0)])
    svg = str(bar_chart(series))
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "style=" not in svg
    assert "<title" in svg and "婚前辅导 12，其他 &lt;5" in svg
    assert "&lt;b&gt;" in svg and "<b>" not in svg
    assert ">3<" not in svg  # the small count is never printed
    months = str(column_chart(Series("month", "每月个案数", [("1月", 2), ("2月", 40)])))
    assert "style=" not in months and "&lt;5" in months and ">40<" in months


def test_stats_page_and_csv_routes(client, login_as, make_user, seed):
    """The stats page renders charts (page and fragment); the CSV downloads with suppression."""
    counselor = make_user(roles=("counselor",))
    seed(counselor)
    login_as("counselor")
    page = client.get("/console/hotline/stats")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<svg" in html and "<html" in html
    fragment = client.get("/console/hotline/stats", headers={"HX-Request": "true"})
    assert 'id="stats-body"' in fragment.get_data(as_text=True)
    assert "<html" not in fragment.get_data(as_text=True)
    start, end = _period()
    export = client.get(f"/console/hotline/stats.csv?from={start:%Y-%m}&to={end - timedelta(days=1):%Y-%m}")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    assert "attachment" in export.headers["Content-Disposition"]
    assert "<5" in export.get_data(as_text=True)
    bad = client.get("/console/hotline/stats?from=abc&to=2026-13")
    assert bad.status_code == 200
