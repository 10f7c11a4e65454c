"""Booking calendar and slots: settings, opening hours, weekly rules, closures, 调休, materialisation.

Capacity is taken with ``reserve_place``: ONE conditional UPDATE (``booked < capacity``) inside the
caller's transaction, never check-then-insert.
"""

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, exists, select, update

from app.extensions import db
from app.hotline import signals
from app.hotline.booking.errors import ScheduleError, SlotFull, SlotUnavailable
from app.hotline.booking.models import (
    MODES,
    AvailabilityRule,
    Booking,
    Closure,
    ExtraWorkday,
    HotlineSetting,
    Slot,
)
from app.web.caching import public_memo_for
from app.web.time import CHINA_TZ, local_day_bounds, local_now, utcnow

log = logging.getLogger(__name__)


# --- settings ---------------------------------------------------------------------------------------


def get_setting(key: str, default: str | None = None) -> str | None:
    """Return a console-edited setting, or ``default``."""
    row = db.session.get(HotlineSetting, key)
    return row.value if row is not None else default


def save_settings(values: dict[str, str]) -> None:
    """Store settings edited in the console."""
    for key, value in values.items():
        row = db.session.get(HotlineSetting, key)
        if row is None:
            db.session.add(HotlineSetting(key=key, value=value))
        else:
            row.value = value
    db.session.commit()


def booking_days() -> int:
    """How many days ahead residents may book."""
    value = get_setting("booking_days")
    return int(value) if value and value.isdigit() else int(current_app.config["HOTLINE_BOOKING_DAYS"])


def min_notice() -> timedelta:
    """The minimum time between booking and the appointment."""
    value = get_setting("min_notice_hours")
    hours = int(value) if value and value.isdigit() else int(current_app.config["HOTLINE_MIN_NOTICE_HOURS"])
    return timedelta(hours=hours)


# --- calendar ---------------------------------------------------------------------------------------


def is_closed(day: date) -> bool:
    """True for a holiday or manual closure."""
    return db.session.scalar(select(exists().where(Closure.closed_on == day))) or False


def rules_weekday(day: date) -> int:
    """The weekday whose rules apply on ``day`` (a 调休 make-up day borrows one)."""
    extra = db.session.scalar(select(ExtraWorkday).where(ExtraWorkday.work_on == day))
    return extra.use_weekday if extra else day.weekday()


def rules_for(day: date) -> list[AvailabilityRule]:
    """The active weekly rules that apply on ``day`` (none when closed; 调休 days borrow a weekday)."""
    if is_closed(day):
        return []
    weekday = rules_weekday(day)
    query = select(AvailabilityRule).where(AvailabilityRule.weekday == weekday, AvailabilityRule.active)
    return list(db.session.scalars(query.order_by(AvailabilityRule.start_time)))


def is_workday(day: date) -> bool:
    """Open for phone calls: Monday–Friday or a 调休 make-up day, and not closed."""
    if is_closed(day):
        return False
    if db.session.scalar(select(exists().where(ExtraWorkday.work_on == day))):
        return True
    return day.weekday() < 5


def opening_status(now: datetime | None = None) -> dict:
    """Whether the hotline phone is answered now, and today's hours (config HOTLINE_OPENING_HOURS)."""
    current = local_now(now)
    hours = current_app.config["HOTLINE_OPENING_HOURS"]
    day = current.date()
    # Kept until the closures, make-up days or settings change (they bump the content generation): the
    # public intro page asked the database twice on every view (issue 12).
    workday = public_memo_for("hotline.workday", day, lambda: is_workday(day))
    is_open = workday and any(start <= f"{current:%H:%M}" < end for start, end in hours)
    return {
        "open": is_open,
        "workday": workday,
        "hours": [f"{start}–{end}" for start, end in hours],
    }


def booking_window(now: datetime | None = None) -> tuple[datetime, datetime]:
    """UTC bounds for bookable starts: tomorrow (and after the minimum notice) up to N days ahead."""
    now = now or utcnow()
    today = local_now(now).date()
    tomorrow_start, _ = local_day_bounds(today + timedelta(days=1))
    _, last_end = local_day_bounds(today + timedelta(days=booking_days()))
    return max(tomorrow_start, now + min_notice()), last_end


@dataclass
class SlotReport:
    created: int = 0
    updated: int = 0
    removed: int = 0
    kept_booked: int = 0
    warnings: list[str] = field(default_factory=list)


