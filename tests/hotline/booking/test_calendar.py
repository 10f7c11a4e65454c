"""Slot materialisation from weekly rules, closures, 调休 workdays and Chinese holidays."""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.hotline.booking import calendar, holidays, services
from app.hotline.booking.models import Closure, ExtraWorkday, Slot
from app.web.time import CHINA_TZ, local_day_bounds, local_now


def _monday_in_future() -> date:
    today = local_now().date()
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7)


def _slots_on(day: date, mode: str = "phone") -> list[Slot]:
    start, end = local_day_bounds(day)
    query = select(Slot).where(Slot.start_at >= start, Slot.start_at < end, Slot.mode == mode)
    return list(db.session.scalars(query.order_by(Slot.start_at)))


def test_rules_make_slots_and_running_twice_changes_nothing(app, create_rule):
    """A Monday 9–11 rule of 30 minutes gives four slots per Monday; a second run creates none."""
    monday = _monday_in_future()
    create_rule(weekday=0, start=time(9), end=time(11), minutes=30, capacity=2)
    report = calendar.materialize_slots(days=14)
    day_slots = _slots_on(monday)
    assert [s.local_start.strftime("%H:%M") for s in day_slots] == ["09:00", "09:30", "10:00", "10:30"]
    assert {s.capacity for s in day_slots} == {2}
    assert report.created >= 4
    again = calendar.materialize_slots(days=14)
    assert (again.created, again.updated, again.removed) == (0, 0, 0)


def test_closed_days_get_no_slots_and_extra_workdays_borrow_a_weekday(app, create_rule):
    """A closure removes the day's free slots; a 调休 Saturday gets the rules of its chosen weekday."""
    monday = _monday_in_future()
    saturday = monday + timedelta(days=5)
    create_rule(weekday=0)
    calendar.materialize_slots(days=14)
    assert _slots_on(monday)
    calendar.add_closure(monday, "临时休息")
    calendar.add_extra_workday(saturday, 0, "调休上班")
    calendar.materialize_slots(days=14)
    assert _slots_on(monday) == []
    assert len(_slots_on(saturday)) == 4


def test_changing_rules_never_deletes_a_booked_slot(app, book, create_rule):
    """Removing a rule deletes its free slots but keeps a booked one, with a warning."""
    monday = _monday_in_future()
    rule = create_rule(weekday=0)
    calendar.materialize_slots(days=14)
    day_slots = _slots_on(monday)
    booking = book(day_slots[0])
    calendar.delete_rule(rule)
    report = calendar.materialize_slots(days=14)
    remaining = _slots_on(monday)
    assert [s.id for s in remaining] == [day_slots[0].id]
    assert remaining[0].booked == 1 and remaining[0].free == 0
    assert report.kept_booked >= 1 and any("已有 1 人预约" in w for w in report.warnings)
    assert booking.status == "booked"


def test_capacity_cannot_drop_below_bookings(app, book, create_rule):
    """Lowering capacity keeps at least the places already booked."""
    monday = _monday_in_future()
    rule = create_rule(weekday=0, capacity=3)
    calendar.materialize_slots(days=14)
    slot = _slots_on(monday)[0]
    book(slot)
    book(slot, phone="13912345678")
    calendar.save_rule(
        rule,
        weekday=0,
        start_time=time(9),
        end_time=time(11),
        slot_minutes=30,
        capacity=1,
        mode="phone",
        active=True,
    )
    report = calendar.materialize_slots(days=14)
    db.session.refresh(slot)
    assert slot.capacity == 2
    assert report.warnings


def test_prefill_holidays_from_chinese_calendar(app):
    """2026 National Day is a closure and its 调休 Sunday/Saturday become workdays; manual edits stay."""
    db.session.add(Closure(closed_on=date(2026, 10, 1), reason="手工", source="manual"))
    db.session.commit()
    closures, workdays = holidays.prefill_holidays(2026)
    assert closures > 20 and workdays >= 4
    kept = db.session.scalar(select(Closure).where(Closure.closed_on == date(2026, 10, 1)))
    assert kept.reason == "手工"
    assert (
        db.session.scalar(select(Closure).where(Closure.closed_on == date(2026, 10, 2))).reason
        == "国庆节放假"
    )
    assert (
        db.session.scalar(select(ExtraWorkday).where(ExtraWorkday.work_on == date(2026, 9, 20))) is not None
    )
    assert holidays.prefill_holidays(2026) == (0, 0)


def test_prefill_unknown_year_is_a_clear_error(app):
    """A year the package does not know yet gives a Chinese message, not a crash."""
    with pytest.raises(services.ScheduleError) as info:
        holidays.prefill_holidays(2099)
    assert "手动添加" in info.value.message


def test_cli_slots(app, runner, create_rule):
    """``flask hotline slots --days N`` materialises and reports."""
    create_rule(weekday=0)
    create_rule(weekday=2)
    result = runner.invoke(args=["hotline", "slots", "--days", "14"])
    assert result.exit_code == 0, result.output
    assert "created" in result.output
    assert db.session.scalar(select(db.func.count()).select_from(Slot)) >= 8


def test_opening_status(app):
    """The hotline is open on a workday within hours, closed at night and on closed days."""
    from datetime import datetime

    monday = _monday_in_future()
    at = datetime.combine(monday, time(9, 0), tzinfo=CHINA_TZ)
    assert calendar.opening_status(at)["open"] is True
    assert calendar.opening_status(at.replace(hour=22))["open"] is False
    calendar.add_closure(monday, "放假")
    assert calendar.opening_status(at)["open"] is False


def test_opening_status_follows_make_up_days_and_removed_closures(app):
    """The workday answer is kept per content generation: adding a 调休 day or removing a closure shows at once."""
    from datetime import datetime

    monday = _monday_in_future()
    at = datetime.combine(monday, time(9, 0), tzinfo=CHINA_TZ)
    closure = calendar.add_closure(monday, "临时闭馆")
    assert calendar.opening_status(at)["open"] is False
    calendar.remove_closure(closure)
    assert calendar.opening_status(at)["open"] is True
    saturday = at + timedelta(days=5)
    assert calendar.opening_status(saturday)["workday"] is False
    extra = calendar.add_extra_workday(saturday.date(), 0, "调休")
    assert calendar.opening_status(saturday)["open"] is True
    calendar.remove_extra_workday(extra)
    assert calendar.opening_status(saturday)["workday"] is False
