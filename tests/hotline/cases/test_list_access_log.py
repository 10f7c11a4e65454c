"""Finding 11 (issue 15): Today and the case list write access-log rows (who, which view, how many, when)."""

from datetime import datetime, time, timedelta

from sqlalchemy import select

from app.extensions import db
from app.hotline.cases.models import AccessLog
from app.web.time import CHINA_TZ, local_today


def _today_noon():
    return datetime.combine(local_today(), time(12, 0), tzinfo=CHINA_TZ)


def _rows(action):
    return db.session.scalars(select(AccessLog).where(AccessLog.action == action)).all()


def test_today_logs_each_case_shown(client, login_as, make_booking_case):
    """Opening Today writes one row per case whose nickname and masked phone it shows."""
    counselor = login_as("counselor")
    _, first = make_booking_case(_today_noon(), phone="13812341234")
    _, second = make_booking_case(_today_noon() + timedelta(hours=1), phone="13812345678")
    assert client.get("/console/hotline/").status_code == 200
    rows = _rows("list_today")
    assert {row.case_id for row in rows} == {first.id, second.id}
    assert {row.user_id for row in rows} == {counselor.id} and len({row.at for row in rows}) == 1


def test_case_list_logs_the_page_shown(client, login_as, make_booking_case):
    """The case list logs the cases on the page, and an empty list still logs who looked, when."""
    counselor = login_as("counselor")
    assert client.get("/console/hotline/cases/?q=none-such").status_code == 200
    empty = _rows("list_cases")
    assert len(empty) == 1 and empty[0].case_id is None and empty[0].user_id == counselor.id
    _, case = make_booking_case(_today_noon())
    client.get("/console/hotline/cases/", headers={"HX-Request": "true"})
    assert case.id in {row.case_id for row in _rows("list_cases")}


def test_list_views_have_chinese_labels_in_the_access_log():
    """The access-log page names list views in Chinese, not by their internal codes."""
    assert AccessLog(action="list_today").label == "查看今日列表"
    assert AccessLog(action="list_cases").label == "查看个案列表"