def _wanted_slots(day: date) -> dict[tuple[datetime, str], tuple[datetime, int, int]]:
    wanted = {}
    for rule in rules_for(day):
        start = datetime.combine(day, rule.start_time, tzinfo=CHINA_TZ)
        stop = datetime.combine(day, rule.end_time, tzinfo=CHINA_TZ)
        step = timedelta(minutes=max(5, rule.slot_minutes))
        while start + step <= stop:
            key = (start.astimezone(UTC), rule.mode)
            wanted.setdefault(key, ((start + step).astimezone(UTC), rule.capacity, rule.id))
            start += step
    return wanted


def materialize_slots(
    days: int | None = None, today: date | None = None, weekdays: set[int] | None = None
) -> SlotReport:
    """Create/update slots from the rules for the next ``days`` days; never delete a booked slot.

    ``weekdays`` limits the work (and its warnings) to the days a rule change affects.
    """
    report = SlotReport()
    days = booking_days() if days is None else days
    today = today or local_now().date()
    now = utcnow()
    for offset in range(0, days + 1):
        day = today + timedelta(days=offset)
        if weekdays is not None and rules_weekday(day) not in weekdays:
            continue
        wanted = _wanted_slots(day)
        start, end = local_day_bounds(day)
        existing = db.session.scalars(select(Slot).where(Slot.start_at >= start, Slot.start_at < end)).all()
        for slot in existing:
            spec = wanted.pop((slot.start_at, slot.mode), None)
            if spec is None:
                if slot.start_at <= now:
                    continue
                if slot.booked > 0:
                    report.kept_booked += 1
                    report.warnings.append(
                        f"{slot.label} {slot.mode_label} 已有 {slot.booked} 人预约：规则已变，时段保留，"
                        "请联系预约人改期或取消。"
                    )
                    if slot.capacity != slot.booked:
                        slot.capacity = slot.booked
                elif db.session.scalar(select(exists().where(Booking.slot_id == slot.id))):
                    # only queried for unbooked slots: a slot with bookings is always kept
                    if slot.capacity:
                        slot.capacity = 0  # keep history rows valid, but no longer bookable
                        report.removed += 1
                else:
                    db.session.delete(slot)
                    report.removed += 1
                continue
            end_at, capacity, rule_id = spec
            if capacity < slot.booked:
                report.warnings.append(f"{slot.label} 已有 {slot.booked} 人预约，容量不能低于已约人数。")
                capacity = slot.booked
            if (slot.end_at, slot.capacity, slot.rule_id) != (end_at, capacity, rule_id):
                slot.end_at, slot.capacity, slot.rule_id = end_at, capacity, rule_id
                report.updated += 1
        for (start_at, mode), (end_at, capacity, rule_id) in wanted.items():
            db.session.add(
                Slot(start_at=start_at, end_at=end_at, mode=mode, capacity=capacity, rule_id=rule_id)
            )
            report.created += 1
    db.session.commit()
    log.info(
        "hotline slots: %s created, %s updated, %s removed", report.created, report.updated, report.removed
    )
    if report.created or report.updated:
        signals.places_freed.send(None)  # new places or more capacity: the waitlist may get offers
    return report


def _bookable_query(mode: str, now: datetime):
    earliest, latest = booking_window(now)
    closed_days = select(Closure.closed_on)
    return (
        select(Slot)
        .where(
            Slot.mode == mode, Slot.booked < Slot.capacity, Slot.start_at >= earliest, Slot.start_at < latest
        )
        .order_by(Slot.start_at)
    ), {d for d in db.session.scalars(closed_days)}


def available_days(mode: str, now: datetime | None = None) -> list[tuple[date, int]]:
    """Days in the booking window with at least one free slot for ``mode``, with the number of times."""
    query, closed = _bookable_query(mode, now or utcnow())
    counts: dict[date, int] = {}
    for slot in db.session.scalars(query):
        day = slot.local_start.date()
        if day not in closed:
            counts[day] = counts.get(day, 0) + 1
    return sorted(counts.items())


def available_slots(day: date, mode: str, now: datetime | None = None) -> list[Slot]:
    """Free slots on a local ``day`` for ``mode`` (only bookable ones)."""
    if mode not in MODES:
        return []
    query, closed = _bookable_query(mode, now or utcnow())
    if day in closed:
        return []
    start, end = local_day_bounds(day)
    return list(db.session.scalars(query.where(Slot.start_at >= start, Slot.start_at < end)))


def check_bookable(slot: Slot | None, mode: str, now: datetime | None = None) -> Slot:
    """Raise SlotUnavailable/SlotFull unless ``slot`` can be booked now (a pre-check; booking re-checks)."""
    now = now or utcnow()
    if slot is None or slot.mode != mode:
        raise SlotUnavailable()
    earliest, latest = booking_window(now)
    if not (earliest <= slot.start_at < latest) or is_closed(slot.local_start.date()):
        raise SlotUnavailable()
    if slot.booked >= slot.capacity:
        raise SlotFull()
    return slot


