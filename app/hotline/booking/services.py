"""Booking services: book, find, cancel, reschedule, the calendar file.

Every function owns its transaction and raises ``HotlineError`` subclasses (``booking.errors``) with
Chinese messages; views turn them into responses. The calendar, slots and schedule editing live in
``booking.calendar``. Each change is announced with a ``app.hotline.signals`` signal before the commit.
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from icalendar import Calendar, Event
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError, OperationalError

from app.extensions import db
from app.hotline import signals
from app.hotline.booking.calendar import available_days, available_slots, is_closed, reserve_place
from app.hotline.booking.errors import (
    AlreadyBooked,
    BookingLocked,
    BookingNotFound,
    BookingStateError,
    HotlineError,
    InvalidBooking,
    ReplayedForm,
    ScheduleError,
    SlotFull,
    SlotUnavailable,
)
from app.hotline.booking.models import CONSENT_VERSION, MODES, TOPICS, TOWNS, Booking, Slot, clean_reference
from app.hotline.privacy import InvalidPhone, normalize_phone, phone_hash
from app.hotline.triage import detect_urgent
from app.web.time import utcnow

__all__ = [
    "AlreadyBooked", "BookingLocked", "BookingNotFound", "HotlineError", "InvalidBooking", "ReplayedForm",
    "ScheduleError", "SlotFull", "SlotUnavailable",
]  # fmt: skip

log = logging.getLogger(__name__)
DESCRIPTION_MAX = 500
NICKNAME_MAX = 20
SAFE_TIMES_MAX = 100


# --- booking ----------------------------------------------------------------------------------------


@dataclass
class BookingInput:
    """What a resident typed, before it is trusted."""

    topic: str = ""
    mode: str = ""
    slot_id: int | None = None
    nickname: str = ""
    phone: str = ""
    description: str = ""
    safe_call_times: str = ""
    may_leave_message: bool = False
    town: str = ""
    consent: bool = False


def validate_details(data: BookingInput) -> list[tuple[str, str]]:
    """Field errors (field, message) for the personal details step; empty when all is well."""
    errors = []
    nickname = (data.nickname or "").strip()
    if not nickname:
        errors.append(("nickname", "请填写称呼，例如“王阿姨”“李先生”，不必写全名。"))
    elif len(nickname) > NICKNAME_MAX:
        errors.append(("nickname", f"称呼请不要超过 {NICKNAME_MAX} 个字。"))
    try:
        normalize_phone(data.phone)
    except InvalidPhone as exc:
        errors.append(("phone", exc.message))
    if len(data.description or "") > DESCRIPTION_MAX:
        errors.append(
            ("description", f"情况简述最多 {DESCRIPTION_MAX} 个字，现在是 {len(data.description)} 个字。")
        )
    if len(data.safe_call_times or "") > SAFE_TIMES_MAX:
        errors.append(("safe_call_times", f"方便接电话的时间请不要超过 {SAFE_TIMES_MAX} 个字。"))
    if data.town and data.town not in TOWNS:
        errors.append(("town", "请从列表中选择所在镇街，或者不选。"))
    return errors


def _validate_all(data: BookingInput) -> None:
    if data.topic not in TOPICS:
        raise InvalidBooking("请选择咨询事项。", "topic")
    if data.mode not in MODES:
        raise InvalidBooking("请选择联系方式。", "mode")
    if not data.slot_id:
        raise InvalidBooking("请选择预约时间。", "slot_id")
    errors = validate_details(data)
    if errors:
        raise InvalidBooking(errors[0][1], errors[0][0])
    if not data.consent:
        raise InvalidBooking("请阅读并勾选同意，我们才能保存您的联系方式并回电。", "consent")


def with_sqlite_retry(work):
    """Run ``work()``; on SQLite 'database is locked' roll back and retry a few times."""
    for attempt in range(5):
        try:
            return work()
        except OperationalError as exc:
            db.session.rollback()
            if "locked" not in str(exc).lower() or attempt == 4:
                raise
            log.warning("hotline: database busy, retrying (%s)", attempt + 1)
    return None


def announce(signal, sender, **extra) -> None:
    """Tell the receivers (case management) inside this transaction; if one fails, nothing is kept."""
    db.session.flush()
    try:
        signal.send(sender, **extra)
    except Exception:
        db.session.rollback()
        raise


def places_freed(day, mode: str) -> None:
    """After a commit that gave a place back: let the waitlist offer it (``signals.places_freed``)."""
    signals.places_freed.send(None, day=day, mode=mode)


def book_slot(data: BookingInput, form_token: str | None = None, now: datetime | None = None) -> Booking:
    """Book one place in a slot for a resident and open a case, all in one transaction."""
    now = now or utcnow()
    _validate_all(data)
    phone = normalize_phone(data.phone)
    hashed = phone_hash(phone)
    urgent = detect_urgent(data.description)
    db.session.commit()  # end any read transaction: the conditional UPDATE below is the first statement

    def work() -> Booking:
        reserve_place(data.slot_id, data.mode, now)
        if form_token and db.session.scalar(select(exists().where(Booking.form_token == form_token))):
            db.session.rollback()
            raise ReplayedForm()
        current = db.session.scalar(select(Booking).where(Booking.active_phone_hash == hashed))
        if current is not None:
            if current.slot.end_at > now:
                db.session.rollback()
                raise AlreadyBooked()
            current.active_phone_hash = None  # long past; the counselor records how it went
            db.session.flush()
        slot = db.session.get(Slot, data.slot_id)
        if is_closed(slot.local_start.date()):
            db.session.rollback()
            raise SlotUnavailable("这一天不开放预约，请另选一天。")
        booking = Booking(
            slot=slot,
            topic=data.topic,
            mode=data.mode,
            nickname=data.nickname.strip(),
            phone=phone,
            phone_hash=hashed,
            active_phone_hash=hashed,
            description=(data.description or "").strip() or None,
            safe_call_times=(data.safe_call_times or "").strip() or None,
            may_leave_message=bool(data.may_leave_message),
            town=data.town or None,
            urgent=urgent,
            consent_at=now,
            consent_version=CONSENT_VERSION,
            form_token=form_token,
        )
        db.session.add(booking)
        try:
            db.session.flush()
        except IntegrityError as exc:
            db.session.rollback()
            detail = str(exc.orig).lower()
            if "form_token" in detail:
                raise ReplayedForm() from None
            if "active_phone_hash" in detail:
                raise AlreadyBooked() from None
            raise
        announce(signals.booking_created, booking, urgent=urgent)
        db.session.commit()
        return booking

    booking = with_sqlite_retry(work)
    log.info("hotline: booking %s created (slot %s)", booking.id, booking.slot_id)
    return booking


def find_by_reference(model, reference: str, phone: str):
    """The unpurged ``model`` row (a booking or a waitlist entry) with this reference AND phone number.

    None for any mismatch, so callers answer one neutral error whatever was wrong.
    """
    ref = clean_reference(reference)
    try:
        hashed = phone_hash(normalize_phone(phone))
    except InvalidPhone:
        hashed = None
    row = db.session.scalar(select(model).where(model.reference == ref)) if ref else None
    if row is None or hashed is None or not secrets.compare_digest(row.phone_hash or "", hashed):
        return None
    return None if row.purged_at is not None else row


def find_booking(reference: str, phone: str) -> Booking:
    """The booking with this reference AND phone number; the same neutral error for any mismatch."""
    booking = find_by_reference(Booking, reference, phone)
    if booking is None:
        raise BookingNotFound()
    return booking


def has_upcoming_booking(phone: str, now: datetime | None = None) -> bool:
    """Whether this (normalised) phone number already holds a booking that has not ended yet."""
    current = db.session.scalar(select(Booking).where(Booking.active_phone_hash == phone_hash(phone)))
    return current is not None and current.slot.end_at > (now or utcnow())


def find_booking_by_reference(reference: str) -> Booking | None:
    """Internal lookup (e.g. the .ics download right after booking, guarded by the session)."""
    return db.session.scalar(select(Booking).where(Booking.reference == clean_reference(reference)))


def cancel_booking(reference: str, phone: str, now: datetime | None = None) -> Booking:
    """Cancel a booking found by reference + phone and give the place back."""
    booking = find_booking(reference, phone)
    if not booking.can_change(now):
        raise BookingLocked()
    booking.cancel()
    announce(signals.booking_cancelled, booking)
    db.session.commit()
    log.info("hotline: booking %s cancelled by resident", booking.id)
    places_freed(booking.slot.local_start.date(), booking.mode)
    return booking


def reschedule_booking(reference: str, phone: str, slot_id: int, now: datetime | None = None) -> Booking:
    """Move a booking (reference + phone) to another free slot of the same mode."""
    now = now or utcnow()
    booking = find_booking(reference, phone)
    if not booking.can_change(now):
        raise BookingLocked()
    if slot_id == booking.slot_id:
        raise InvalidBooking("这就是您现在预约的时间，请选一个别的时间。", "slot_id")
    booking_id, mode = booking.id, booking.mode
    db.session.commit()

    def work() -> Booking:
        reserve_place(slot_id, mode, now)
        target = db.session.get(Booking, booking_id)
        if not target.can_change(now):
            db.session.rollback()
            raise BookingLocked()
        new_slot = db.session.get(Slot, slot_id)
        if is_closed(new_slot.local_start.date()):
            db.session.rollback()
            raise SlotUnavailable("这一天不开放预约，请另选一天。")
        old_slot = target.slot
        try:
            target.move_to(new_slot)
        except BookingStateError as exc:
            db.session.rollback()
            raise BookingLocked(exc.message) from None
        announce(signals.booking_moved, target, old_slot=old_slot)
        db.session.commit()
        return target, old_slot.local_start.date()

    moved, old_day = with_sqlite_retry(work)
    log.info("hotline: booking %s moved to slot %s", moved.id, slot_id)
    places_freed(old_day, moved.mode)
    return moved


def next_free_slots(booking: Booking, limit: int = 3, now: datetime | None = None) -> list[Slot]:
    """The first free slots of the booking's mode after now, on open days (one-tap move targets)."""
    found: list[Slot] = []
    for day, _count in available_days(booking.mode, now):
        found += [s for s in available_slots(day, booking.mode, now) if s.id != booking.slot_id]
        if len(found) >= limit:
            break
    return found[:limit]


