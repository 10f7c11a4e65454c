"""Waitlist: residents join the line for a full day and mode, look their entry up, accept or leave.

A freed place is offered to the first in line and held for a while (``offers``); accepting turns the
held place into a booking without taking a second place. Entries keep personal data like bookings do:
encrypted nickname and phone, HMAC phone hash, consent time and version, erased by the purge.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.hotline import signals
from app.hotline.booking import calendar
from app.hotline.booking.errors import (
    AlreadyBooked,
    HotlineError,
    InvalidBooking,
    OfferGone,
    SlotUnavailable,
    WaitlistNotFound,
)
from app.hotline.booking.models import (
    CONSENT_VERSION,
    MODES,
    TOPICS,
    Booking,
    Closure,
    Slot,
    WaitlistEntry,
)
from app.hotline.booking.offers import expire_offers, offer_free_places, release
from app.hotline.booking.services import (
    BookingInput,
    announce,
    find_by_reference,
    has_upcoming_booking,
    validate_details,
    with_sqlite_retry,
)
from app.hotline.privacy import normalize_phone, phone_hash
from app.web.time import utcnow

log = logging.getLogger(__name__)


@dataclass
class WaitlistInput:
    """What a resident gave to join a waitlist, before it is trusted."""

    day: date | None = None
    mode: str = ""
    topic: str = ""
    nickname: str = ""
    phone: str = ""
    consent: bool = False


def _active_key(hashed: str, day: date, mode: str) -> str:
    return f"{hashed}:{day.isoformat()}:{mode}"


def waitlist_days(mode: str, now: datetime | None = None) -> list[date]:
    """Days in the booking window that have slots of ``mode`` but no free place: one can wait for them."""
    now = now or utcnow()
    earliest, latest = calendar.booking_window(now)
    closed = set(db.session.scalars(select(Closure.closed_on)))
    days: dict[date, bool] = {}
    query = select(Slot).where(
        Slot.mode == mode, Slot.capacity > 0, Slot.start_at >= earliest, Slot.start_at < latest
    )
    for slot in db.session.scalars(query):
        day = slot.local_start.date()
        if day not in closed:
            days[day] = days.get(day, False) or slot.booked < slot.capacity
    return sorted(day for day, has_free in days.items() if not has_free)


def validate_join(data: WaitlistInput, now: datetime | None = None) -> list[tuple[str, str]]:
    """Every problem with a waitlist request at once, as (field, message) pairs."""
    errors = [
        (field, message)
        for field, message in validate_details(BookingInput(nickname=data.nickname, phone=data.phone))
        if field in ("nickname", "phone")
    ]
    if not data.consent:
        errors.append(("consent", "请勾选同意，我们才能保存您的联系方式并在有空位时联系您。"))
    if data.topic not in TOPICS or data.mode not in MODES:
        errors.append(("day", "请先选择咨询事项和联系方式。"))
    elif data.day not in waitlist_days(data.mode, now):
        errors.append(("day", "这一天不能候补（可能还有空位、不开放或不在可预约范围内），请重新选择。"))
    return errors


def join_waitlist(data: WaitlistInput, now: datetime | None = None) -> WaitlistEntry:
    """Put a resident in line for a full day and mode; one place in line per phone, day and mode."""
    now = now or utcnow()
    errors = validate_join(data, now)
    if errors:
        raise InvalidBooking(errors[0][1], errors[0][0])
    phone = normalize_phone(data.phone)
    if has_upcoming_booking(phone, now):
        raise AlreadyBooked()
    hashed = phone_hash(phone)
    entry = WaitlistEntry(
        wanted_on=data.day,
        mode=data.mode,
        topic=data.topic,
        nickname=data.nickname.strip(),
        phone=phone,
        phone_hash=hashed,
        active_key=_active_key(hashed, data.day, data.mode),
        consent_at=now,
        consent_version=CONSENT_VERSION,
        created_at=now,
    )
    db.session.add(entry)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise InvalidBooking("这个手机号已经在这一天的候补名单上了，可以用候补编号查询。", "phone") from None
    log.info("hotline: waitlist entry %s joined", entry.id)
    # A place may have freed between the check and the commit: offer it now rather than at the next change.
    offer_free_places(data.day, data.mode, now)
    db.session.refresh(entry)
    return entry


def find_entry(reference: str, phone: str) -> WaitlistEntry:
    """The waitlist entry with this reference AND phone number; one neutral error for any mismatch."""
    entry = find_by_reference(WaitlistEntry, reference, phone)
    if entry is None:
        raise WaitlistNotFound()
    return entry


def leave_waitlist(reference: str, phone: str, now: datetime | None = None) -> WaitlistEntry:
    """The resident leaves the line (an offered place goes to the next person)."""
    now = now or utcnow()
    entry = find_entry(reference, phone)
    if not entry.is_active:
        raise HotlineError("这个候补已经结束，不需要退出。")
    day, mode, entry_id = entry.wanted_on, entry.mode, entry.id
    left = with_sqlite_retry(lambda: release(entry_id, "cancelled", now, False))
    if left is None:
        raise HotlineError("这个候补刚刚有了变化，请重新查询。")
    offer_free_places(day, mode, now)
    return left


def accept_offer(reference: str, phone: str, now: datetime | None = None) -> Booking:
    """Turn the held place into a booking (one tap); the offer must still be open."""
    now = now or utcnow()
    expire_offers(now)
    entry = find_entry(reference, phone)
    if not entry.offer_open(now):
        raise (
            OfferGone()
            if entry.status in ("expired", "offered")
            else HotlineError("这个候补没有待确认的空位。")
        )
    normalized = normalize_phone(phone)
    if has_upcoming_booking(normalized, now):
        raise AlreadyBooked()
    entry_id = entry.id
    booking = with_sqlite_retry(lambda: _accept(entry_id, normalized, now))
    log.info("hotline: waitlist entry %s accepted as booking %s", entry_id, booking.id)
    return booking


def _accept(entry_id: int, phone: str, now: datetime) -> Booking:
    db.session.commit()
    taken = db.session.execute(
        update(WaitlistEntry)
        .where(
            WaitlistEntry.id == entry_id,
            WaitlistEntry.status == "offered",
            WaitlistEntry.offer_expires_at > now,
        )
        .values(status="booked", active_key=None)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        db.session.rollback()
        raise OfferGone()
    entry = db.session.get(WaitlistEntry, entry_id, populate_existing=True)
    slot = entry.offered_slot
    if slot is None or calendar.is_closed(slot.local_start.date()) or slot.start_at <= now:
        db.session.rollback()
        raise SlotUnavailable("这个空位已经不能预约了，请另选时间或拨打热线电话。")
    booking = Booking(
        slot=slot,
        topic=entry.topic,
        mode=entry.mode,
        nickname=entry.nickname,
        phone=phone,
        phone_hash=entry.phone_hash,
        active_phone_hash=entry.phone_hash,
        consent_at=entry.consent_at,
        consent_version=entry.consent_version,
        created_at=now,
    )
    db.session.add(booking)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise AlreadyBooked() from None
    entry.booking_id = booking.id
    entry.nickname = None  # the booking holds the details now: one copy of the personal data
    entry.phone = None
    announce(signals.booking_created, booking, urgent=False, waitlist_case_id=entry.case_id)
    db.session.commit()
    return booking


def purge_waitlist(now: datetime, grace: timedelta) -> int:
    """Erase the personal data of entries whose day is ``grace`` past (the caller commits); the count."""
    cutoff = (now - grace).date()
    entries = db.session.scalars(
        select(WaitlistEntry).where(WaitlistEntry.wanted_on < cutoff, WaitlistEntry.purged_at.is_(None))
    ).all()
    for entry in entries:
        if entry.status in ("waiting", "offered"):
            entry.status = "expired"
        entry.nickname = entry.phone = entry.phone_hash = entry.active_key = None
        entry.purged_at = now
    return len(entries)
