"""A closed day becomes a call list (issue 13): flagged bookings, reminder calls, one-tap move by the resident."""

from sqlalchemy import select

from app.extensions import db
from app.hotline.booking import calendar, services
from app.hotline.booking.models import Booking, Closure
from app.hotline.cases.models import FOLLOW_UP_REMINDER, AccessLog, Case, FollowUp
from tests.hotline.factories import future_day


def _reminders(booking) -> list[FollowUp]:
    case = db.session.scalar(select(Case).where(Case.booking_id == booking.id))
    return [t for t in case.follow_ups if t.kind == FOLLOW_UP_REMINDER]


def test_closing_a_day_flags_its_bookings_and_adds_a_reminder_call(book, create_slot):
    """Each active booking of the closed day needs a move and gets one 提醒来电 task; other days are untouched."""
    slot = create_slot()
    other_day = create_slot(day=future_day(3))
    first = book(slot)
    cancelled = book(
        create_slot(day=slot.local_start.date(), at=slot.local_start.time().replace(hour=10)),
        phone="13900000002",
    )
    services.cancel_booking(cancelled.reference, "13900000002")
    elsewhere = book(other_day, phone="13900000003")

    calendar.add_closure(slot.local_start.date(), "培训")

    assert db.session.get(Booking, first.id).needs_move
    assert not db.session.get(Booking, cancelled.id).needs_move
    assert not db.session.get(Booking, elsewhere.id).needs_move
    tasks = _reminders(first)
    assert len(tasks) == 1 and "培训" in tasks[0].purpose and tasks[0].done_at is None
    assert _reminders(elsewhere) == []
    assert [b.id for b in calendar.bookings_to_move(slot.local_start.date())] == [first.id]


def test_moving_clears_the_flag_and_reopening_the_day_too(book, create_slot):
    """The resident's move clears ``needs_move``; reopening a closed day clears the flags left."""
    slot = create_slot()
    target = create_slot(day=future_day(4))
    moved = book(slot)
    staying = book(
        create_slot(day=slot.local_start.date(), at=slot.local_start.time().replace(hour=11)),
        phone="13900000004",
    )
    closure = calendar.add_closure(slot.local_start.date(), "停电")

    assert [s.id for s in services.next_free_slots(db.session.get(Booking, moved.id))] == [target.id]
    services.reschedule_booking(moved.reference, "13812341234", target.id)
    assert not db.session.get(Booking, moved.id).needs_move
    assert [b.id for b in calendar.bookings_to_move(closure.closed_on)] == [staying.id]

    calendar.remove_closure(closure)
    assert not db.session.get(Booking, staying.id).needs_move


def test_resident_sees_needs_move_and_moves_with_one_tap(client, book, create_slot):
    """/hotline/manage shows 您的预约需要改期 with the next free times as one-tap buttons."""
    slot = create_slot()
    target = create_slot(day=future_day(3))
    booking = book(slot)
    calendar.add_closure(slot.local_start.date(), "培训")
    client.post("/hotline/manage", data={"reference": booking.reference, "phone": "13812341234"})
    page = client.get("/hotline/manage/booking").get_data(as_text=True)
    assert "您的预约需要改期" in page and f'name="slot_id" value="{target.id}"' in page

    response = client.post("/hotline/manage/move", data={"slot_id": target.id})
    assert response.status_code == 200 and "已改到" in response.get_data(as_text=True)
    assert "您的预约需要改期" not in response.get_data(as_text=True)
    assert not db.session.get(Booking, booking.id).needs_move


def test_call_list_shows_tel_links_to_counselors_and_logs_the_read(client, login_as, book, create_slot):
    """Counselors get 拨打 tel: links (full number) and each case read is access-logged."""
    booking = book(create_slot())
    closure = calendar.add_closure(booking.slot.local_start.date(), "培训")
    counselor = login_as("counselor")
    response = client.get(f"/console/hotline/schedule/closures/{closure.id}/calls")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert 'href="tel:13812341234"' in page and "138****1234" in page and "拨打" in page
    case = db.session.scalar(select(Case).where(Case.booking_id == booking.id))
    logs = db.session.scalars(select(AccessLog).where(AccessLog.user_id == counselor.id)).all()
    assert [(log.case_id, log.action) for log in logs] == [(case.id, "call_list")]


def test_admins_see_the_call_list_masked_and_unlogged(client, login_as, book, create_slot):
    """Admins manage the schedule but never read personal data: masked phone, no tel link, no case link."""
    booking = book(create_slot())
    closure = calendar.add_closure(booking.slot.local_start.date(), "培训")
    login_as("admin")
    page = client.get(f"/console/hotline/schedule/closures/{closure.id}/calls").get_data(as_text=True)
    assert "138****1234" in page and "13812341234" not in page and "tel:138" not in page
    assert db.session.scalar(select(AccessLog).where(AccessLog.action == "call_list")) is None


def test_unknown_closure_is_404(client, login_as):
    """A call list of a closure that does not exist is 404."""
    login_as("counselor")
    assert client.get("/console/hotline/schedule/closures/999/calls").status_code == 404
    assert db.session.scalar(select(Closure)) is None


def test_schedule_page_links_to_open_call_lists(client, login_as, book, create_slot):
    """The schedule page lists closed days that still have bookings to move, linking their call lists."""
    booking = book(create_slot())
    closure = calendar.add_closure(booking.slot.local_start.date(), "培训")
    login_as("counselor")
    page = client.get("/console/hotline/schedule/").get_data(as_text=True)
    assert (
        f"/console/hotline/schedule/closures/{closure.id}/calls" in page and "1 个预约 · 改期来电名单" in page
    )


def test_reminder_calls_reach_the_counselors_today(client, login_as, book, create_slot):
    """The closed day's reminder call is in the counselor's 今日 list with its case."""
    booking = book(create_slot())
    calendar.add_closure(booking.slot.local_start.date(), "培训")
    case = db.session.scalar(select(Case).where(Case.booking_id == booking.id))
    login_as("counselor")
    page = client.get("/console/hotline/").get_data(as_text=True)
    assert case.number in page and "提醒来电" in page
