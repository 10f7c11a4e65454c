"""Booking services: capacity, rules of the booking window, one active booking per phone, manage, triage."""

from datetime import time, timedelta

import pytest
from sqlalchemy import select, text

from app.extensions import db
from app.hotline import privacy, triage
from app.hotline.booking import calendar, services
from app.hotline.booking.models import REFERENCE_ALPHABET, Booking, Closure, Slot
from app.web.time import local_now
from tests.hotline.factories import future_day


def test_booking_takes_a_place_and_stores_personal_data_encrypted(app, book, create_slot):
    """A booking fills one place; nickname, phone and description are unreadable in the table."""
    slot = create_slot(capacity=2)
    booking = book(slot, description="CANARY-7731 家里的事")
    db.session.refresh(slot)
    assert slot.booked == 1
    assert booking.status == "booked" and booking.consent_at is not None
    assert booking.masked_phone == "138****1234"
    raw = db.session.execute(
        text("SELECT nickname, phone, description, phone_hash FROM hotline_bookings WHERE id = :id"),
        {"id": booking.id},
    ).one()
    joined = " ".join(str(v) for v in raw)
    assert "CANARY" not in joined and "13812341234" not in joined and "王阿姨" not in joined
    assert db.session.get(Booking, booking.id).description == "CANARY-7731 家里的事"


def test_reference_is_readable_aloud(app, book, create_slot):
    """References are 8 characters from an alphabet without 0/O/1/I, shown as ABCD-EFGH."""
    booking = book(create_slot())
    assert len(booking.reference) == 8
    assert set(booking.reference) <= set(REFERENCE_ALPHABET)
    assert not set("01OI") & set(booking.reference)
    assert booking.reference_display[4] == "-"


def test_full_slot_is_refused(app, book, create_slot):
    """When the last place is taken, the next booking gets 这个时间刚被约满 and nothing is saved."""
    slot = create_slot(capacity=1)
    book(slot)
    with pytest.raises(services.SlotFull) as info:
        book(slot, phone="13912345678")
    assert "刚被约满" in info.value.message
    assert db.session.scalar(select(db.func.count()).select_from(Booking)) == 1
    db.session.refresh(slot)
    assert slot.booked == 1


def test_one_active_booking_per_phone(app, book, create_slot):
    """A second booking for the same phone (in any format) is refused while the first is active."""
    first = create_slot(at=time(9))
    second = create_slot(at=time(10))
    book(first)
    with pytest.raises(services.AlreadyBooked):
        book(second, phone="+86 138-1234-1234")
    db.session.refresh(second)
    assert second.booked == 0


def test_cancelled_booking_frees_the_phone_and_the_place(app, book, create_slot):
    """After cancelling, the place is free again and the phone may book again."""
    slot = create_slot()
    booking = book(slot)
    services.cancel_booking(booking.reference, "13812341234")
    db.session.refresh(slot)
    assert slot.booked == 0
    assert book(slot).status == "booked"


@pytest.mark.parametrize(
    "days",
    [
        0,  # today: not bookable
        -1,  # past
        30,  # beyond the window
    ],
)
def test_slots_outside_the_window_are_refused(app, days, book, create_slot):
    """Today, the past and beyond the booking window are not bookable."""
    slot = create_slot(day=local_now().date() + timedelta(days=days))
    with pytest.raises(services.SlotUnavailable):
        book(slot)


def test_minimum_notice(app, book, create_slot):
    """A slot closer than the minimum notice is refused."""
    app.config["HOTLINE_MIN_NOTICE_HOURS"] = 24 * 5
    with pytest.raises(services.SlotUnavailable):
        book(create_slot(day=future_day(2)))


def test_closed_day_is_refused(app, book, create_slot):
    """No booking on a closed day, even if a slot exists."""
    slot = create_slot()
    db.session.add(Closure(closed_on=slot.local_start.date(), reason="临时休息"))
    db.session.commit()
    with pytest.raises(services.SlotUnavailable):
        book(slot)
    assert calendar.available_slots(slot.local_start.date(), "phone") == []


def test_forged_or_wrong_mode_slot(app, book, booking_input, create_slot):
    """A slot id that does not exist, or belongs to another mode, is refused."""
    slot = create_slot(mode="visit")
    with pytest.raises(services.SlotUnavailable):
        book(slot, mode="phone")
    with pytest.raises(services.SlotUnavailable):
        services.book_slot(booking_input(slot, slot_id=999999))


def test_replayed_form_token_does_not_duplicate(app, booking_input, create_slot):
    """The same one-time form token cannot create a second booking."""
    slot = create_slot(capacity=5)
    services.book_slot(booking_input(slot), form_token="tok-1")
    with pytest.raises(services.ReplayedForm):
        services.book_slot(booking_input(slot, phone="13912345678"), form_token="tok-1")
    assert db.session.scalar(select(db.func.count()).select_from(Booking)) == 1
    db.session.refresh(slot)
    assert slot.booked == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"consent": False}, "consent"),
        ({"description": "字" * 10_000}, "description"),
        ({"phone": "0531-83212345"}, "phone"),
        ({"nickname": "  "}, "nickname"),
        ({"topic": "nonsense"}, "topic"),
        ({"town": "不存在镇"}, "town"),
    ],
)
def test_invalid_input_is_refused_without_saving(app, overrides, field, book, create_slot):
    """Missing consent, a 10,000-character description, a landline... are refused; nothing is saved."""
    slot = create_slot()
    with pytest.raises(services.InvalidBooking) as info:
        book(slot, **overrides)
    assert info.value.field == field
    db.session.refresh(slot)
    assert slot.booked == 0
    assert db.session.scalar(select(db.func.count()).select_from(Booking)) == 0


