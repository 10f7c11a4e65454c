"""Factories for case-management tests: bookings at any time (past ones too) with their cases."""

from datetime import datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.hotline import cases
from app.hotline.models import Booking, Slot
from app.hotline.privacy import phone_hash
from app.web.time import utcnow

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
