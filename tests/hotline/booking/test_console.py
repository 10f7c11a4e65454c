"""Schedule console: role matrix, weekly rules, closures with warnings, holiday prefill, settings."""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.hotline import triage
from app.hotline.booking import calendar
from app.hotline.booking.models import WEEKDAYS, AvailabilityRule, Closure, ExtraWorkday, HotlineSetting, Slot
from app.web.time import local_day_bounds, local_now
from tests.hotline.factories import future_day
from tests.web.confirming import asks_first, back_link

PAGES = ["/console/hotline/schedule/", "/console/hotline/schedule/rules/new"]


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_is_sent_to_login(client, url):
    """Anonymous visitors are redirected to the login page."""
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["editor", "archivist"])
@pytest.mark.parametrize("url", [*PAGES, "/console/hotline/schedule/settings"])
def test_other_roles_get_403(client, login_as, role, url):
    """Editors and archivists never see hotline pages."""
    login_as(role)
    assert client.get(url).status_code == 403
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 403


@pytest.mark.parametrize("role", ["counselor", "admin"])
def test_counselor_and_admin_see_the_schedule(client, login_as, role):
    """Counselors and admins open the schedule page; it is not cached."""
    login_as(role)
    response = client.get("/console/hotline/schedule/")
    assert response.status_code == 200 and "每周时段规则" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


def test_settings_are_admin_only(client, login_as):
    """Only admins change the booking settings."""
    login_as("counselor")
    assert client.get("/console/hotline/schedule/settings").status_code == 403


def test_console_tile(client, login_as):
    """The console home shows the 热线排班 tile to counselors."""
    login_as("counselor")
    assert "热线排班" in client.get("/console/").get_data(as_text=True)


def test_add_rule_materialises_slots(client, login_as):
    """Saving a rule creates the slots at once."""
    login_as("counselor")
    data = {
        "weekday": "0",
        "start_time": "09:00",
        "end_time": "10:00",
        "slot_minutes": "30",
        "capacity": "2",
        "mode": "phone",
        "active": "y",
    }
    response = client.post("/console/hotline/schedule/rules/new", data=data)
    assert response.status_code == 303
    assert db.session.scalar(select(AvailabilityRule)).capacity == 2
    assert db.session.scalar(select(db.func.count()).select_from(Slot)) >= 2


def test_rule_with_end_before_start_is_422(client, login_as):
    """A rule that ends before it starts is refused with the form kept."""
    login_as("counselor")
    data = {"weekday": "1", "start_time": "11:00", "end_time": "09:00", "slot_minutes": "30", "capacity": "1"}
    response = client.post("/console/hotline/schedule/rules/new", data=dict(data, mode="phone"))
    assert response.status_code == 422 and "结束时间要晚于开始时间" in response.get_data(as_text=True)


def test_deleting_a_rule_keeps_booked_slots_with_warning(client, login_as, book, create_rule):
    """Deleting a rule warns about booked slots and keeps them."""
    today = local_now().date()
    monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
    rule = create_rule(weekday=0)
    calendar.materialize_slots(days=14)
    start, end = local_day_bounds(monday)
    slot = db.session.scalar(
        select(Slot).where(Slot.start_at >= start, Slot.start_at < end).order_by(Slot.start_at)
    )
    book(slot)
    login_as("counselor")
    client.post(f"/console/hotline/schedule/rules/{rule.id}/delete", data={"confirm": "yes"})
    page = client.get("/console/hotline/schedule/").get_data(as_text=True)
    assert "已有 1 人预约" in page
    assert db.session.get(Slot, slot.id) is not None


def test_closing_a_booked_day_leads_to_its_call_list(client, login_as, book, create_slot):
    """Closing a day with bookings keeps them, says so, and opens the day's call list (issue 13)."""
    slot = create_slot()
    book(slot)
    login_as("counselor")
    day = slot.local_start.date()
    response = client.post(
        "/console/hotline/schedule/closures", data={"closed_on": day.isoformat(), "reason": "培训"}
    )
    closure = db.session.scalar(select(Closure))
    assert closure.closed_on == day
    assert response.status_code == 303
    assert response.headers["Location"] == f"/console/hotline/schedule/closures/{closure.id}/calls"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 个预约需要改期" in page and "培训" in page


