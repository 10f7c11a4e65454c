"""Plain factory functions behind the fixtures of ``tests/hotline/conftest.py``.

Tests under tests/hotline use the fixtures (``create_slot``, ``book``, ``make_booking_case``, ...). The
browser tests cannot see that conftest, so they import these functions directly.
"""

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from app.extensions import db
from app.hotline.booking import services
from app.hotline.booking.models import AvailabilityRule, Booking, Slot
from app.hotline.cases import services as cases
from app.hotline.privacy import phone_hash
from app.web.time import CHINA_TZ, local_now, utcnow


def future_day(days: int = 2) -> date:
    """A local day safely inside the booking window (past the minimum notice)."""
    return local_now().date() + timedelta(days=days)


def create_slot(
    day: date | None = None, at: time = time(9, 0), mode: str = "phone", capacity: int = 1, **kw
) -> Slot:
    """A slot on ``day`` (default: the day after tomorrow) at local time ``at``."""
    day = day or future_day()
    start = datetime.combine(day, at, tzinfo=CHINA_TZ)
    slot = Slot(
        start_at=start.astimezone(CHINA_TZ),
        end_at=(start + timedelta(minutes=30)).astimezone(CHINA_TZ),
        mode=mode,
        capacity=capacity,
        **kw,
    )
    db.session.add(slot)
    db.session.commit()
    return slot


def create_rule(weekday: int, start=time(9, 0), end=time(11, 0), mode="phone", capacity=1, minutes=30):
    """A weekly availability rule."""
    rule = AvailabilityRule(
        weekday=weekday, start_time=start, end_time=end, slot_minutes=minutes, capacity=capacity, mode=mode
    )
    db.session.add(rule)
    db.session.commit()
    return rule


def booking_input(slot: Slot, **overrides) -> services.BookingInput:
    """What a resident would type to book ``slot`` (override any field)."""
    values = dict(
        topic="family_dispute",
        mode=slot.mode,
        slot_id=slot.id,
        nickname="王阿姨",
        phone="13812341234",
        description="想聊聊家里的事",
        safe_call_times="上午",
        may_leave_message=False,
        consent=True,
    )
    values.update(overrides)
    return services.BookingInput(**values)


def book(slot: Slot, **overrides):
    """Book ``slot`` through the service."""
    return services.book_slot(booking_input(slot, **overrides))


_counter = {"n": 0}


def make_booking_case(
    start: datetime | None = None,
    *,
    phone: str = "13812341234",
    nickname: str = "王阿姨",
    description: str | None = "想聊聊家里的事",
    topic: str = "family_dispute",
    mode: str = "phone",
    town: str | None = "明水街道",
    urgent: bool = False,
    status: str = "booked",
    created_at: datetime | None = None,
    may_leave_message: bool = False,
):
    """A booking (default: in two hours) and its case, opened through ``cases.open_case_for_booking``."""
    _counter["n"] += 1
    start = start or utcnow() + timedelta(hours=2)
    slot = db.session.scalar(select(Slot).where(Slot.start_at == start, Slot.mode == mode))
    if slot is None:
        slot = Slot(start_at=start, end_at=start + timedelta(minutes=30), mode=mode, capacity=50, booked=0)
    slot.booked += 1
    booking = Booking(
        slot=slot,
        topic=topic,
        mode=mode,
        nickname=nickname,
        phone=phone,
        phone_hash=phone_hash(phone),
        active_phone_hash=None,
        description=description,
        safe_call_times="上午",
        may_leave_message=may_leave_message,
        town=town,
        urgent=urgent,
        consent_at=utcnow(),
        consent_version="test",
        status=status,
        created_at=created_at or utcnow(),
    )
    db.session.add(booking)
    db.session.flush()
    case = cases.open_case_for_booking(booking, urgent)
    if created_at is not None:
        case.created_at = created_at
    db.session.commit()
    return booking, case


def phone_in(user, **overrides):
    """A phone-in case opened by ``user``."""
    values = dict(topic="marriage", nickname="李先生", phone="139 0000 1111", description="夫妻经常吵架")
    values.update(overrides)
    return cases.open_phone_in_case(user, **values)