def test_find_booking_needs_reference_and_phone(app, book, create_slot):
    """Reference + phone find the booking; any mismatch gives the same neutral error."""
    booking = book(create_slot())
    assert services.find_booking(booking.reference_display.lower(), "138 1234 1234").id == booking.id
    messages = set()
    for ref, phone in [
        (booking.reference, "13912345678"),
        ("ZZZZZZZZ", "13812341234"),
        (booking.reference, "x"),
    ]:
        with pytest.raises(services.BookingNotFound) as info:
            services.find_booking(ref, phone)
        messages.add(info.value.message)
    assert len(messages) == 1


def test_reschedule_moves_the_place(app, book, create_slot):
    """Moving frees the old place and takes the new one; a full target is refused."""
    old = create_slot(at=time(9))
    new = create_slot(at=time(10))
    booking = book(old)
    services.reschedule_booking(booking.reference, "13812341234", new.id)
    db.session.refresh(old)
    db.session.refresh(new)
    assert (old.booked, new.booked) == (0, 1)
    assert db.session.get(Booking, booking.id).slot_id == new.id
    full = create_slot(at=time(11))
    book(full, phone="13912345678")
    with pytest.raises(services.SlotFull):
        services.reschedule_booking(booking.reference, "13812341234", full.id)
    db.session.refresh(new)
    assert new.booked == 1


def test_cancelled_booking_cannot_be_changed(app, book, create_slot):
    """A cancelled booking can be neither cancelled again nor moved."""
    booking = book(create_slot(at=time(9)))
    other = create_slot(at=time(10))
    services.cancel_booking(booking.reference, "13812341234")
    with pytest.raises(services.BookingLocked):
        services.cancel_booking(booking.reference, "13812341234")
    with pytest.raises(services.BookingLocked):
        services.reschedule_booking(booking.reference, "13812341234", other.id)


def test_state_transitions_release_the_phone(app, book, create_slot):
    """complete() and mark_no_show() end the booking so the phone can book again (no ban)."""
    booking = book(create_slot(at=time(9)))
    booking.mark_no_show()
    db.session.commit()
    assert booking.status == "no_show" and booking.active_phone_hash is None
    assert book(create_slot(at=time(10))).status == "booked"


@pytest.mark.parametrize(
    ("text_", "urgent"),
    [
        ("他喝醉了就打我", True),
        ("我真的不想活了", True),
        ("对方威胁我", True),
        ("婆媳关系不好", False),
        ("", False),
    ],
)
def test_detect_urgent(app, text_, urgent):
    """Violence and self-harm words mark a description urgent."""
    assert triage.detect_urgent(text_) is urgent


def test_urgent_keywords_are_configurable(app):
    """The keyword list can be changed in the settings."""
    calendar.save_settings({"urgent_keywords": "紧急词甲\n紧急词乙"})
    assert triage.detect_urgent("这里有紧急词乙")
    assert not triage.detect_urgent("他打我")


def test_urgent_booking_is_flagged(app, book, create_slot):
    """A booking whose description mentions violence is stored as urgent."""
    booking = book(create_slot(), description="他经常打我")
    assert booking.urgent is True


def test_ics_is_neutral(app, book, create_slot):
    """The calendar file says 幸福泉城服务预约 and never 婚姻 or 调解."""
    booking = book(create_slot(), topic="cooling_off")
    body = services.booking_ics(booking, "example.org").decode()
    assert "幸福泉城服务预约" in body
    assert "婚姻" not in body and "调解" not in body


def test_rotate_encryption_keeps_values_readable(app, book, create_slot):
    """After adding a new key and rotating, values decrypt with the new key alone."""
    from cryptography.fernet import Fernet

    booking = book(create_slot(), description="CANARY-rotate")
    old = privacy._keys()
    new = Fernet.generate_key().decode()
    try:
        app.config["HOTLINE_DATA_KEY"] = ",".join([new, *old])
        app.config["HOTLINE_HASH_KEY"] = old[-1]
        privacy.reset_key_cache()
        assert privacy.rotate_encryption() >= 1
        app.config["HOTLINE_DATA_KEY"] = new
        privacy.reset_key_cache()
        db.session.expire_all()
        assert db.session.get(Booking, booking.id).description == "CANARY-rotate"
        assert services.find_booking(booking.reference, "13812341234").id == booking.id
    finally:
        app.config["HOTLINE_DATA_KEY"] = None
        app.config.pop("HOTLINE_HASH_KEY", None)
        privacy.reset_key_cache()


def test_available_slots_only_lists_bookable(app, book, create_slot):
    """The picker lists free slots only (full ones disappear)."""
    free = create_slot(at=time(9))
    full = create_slot(at=time(10))
    book(full)
    day = free.local_start.date()
    assert [s.id for s in calendar.available_slots(day, "phone")] == [free.id]
    assert (day, 1) in calendar.available_days("phone")
    assert isinstance(db.session.get(Slot, full.id), Slot)


def test_booking_opens_a_case_in_the_same_transaction(app, book, create_slot):
    """Every booking opens a case; an urgent description makes it 紧急; a failed booking opens none."""
    from app.hotline.cases.models import PRIORITY_URGENT, Case

    calm = book(create_slot(at=time(9)))
    urgent = book(create_slot(at=time(10)), phone="13912345678", description="他威胁要打我")
    cases = {c.booking_id: c for c in db.session.scalars(select(Case))}
    assert set(cases) == {calm.id, urgent.id}
    assert cases[urgent.id].priority == PRIORITY_URGENT and cases[calm.id].priority != PRIORITY_URGENT
    with pytest.raises(services.SlotFull):
        book(db.session.get(Slot, calm.slot_id), phone="13700000000")
    assert db.session.scalar(select(db.func.count()).select_from(Case)) == 2
