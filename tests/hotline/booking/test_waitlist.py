"""Waitlist (issue 13): join a full day, an offer held for a while when a place frees, accept or lapse."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.hotline.booking import calendar, offers, services, waitlist
from app.hotline.booking.errors import AlreadyBooked, InvalidBooking
from app.hotline.booking.models import Booking, Slot, WaitlistEntry
from app.hotline.cases.models import FOLLOW_UP_REMINDER, Case
from app.hotline.cases.purge import purge_personal_data
from app.hotline.privacy import phone_hash
from app.web.time import utcnow


def _join(day, phone="13900001111", mode="phone", **kw):
    values = dict(day=day, mode=mode, topic="marriage", nickname="张大姐", phone=phone, consent=True)
    values.update(kw)
    return waitlist.join_waitlist(waitlist.WaitlistInput(**values))


@pytest.fixture
def full_day(book, create_slot):
    """A day whose one phone slot is booked by 王阿姨 (13812341234): (slot, booking)."""
    slot = create_slot()
    return slot, book(slot)


def test_join_needs_a_full_day_and_checks_every_field(full_day, create_slot):
    """All problems come back at once; a day with free places cannot be waited for."""
    slot, _ = full_day
    errors = waitlist.validate_join(
        waitlist.WaitlistInput(day=slot.local_start.date(), mode="phone", topic="marriage", phone="12")
    )
    assert {field for field, _ in errors} == {"nickname", "phone", "consent"}
    free = create_slot(day=slot.local_start.date() + timedelta(days=1))
    with pytest.raises(InvalidBooking) as caught:
        _join(free.local_start.date())
    assert caught.value.field == "day"
    assert waitlist.waitlist_days("phone") == [slot.local_start.date()]


def test_join_stores_personal_data_like_a_booking(full_day):
    """Encrypted nickname/phone, HMAC phone hash, consent time and version; one place in line per phone."""
    slot, _ = full_day
    entry = _join(slot.local_start.date())
    assert entry.status == "waiting" and len(entry.reference) == 8 and entry.consent_version
    assert entry.phone_hash == phone_hash("13900001111") and entry.masked_phone == "139****1111"
    raw = db.session.execute(
        select(WaitlistEntry.__table__.c.phone.cast(db.Text)).where(WaitlistEntry.id == entry.id)
    ).scalar_one()
    assert "13900001111" not in raw
    with pytest.raises(InvalidBooking):
        _join(slot.local_start.date())
    with pytest.raises(AlreadyBooked):
        _join(slot.local_start.date(), phone="13812341234")  # already holds a booking: move it instead


def test_a_cancellation_offers_the_place_to_the_first_in_line(full_day):
    """The freed place is held for the first entry (booked stays 1), a reminder call goes to counselors."""
    slot, booking = full_day
    first = _join(slot.local_start.date())
    second = _join(slot.local_start.date(), phone="13900002222")
    services.cancel_booking(booking.reference, "13812341234")

    first, second = db.session.get(WaitlistEntry, first.id), db.session.get(WaitlistEntry, second.id)
    assert first.status == "offered" and first.offered_slot_id == slot.id and first.offer_open()
    assert second.status == "waiting"
    assert db.session.get(Slot, slot.id).booked == 1  # held: nobody else can book it
    case = db.session.get(Case, first.case_id)
    assert case.source == "waitlist" and case.resident_phone == "13900001111"
    assert [t.kind for t in case.follow_ups] == [FOLLOW_UP_REMINDER]


def test_accepting_books_the_held_place_and_the_case_follows(full_day):
    """One tap: the offer becomes a booking on the held slot, in the waitlist case, without a second place."""
    slot, booking = full_day
    entry = _join(slot.local_start.date())
    services.cancel_booking(booking.reference, "13812341234")
    accepted = waitlist.accept_offer(entry.reference, "139 0000 1111")

    assert accepted.slot_id == slot.id and accepted.status == "booked"
    assert db.session.get(Slot, slot.id).booked == 1
    entry = db.session.get(WaitlistEntry, entry.id)
    assert entry.status == "booked" and entry.booking_id == accepted.id and entry.phone is None
    case = db.session.get(Case, entry.case_id)
    assert case.booking_id == accepted.id and case.source == "booking"
    assert all(task.done_at is not None for task in case.follow_ups)
    assert db.session.scalar(select(func.count()).select_from(Case)) == 2  # 王阿姨's and this one


def test_an_offer_lapses_and_passes_to_the_next(app, full_day):
    """After the hold time the place goes to the next in line; the lapsed offer cannot be accepted."""
    slot, booking = full_day
    first = _join(slot.local_start.date())
    second = _join(slot.local_start.date(), phone="13900002222")
    services.cancel_booking(booking.reference, "13812341234")
    later = utcnow() + timedelta(hours=app.config["HOTLINE_WAITLIST_HOLD_HOURS"], minutes=1)

    assert offers.expire_offers(later) == 1
    assert db.session.get(WaitlistEntry, first.id).status == "expired"
    assert db.session.get(WaitlistEntry, second.id).status == "offered"
    assert db.session.get(Slot, slot.id).booked == 1
    with pytest.raises(waitlist.OfferGone):
        waitlist.accept_offer(first.reference, "13900001111", now=later)


def test_leaving_passes_an_offer_on(full_day):
    """Leaving the line while offered gives the held place to the next person."""
    slot, booking = full_day
    first = _join(slot.local_start.date())
    second = _join(slot.local_start.date(), phone="13900002222")
    services.cancel_booking(booking.reference, "13812341234")
    waitlist.leave_waitlist(first.reference, "13900001111")
    assert db.session.get(WaitlistEntry, first.id).status == "cancelled"
    assert db.session.get(WaitlistEntry, second.id).status == "offered"
    assert db.session.get(Slot, slot.id).booked == 1


def test_a_move_away_and_raised_capacity_make_offers(full_day, create_slot, create_rule):
    """A booking moving off the day, or new places from the rules, are offered too."""
    slot, booking = full_day
    entry = _join(slot.local_start.date())
    other = create_slot(day=slot.local_start.date() + timedelta(days=2))
    services.reschedule_booking(booking.reference, "13812341234", other.id)
    assert db.session.get(WaitlistEntry, entry.id).status == "offered"

    # Capacity raised by a rule: the next person waiting for the other day gets it.
    db.session.get(Slot, other.id).capacity = 1
    db.session.commit()
    later = _join(other.local_start.date(), phone="13900003333")
    assert later.status == "waiting"
    day = other.local_start.date()
    create_rule(day.weekday(), start=other.local_start.time(), end=other.local_end.time(), capacity=2)
    calendar.materialize_slots(weekdays={day.weekday()})
    assert db.session.get(WaitlistEntry, later.id).status == "offered"
    assert db.session.get(Slot, other.id).booked == 2


def test_purge_erases_waitlist_entries_after_the_grace(app, full_day):
    """``flask hotline purge`` erases nickname, phone and hash of entries whose day is long past."""
    slot, _ = full_day
    entry = _join(slot.local_start.date())
    report = purge_personal_data(now=utcnow() + timedelta(days=40))
    entry = db.session.get(WaitlistEntry, entry.id)
    assert report.waitlist == 1 and entry.purged_at is not None
    assert (entry.nickname, entry.phone, entry.phone_hash, entry.status) == (None, None, None, "expired")
    with pytest.raises(waitlist.WaitlistNotFound):
        waitlist.find_entry(entry.reference, "13900001111")


def test_no_overbooking_when_an_offer_and_a_booking_race_for_a_place(full_day, book):
    """A held place is counted as booked: a direct booking of the same slot gets SlotFull."""
    slot, booking = full_day
    _join(slot.local_start.date())
    services.cancel_booking(booking.reference, "13812341234")
    with pytest.raises(services.SlotFull):
        book(db.session.get(Slot, slot.id), phone="13700009999")
    assert db.session.scalar(select(func.count()).select_from(Booking).where(Booking.status == "booked")) == 0
    assert db.session.get(Slot, slot.id).booked == 1


def test_the_waitlist_job_passes_lapsed_offers_on(runner, full_day):
    """``flask jobs run waitlist`` (every 10 minutes in production) lets a lapsed offer pass to the next person."""
    slot, booking = full_day
    first = _join(slot.local_start.date())
    second = _join(slot.local_start.date(), phone="13900002222")
    services.cancel_booking(booking.reference, "13812341234")
    db.session.get(WaitlistEntry, first.id).offer_expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    result = runner.invoke(args=["jobs", "run", "waitlist"])
    assert result.exit_code == 0, result.output
    assert db.session.get(WaitlistEntry, second.id).status == "offered"


def test_closing_the_day_ends_its_waitlist(full_day):
    """Closing a day ends the entries waiting for it; a held place there is given back."""
    slot, booking = full_day
    offered = _join(slot.local_start.date())
    waiting = _join(slot.local_start.date(), phone="13900002222")
    services.cancel_booking(booking.reference, "13812341234")
    calendar.add_closure(slot.local_start.date(), "停电")
    assert db.session.get(WaitlistEntry, offered.id).status == "day_closed"
    assert db.session.get(WaitlistEntry, waiting.id).status == "day_closed"
    assert db.session.get(Slot, slot.id).booked == 0
    assert "暂停服务" in db.session.get(WaitlistEntry, waiting.id).status_label