def reserve_place(slot_id: int, mode: str, now: datetime | None = None) -> None:
    """Take one place in a slot with ONE conditional UPDATE; raise SlotFull/SlotUnavailable if it fails.

    Runs inside the caller's transaction (it is the first write, so SQLite takes its write lock here and
    PostgreSQL locks the row until commit).
    """
    now = now or utcnow()
    earliest, latest = booking_window(now)
    result = db.session.execute(
        update(Slot)
        .where(
            Slot.id == slot_id,
            Slot.mode == mode,
            Slot.booked < Slot.capacity,
            Slot.start_at >= earliest,
            Slot.start_at < latest,
        )
        .values(booked=Slot.booked + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        slot = db.session.get(Slot, slot_id)
        db.session.rollback()
        check_bookable(slot, mode, now)
        raise SlotFull()


# --- schedule console --------------------------------------------------------------------------------


def save_rule(rule: AvailabilityRule | None, **values) -> AvailabilityRule:
    """Create or update a weekly rule (slots follow with ``materialize_slots``)."""
    if values["end_time"] <= values["start_time"]:
        raise ScheduleError("结束时间要晚于开始时间。", "end_time")
    if values["mode"] not in MODES:
        raise ScheduleError("请选择方式。", "mode")
    rule = rule or AvailabilityRule()
    for key, value in values.items():
        setattr(rule, key, value)
    db.session.add(rule)
    db.session.commit()
    return rule


def delete_rule(rule: AvailabilityRule) -> None:
    """Delete a weekly rule; its future unbooked slots disappear at the next materialisation."""
    db.session.execute(update(Slot).where(Slot.rule_id == rule.id).values(rule_id=None))
    db.session.delete(rule)
    db.session.commit()


def _active_bookings_on(day: date, now: datetime | None = None) -> list[Booking]:
    start, end = local_day_bounds(day)
    return list(
        db.session.scalars(
            select(Booking)
            .join(Slot, Booking.slot_id == Slot.id)
            .where(
                Slot.start_at >= max(start, now or utcnow()),
                Slot.start_at < end,
                Booking.status == "booked",
            )
            .order_by(Slot.start_at, Booking.id)
        )
    )


def ask_to_move(day: date, reason: str) -> int:
    """Flag the day's coming bookings for a move and tell case management (inside the caller's transaction)."""
    db.session.flush()
    flagged = 0
    for booking in _active_bookings_on(day):
        if booking.ask_to_move():
            db.session.flush()
            signals.booking_needs_move.send(booking, reason=reason)
            flagged += 1
    return flagged


def bookings_to_move(day: date) -> list[Booking]:
    """The day's active bookings still waiting to be moved (the call list of a closed day)."""
    return [
        booking for booking in _active_bookings_on(day, now=local_day_bounds(day)[0]) if booking.needs_move
    ]


def add_closure(day: date, reason: str, source: str = "manual") -> Closure:
    """Close a day: no new bookings; its coming bookings are flagged ``needs_move`` (a reminder call each)."""
    if db.session.scalar(select(exists().where(Closure.closed_on == day))):
        raise ScheduleError("这一天已经是休息日。", "closed_on")
    db.session.execute(delete(ExtraWorkday).where(ExtraWorkday.work_on == day))
    closure = Closure(closed_on=day, reason=reason.strip()[:100], source=source)
    db.session.add(closure)
    try:
        ask_to_move(day, closure.reason)
    except Exception:
        db.session.rollback()
        raise
    db.session.commit()
    signals.day_closed.send(None, day=day)
    return closure


def remove_closure(closure: Closure) -> None:
    """Reopen a closed day: its bookings no longer need a move."""
    for booking in _active_bookings_on(closure.closed_on):
        booking.needs_move = False
    db.session.delete(closure)
    db.session.commit()


def add_extra_workday(day: date, use_weekday: int, reason: str, source: str = "manual") -> ExtraWorkday:
    """Mark a 调休 make-up workday that follows the rules of ``use_weekday``."""
    if db.session.scalar(select(exists().where(ExtraWorkday.work_on == day))):
        raise ScheduleError("这一天已经是调休上班日。", "work_on")
    db.session.execute(delete(Closure).where(Closure.closed_on == day))
    extra = ExtraWorkday(work_on=day, use_weekday=use_weekday, reason=reason.strip()[:100], source=source)
    db.session.add(extra)
    db.session.commit()
    return extra


def remove_extra_workday(extra: ExtraWorkday) -> None:
    """Remove a make-up workday."""
    db.session.delete(extra)
    db.session.commit()
