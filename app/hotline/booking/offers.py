"""Waitlist offers: hold a freed place for the first person waiting, let unanswered offers lapse.

An offer takes the place with the same conditional UPDATE as a booking (``booked < capacity``), so a held
place is never sold twice; the entry moves ``waiting → offered`` with a conditional UPDATE too, so two
places freed at once never go to one person. Each offer is its own transaction, made after the commit that
freed the place (``signals.places_freed``); the ``waitlist`` job passes lapsed offers on every 10 minutes.
"""

import logging
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from app.extensions import db
from app.hotline import signals
from app.hotline.booking import calendar
from app.hotline.booking.models import Slot, WaitlistEntry
from app.hotline.booking.services import announce, with_sqlite_retry
from app.web.time import local_day_bounds, utcnow

log = logging.getLogger(__name__)
MAX_OFFERS_PER_CALL = 50


def hold_hours() -> int:
    """How long an offered place is held for the resident (console setting, else config)."""
    value = calendar.get_setting("waitlist_hold_hours")
    if value and value.isdigit():
        return int(value)
    return int(current_app.config["HOTLINE_WAITLIST_HOLD_HOURS"])


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
        with_sqlite_retry(lambda entry_id=entry_id: release(entry_id, "day_closed", now, False))


def release(entry_id: int, status: str, now: datetime, only_expired: bool) -> WaitlistEntry | None:
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
        if with_sqlite_retry(lambda entry_id=entry_id: release(entry_id, "expired", now, True)):
            count += 1
            offer_free_places(day, mode, now)
    return count