def _site_root(host: str) -> str:
    """The site's absolute origin for links in files that leave the site: ``SITE_URL``, else this host."""
    scheme = current_app.config.get("PREFERRED_URL_SCHEME") or "http"
    return current_app.config.get("SITE_URL") or f"{scheme}://{host}"


def booking_ics(booking: Booking, host: str) -> bytes:
    """A calendar file with a neutral title (never 婚姻/调解: others may see the phone's calendar)."""
    calendar = Calendar()
    calendar.add("prodid", "-//zhangqiu//hotline//CN")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"{booking.reference}@{host}")
    event.add("dtstamp", utcnow())
    event.add("dtstart", booking.slot.start_at)
    event.add("dtend", booking.slot.end_at)
    event.add("summary", "幸福泉城服务预约")
    how = (
        "工作人员会按预约时间给您打电话。" if booking.mode == "phone" else "请按时到服务中心，工作人员接待。"
    )
    event.add(
        "description",
        f"预约编号 {booking.reference_display}。{how}"
        f"如需改时间或取消，请打开 {_site_root(host)}/hotline/manage 或拨打 {current_app.config['HOTLINE_PHONE']}。",
    )
    if booking.mode == "visit":
        event.add("location", current_app.config.get("HOTLINE_VISIT_ADDRESS", "章丘区民政局"))
    calendar.add_component(event)
    return calendar.to_ical()