def test_holiday_prefill_and_workday_edit(client, login_as):
    """The year is pre-filled from chinese-calendar; entries can then be removed; unknown years are 422."""
    login_as("counselor")
    assert client.post("/console/hotline/schedule/holidays", data={"year": "2026"}).status_code == 303
    assert db.session.scalar(select(Closure).where(Closure.closed_on == date(2026, 10, 1))) is not None
    extra = db.session.scalar(select(ExtraWorkday).where(ExtraWorkday.work_on == date(2026, 9, 20)))
    client.post(f"/console/hotline/schedule/workdays/{extra.id}/delete", data={"confirm": "yes"})
    assert db.session.get(ExtraWorkday, extra.id) is None
    assert client.post("/console/hotline/schedule/holidays", data={"year": "2099"}).status_code == 422


def test_deleting_a_workday_asks_first(client, login_as):
    """Without JS, deleting a 调休上班日 asks on a page naming the day; only confirm=yes (with CSRF) deletes it."""
    login_as("counselor")
    day = future_day(12)
    extra = calendar.add_extra_workday(day, 0, "调休上班")
    url = f"/console/hotline/schedule/workdays/{extra.id}/delete"
    question = f"确定要删除调休上班日 {day.isoformat()} {WEEKDAYS[day.weekday()]}（调休上班）吗？"
    schedule = client.get("/console/hotline/schedule/").get_data(as_text=True)
    assert f'action="{url}" class="inline" hx-confirm="{question}' in schedule  # the dialog's question
    html = asks_first(client, url, question)
    assert "不再借用星期一的规则" in html
    assert back_link(html) == "/console/hotline/schedule/"
    assert db.session.get(ExtraWorkday, extra.id) is not None
    assert client.post(url, data={"confirm": "yes"}, csrf=False).status_code == 400
    assert db.session.get(ExtraWorkday, extra.id) is not None
    response = client.post(url, data={"confirm": "yes"})
    assert response.status_code == 303 and response.headers["Location"] == "/console/hotline/schedule/"
    db.session.expire_all()
    assert db.session.get(ExtraWorkday, extra.id) is None
    assert "已删除这个调休上班日。" in client.get("/console/hotline/schedule/").get_data(as_text=True)
    assert client.get("/console/hotline/schedule/workdays/987654/delete").status_code == 404
    assert client.post("/console/hotline/schedule/workdays/987654/delete", data={}).status_code == 404


@pytest.mark.parametrize("role", ["editor", "archivist"])
def test_other_roles_cannot_delete_a_workday(client, login_as, role):
    """The workday's confirmation page and its POST are for counselors and admins only."""
    extra = calendar.add_extra_workday(future_day(12), 0, "调休上班")
    login_as(role)
    url = f"/console/hotline/schedule/workdays/{extra.id}/delete"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"confirm": "yes"}).status_code == 403
    assert db.session.get(ExtraWorkday, extra.id) is not None


def test_add_extra_workday(client, login_as):
    """A manual 调休 workday can be added."""
    login_as("counselor")
    day = date(2026, 12, 26)
    response = client.post(
        "/console/hotline/schedule/workdays",
        data={"work_on": day.isoformat(), "use_weekday": "4", "reason": "调休"},
    )
    assert response.status_code == 303
    assert db.session.scalar(select(ExtraWorkday)).use_weekday == 4


def test_materialise_button(client, login_as, create_rule):
    """The 生成时段 button runs the same materialisation as the CLI."""
    create_rule(weekday=2, start=time(14), end=time(15))
    login_as("counselor")
    assert client.post("/console/hotline/schedule/slots", data={"days": "14"}).status_code == 303
    assert db.session.scalar(select(db.func.count()).select_from(Slot)) >= 2


def test_admin_edits_settings(client, login_as):
    """Admins change the window, notice and keywords; bad values give 422."""
    login_as("admin")
    bad = client.post(
        "/console/hotline/schedule/settings",
        data={"booking_days": "0", "min_notice_hours": "2", "urgent_keywords": "x"},
    )
    assert bad.status_code == 422
    ok = client.post(
        "/console/hotline/schedule/settings",
        data={
            "booking_days": "7",
            "min_notice_hours": "2",
            "waitlist_hold_hours": "3",
            "urgent_keywords": "家暴\n打我",
        },
    )
    assert ok.status_code == 303
    assert db.session.get(HotlineSetting, "booking_days").value == "7"
    assert db.session.get(HotlineSetting, "waitlist_hold_hours").value == "3"
    assert calendar.booking_days() == 7 and triage.urgent_keywords() == ["家暴", "打我"]
