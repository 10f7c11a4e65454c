"""Waitlist: residents wait for a full day; a freed place is offered to the first in line, held for a while.

An offer takes the place with the same conditional UPDATE as a booking (``booked < capacity``), so a held
place is never sold twice; the entry moves ``waiting → offered`` with a conditional UPDATE too, so two
places freed at once never go to one person. Accepting turns the held place into a booking; an offer not
accepted within ``waitlist_hold_hours`` lapses and the place passes to the next person waiting.
Offers are made after the commit that freed a place (``signals.places_freed``), in their own transactions.
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
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
    clean_reference,
)
from app.hotline.booking.services import (
    BookingInput,
    announce,
    has_upcoming_booking,
    validate_details,
    with_sqlite_retry,
)
from app.hotline.privacy import InvalidPhone, normalize_phone, phone_hash
from app.web.time import local_day_bounds, utcnow

log = logging.getLogger(__name__)
MAX_OFFERS_PER_CALL = 50


@dataclass
class WaitlistInput:
    """What a resident gave to join a waitlist, before it is trusted."""

    day: date | None = None
    mode: str = ""
    topic: str = ""
    nickname: str = ""
    phone: str = ""
    consent: bool = False


def hold_hours() -> int:
    """How long an offered place is held for the resident (console setting, else config)."""
    value = calendar.get_setting("waitlist_hold_hours")
    if value and value.isdigit():
        return int(value)
    return int(current_app.config["HOTLINE_WAITLIST_HOLD_HOURS"])


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
    ref = clean_reference(reference)
    try:
        hashed = phone_hash(normalize_phone(phone))
    except InvalidPhone:
        hashed = None
    entry = db.session.scalar(select(WaitlistEntry).where(WaitlistEntry.reference == ref)) if ref else None
    if entry is None or hashed is None or not secrets.compare_digest(entry.phone_hash or "", hashed):
        raise WaitlistNotFound()
    if entry.purged_at is not None:
        raise WaitlistNotFound()
    return entry


def _free_slot_ids(day: date, mode: str, now: datetime) -> list[int]:
    if calendar.is_closed(day):
        return []
    earliest, latest = calendar.booking_window(now)
    start, end = local_day_bounds(day)
    return list(
        db.session.scalars(
            select(Slot.id)
            .where(
                Slot.mode == mode,
                Slot.booked < Slot.capacity,
                Slot.start_at >= max(start, earliest),
                Slot.start_at < min(end, latest),
            )
            .order_by(Slot.start_at)
        )
    )


def _first_waiting(day: date, mode: str) -> int | None:
    return db.session.scalar(
        select(WaitlistEntry.id)
        .where(WaitlistEntry.wanted_on == day, WaitlistEntry.mode == mode, WaitlistEntry.status == "waiting")
        .order_by(WaitlistEntry.created_at, WaitlistEntry.id)
        .limit(1)
    )


def _offer_one(day: date, mode: str, now: datetime) -> bool:
    """One transaction: hold one free place of the day for the first person waiting. False when none."""
    db.session.commit()  # end any read transaction: the first write below takes the lock
    if _first_waiting(day, mode) is None:
        return False
    for slot_id in _free_slot_ids(day, mode, now):
        held = db.session.execute(
            update(Slot)
            .where(Slot.id == slot_id, Slot.booked < Slot.capacity)
            .values(booked=Slot.booked + 1)
            .execution_options(synchronize_session=False)
        )
        if held.rowcount == 1:
            break
    else:
        db.session.rollback()
        return False
    while (entry_id := _first_waiting(day, mode)) is not None:
        taken = db.session.execute(
            update(WaitlistEntry)
            .where(WaitlistEntry.id == entry_id, WaitlistEntry.status == "waiting")
            .values(
                status="offered",
                offered_slot_id=slot_id,
                offered_at=now,
                offer_expires_at=now + timedelta(hours=hold_hours()),
            )
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount == 1:
            break  # else someone else's offer took this person first: try the next in line
    else:
        db.session.rollback()
        return False
    entry = db.session.get(WaitlistEntry, entry_id, populate_existing=True)
    announce(signals.waitlist_offered, entry)
    db.session.commit()
    log.info("hotline: waitlist entry %s offered slot %s", entry_id, slot_id)
    return True


def offer_free_places(day: date, mode: str, now: datetime | None = None) -> int:
    """Offer every free place of ``day``/``mode`` to the people waiting, first come first; the count."""
    now = now or utcnow()
    count = 0
    while count < MAX_OFFERS_PER_CALL and with_sqlite_retry(lambda: _offer_one(day, mode, now)):
        count += 1
    return count


def offer_everywhere(now: datetime | None = None) -> int:
    """Offer free places on every day someone waits for (after the slots were regenerated)."""
    now = now or utcnow()
    pairs = db.session.execute(
        select(WaitlistEntry.wanted_on, WaitlistEntry.mode)
        .where(WaitlistEntry.status == "waiting")
        .distinct()
    ).all()
    return sum(offer_free_places(day, mode, now) for day, mode in pairs)


def on_places_freed(_sender=None, day: date | None = None, mode: str | None = None, **_) -> None:
    """Receiver of ``signals.places_freed`` (after the commit): pass the places on, never fail the sender."""
    try:
        expire_offers()
        if day is not None and mode is not None:
            offer_free_places(day, mode)
        else:
            offer_everywhere()
    except Exception:
        db.session.rollback()
        log.exception("hotline: waitlist offers failed; the next change or lookup retries")


def on_day_closed(_sender=None, day: date | None = None, **_) -> None:
    """Receiver of ``signals.day_closed``: entries for that day end (a held place is given back)."""
    now = utcnow()
    ids = db.session.scalars(
        select(WaitlistEntry.id).where(
            WaitlistEntry.wanted_on == day, WaitlistEntry.status.in_(("waiting", "offered"))
        )
    ).all()
    for entry_id in ids:
        with_sqlite_retry(lambda entry_id=entry_id: _release(entry_id, "day_closed", now, False))


def _release(entry_id: int, status: str, now: datetime, only_expired: bool) -> WaitlistEntry | None:
    """End an offer or a place in line (conditional UPDATE) and give a held place back; None if raced."""
    db.session.commit()
    condition = [WaitlistEntry.id == entry_id]
    if only_expired:
        condition += [WaitlistEntry.status == "offered", WaitlistEntry.offer_expires_at <= now]
    else:
        condition.append(WaitlistEntry.status.in_(("waiting", "offered")))
    entry = db.session.get(WaitlistEntry, entry_id)
    held_slot = entry.offered_slot_id if entry.status == "offered" else None
    done = db.session.execute(
        update(WaitlistEntry)
        .where(*condition)
        .values(status=status, active_key=None)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        db.session.rollback()
        return None
    if held_slot is not None:
        db.session.execute(
            update(Slot)
            .where(Slot.id == held_slot, Slot.booked > 0)
            .values(booked=Slot.booked - 1)
            .execution_options(synchronize_session=False)
        )
    entry = db.session.get(WaitlistEntry, entry_id, populate_existing=True)
    if status == "expired":
        announce(signals.waitlist_lapsed, entry)
    db.session.commit()
    return entry


def expire_offers(now: datetime | None = None) -> int:
    """Let offers past their hold time lapse and pass each place to the next in line; the count."""
    now = now or utcnow()
    stale = db.session.execute(
        select(WaitlistEntry.id, WaitlistEntry.wanted_on, WaitlistEntry.mode).where(
            WaitlistEntry.status == "offered", WaitlistEntry.offer_expires_at <= now
        )
    ).all()
    count = 0
    for entry_id, day, mode in stale:
        if with_sqlite_retry(lambda entry_id=entry_id: _release(entry_id, "expired", now, True)):
            count += 1
            offer_free_places(day, mode, now)
    return count


def leave_waitlist(reference: str, phone: str, now: datetime | None = None) -> WaitlistEntry:
    """The resident leaves the line (an offered place goes to the next person)."""
    now = now or utcnow()
    entry = find_entry(reference, phone)
    if not entry.is_active:
        raise HotlineError("这个候补已经结束，不需要退出。")
    day, mode, entry_id = entry.wanted_on, entry.mode, entry.id
    left = with_sqlite_retry(lambda: _release(entry_id, "cancelled", now, False))
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
