"""Issue 13 minors of the schedule console: all rule errors at once, warnings only for affected days."""

from datetime import time

from app.extensions import db
from app.hotline.booking.models import AvailabilityRule
from tests.hotline.factories import future_day


def test_rule_form_reports_every_error_in_one_round(client, login_as):
    """End before start AND a bad capacity are both shown, with an error summary, in one response."""
    login_as("counselor")
    response = client.post(
        "/console/hotline/schedule/rules/new",
        data={
            "weekday": "0",
            "start_time": "11:00",
            "end_time": "09:00",
            "slot_minutes": "30",
            "capacity": "0",
            "mode": "phone",
            "active": "y",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'class="error-summary"' in page
    assert "结束时间要晚于开始时间" in page and "1 到 20 人" in page
    assert db.session.query(AvailabilityRule).count() == 0


def test_rule_slot_longer_than_its_span_is_refused(client, login_as):
    """A slot length that does not fit between start and end is an error next to that field."""
    login_as("counselor")
    response = client.post(
        "/console/hotline/schedule/rules/new",
        data={
            "weekday": "0",
            "start_time": "09:00",
            "end_time": "09:20",
            "slot_minutes": "30",
            "capacity": "1",
            "mode": "phone",
        },
    )
    assert response.status_code == 422 and "不能长于开始到结束的 20 分钟" in response.get_data(as_text=True)


def test_saturday_rule_does_not_warn_about_a_monday_booking(client, login_as, create_slot, book):
    """A booked slot that no rule produces on another weekday is not reported when a Saturday rule is added."""
    day = future_day(2) if future_day(2).weekday() != 5 else future_day(3)
    book(create_slot(day=day, at=time(15)))  # kept from an earlier rule: no rule makes it any more
    login_as("counselor")
    response = client.post(
        "/console/hotline/schedule/rules/new",
        data={
            "weekday": "5",
            "start_time": "09:00",
            "end_time": "10:00",
            "slot_minutes": "30",
            "capacity": "1",
            "mode": "phone",
            "active": "y",
        },
    )
    assert response.status_code == 303
    page = client.get("/console/hotline/schedule/").get_data(as_text=True)
    assert "已有 1 人预约" not in page

    # A change on the booked slot's own weekday still warns about it.
    client.post(
        "/console/hotline/schedule/rules/new",
        data={
            "weekday": str(day.weekday()),
            "start_time": "09:00",
            "end_time": "10:00",
            "slot_minutes": "30",
            "capacity": "1",
            "mode": "phone",
            "active": "y",
        },
    )
    page = client.get("/console/hotline/schedule/").get_data(as_text=True)
    assert "已有 1 人预约" in page
