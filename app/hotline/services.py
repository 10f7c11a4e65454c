"""Hotline booking services: calendar, slot materialisation, booking, manage, triage, settings.

Every function owns its transaction and raises ``HotlineError`` subclasses with Chinese messages; views
turn them into responses. Capacity is enforced by ONE conditional UPDATE (``booked < capacity``) in the
booking transaction, never by check-then-insert.
"""

import importlib.util
import logging
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import delete, exists, select, type_coerce, update
from sqlalchemy.exc import IntegrityError, OperationalError

from app.accounts.models import utcnow
from app.extensions import db
from app.hotline.models import (
    CONSENT_VERSION,
    LOCAL_TZ,
    MODES,
    TOPICS,
    TOWNS,
    AvailabilityRule,
    Booking,
    BookingStateError,
    Closure,
    ExtraWorkday,
    HotlineSetting,
    Slot,
    clean_reference,
)
from app.hotline.privacy import EncryptedText, InvalidPhone, normalize_phone, phone_hash, rotate

log = logging.getLogger(__name__)
DESCRIPTION_MAX = 500
NICKNAME_MAX = 20
SAFE_TIMES_MAX = 100
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


class HotlineError(Exception):
    """A domain error with a Chinese message, an HTTP status and optionally the form field at fault."""

    status = 409
    default = "操作未能完成，请稍后再试。"

    def __init__(self, message: str | None = None, field: str | None = None):
        self.message = message or self.default
        self.field = field
        super().__init__(self.message)


class InvalidBooking(HotlineError):
    status = 422
    default = "提交的内容需要修改。"


class SlotUnavailable(HotlineError):
    default = "这个时间已经不能预约了，请另选一个时间。"


class SlotFull(HotlineError):
    default = "这个时间刚被约满，请另选一个时间。"


class AlreadyBooked(HotlineError):
    default = "这个手机号已经有一个还没进行的预约。如需换时间，请用“查询和修改预约”改期，或先取消原预约。"


class ReplayedForm(HotlineError):
    default = "这份预约已经提交过了，没有重复预约。"


class BookingNotFound(HotlineError):
    status = 404
    default = "没有找到对应的预约。请核对预约编号和手机号码；如有疑问，请拨打热线电话。"


class BookingLocked(HotlineError):
    default = "这个预约已经开始、结束或取消，不能再修改。如需帮助，请拨打热线电话。"


class ScheduleError(HotlineError):
    status = 422


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


def urgent_keywords() -> list[str]:
    """The triage keyword list (setting, one per line or separated by 、 , ，; else config)."""
    value = get_setting("urgent_keywords")
    if value and value.strip():
        parts = value.replace("，", "\n").replace(",", "\n").replace("、", "\n").splitlines()
        return [p.strip() for p in parts if p.strip()]
    return list(current_app.config["HOTLINE_URGENT_KEYWORDS"])


def detect_urgent(text: str | None) -> bool:
    """True when ``text`` mentions violence or self-harm (configurable keyword list)."""
    if not text:
        return False
    normalised = unicodedata.normalize("NFKC", text).replace(" ", "")
    return any(keyword in normalised for keyword in urgent_keywords())


# --- calendar ---------------------------------------------------------------------------------------


def local_now(now: datetime | None = None) -> datetime:
    return (now or utcnow()).astimezone(LOCAL_TZ)


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """UTC start and end of a local (Asia/Shanghai) day."""
    start = datetime.combine(day, time(0), tzinfo=LOCAL_TZ)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


def is_closed(day: date) -> bool:
    """True for a holiday or manual closure."""
    return db.session.scalar(select(exists().where(Closure.closed_on == day))) or False


def rules_for(day: date) -> list[AvailabilityRule]:
    """The active weekly rules that apply on ``day`` (none when closed; 调休 days borrow a weekday)."""
    if is_closed(day):
        return []
    extra = db.session.scalar(select(ExtraWorkday).where(ExtraWorkday.work_on == day))
    weekday = extra.use_weekday if extra else day.weekday()
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
    workday = is_workday(current.date())
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
        start = datetime.combine(day, rule.start_time, tzinfo=LOCAL_TZ)
        stop = datetime.combine(day, rule.end_time, tzinfo=LOCAL_TZ)
        step = timedelta(minutes=max(5, rule.slot_minutes))
        while start + step <= stop:
            key = (start.astimezone(UTC), rule.mode)
            wanted.setdefault(key, ((start + step).astimezone(UTC), rule.capacity, rule.id))
            start += step
    return wanted


def materialize_slots(days: int | None = None, today: date | None = None) -> SlotReport:
    """Create/update slots from the rules for the next ``days`` days; never delete a booked slot."""
    report = SlotReport()
    days = booking_days() if days is None else days
    today = today or local_now().date()
    now = utcnow()
    for offset in range(0, days + 1):
        day = today + timedelta(days=offset)
        wanted = _wanted_slots(day)
        start, end = local_day_bounds(day)
        existing = db.session.scalars(select(Slot).where(Slot.start_at >= start, Slot.start_at < end)).all()
        for slot in existing:
            spec = wanted.pop((slot.start_at, slot.mode), None)
            if spec is None:
                if slot.start_at <= now:
                    continue
                referenced = db.session.scalar(select(exists().where(Booking.slot_id == slot.id)))
                if slot.booked > 0:
                    report.kept_booked += 1
                    report.warnings.append(
                        f"{slot.label} {slot.mode_label} 已有 {slot.booked} 人预约：规则已变，时段保留，"
                        "请联系预约人改期或取消。"
                    )
                    if slot.capacity != slot.booked:
                        slot.capacity = slot.booked
                elif referenced:
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


def _call_case_hook(name: str, *args) -> None:
    """Call ``app.hotline.cases.<name>(*args)`` when case management is installed."""
    if importlib.util.find_spec("app.hotline.cases") is None:
        return
    from app.hotline import cases

    hook = getattr(cases, name, None)
    if hook is not None:
        hook(*args)


def _with_sqlite_retry(work):
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
        _call_case_hook("open_case_for_booking", booking, urgent)
        db.session.commit()
        return booking

    booking = _with_sqlite_retry(work)
    log.info("hotline: booking %s created (slot %s)", booking.id, booking.slot_id)
    return booking


def find_booking(reference: str, phone: str) -> Booking:
    """The booking with this reference AND phone number; the same neutral error for any mismatch."""
    ref = clean_reference(reference)
    try:
        hashed = phone_hash(normalize_phone(phone))
    except InvalidPhone:
        hashed = None
    booking = db.session.scalar(select(Booking).where(Booking.reference == ref)) if ref else None
    if booking is None or hashed is None or not secrets.compare_digest(booking.phone_hash or "", hashed):
        raise BookingNotFound()
    if booking.purged_at is not None:
        raise BookingNotFound()
    return booking


def find_booking_by_reference(reference: str) -> Booking | None:
    """Internal lookup (e.g. the .ics download right after booking, guarded by the session)."""
    return db.session.scalar(select(Booking).where(Booking.reference == clean_reference(reference)))


def cancel_booking(reference: str, phone: str, now: datetime | None = None) -> Booking:
    """Cancel a booking found by reference + phone and give the place back."""
    booking = find_booking(reference, phone)
    if not booking.can_change(now):
        raise BookingLocked()
    booking.cancel()
    _call_case_hook("on_booking_cancelled", booking)
    db.session.commit()
    log.info("hotline: booking %s cancelled by resident", booking.id)
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
        _call_case_hook("on_booking_rescheduled", target, old_slot)
        db.session.commit()
        return target

    moved = _with_sqlite_retry(work)
    log.info("hotline: booking %s moved to slot %s", moved.id, slot_id)
    return moved


def booking_ics(booking: Booking, host: str) -> bytes:
    """A calendar file with a neutral title (never 婚姻/调解: others may see the phone's calendar)."""
    from icalendar import Calendar, Event

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
        f"如需改时间或取消，请打开 /hotline/manage 或拨打 {current_app.config['HOTLINE_PHONE']}。",
    )
    if booking.mode == "visit":
        event.add("location", current_app.config.get("HOTLINE_VISIT_ADDRESS", "章丘区民政局"))
    calendar.add_component(event)
    return calendar.to_ical()


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


def booked_slots_on(day: date) -> list[Slot]:
    """Slots on ``day`` that already have bookings (to warn before closing a day)."""
    start, end = local_day_bounds(day)
    return list(
        db.session.scalars(select(Slot).where(Slot.start_at >= start, Slot.start_at < end, Slot.booked > 0))
    )


def add_closure(day: date, reason: str, source: str = "manual") -> Closure:
    """Close a day (no new bookings; existing bookings are kept and reported)."""
    if db.session.scalar(select(exists().where(Closure.closed_on == day))):
        raise ScheduleError("这一天已经是休息日。", "closed_on")
    db.session.execute(delete(ExtraWorkday).where(ExtraWorkday.work_on == day))
    closure = Closure(closed_on=day, reason=reason.strip()[:100], source=source)
    db.session.add(closure)
    db.session.commit()
    return closure


def remove_closure(closure: Closure) -> None:
    """Reopen a closed day."""
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


def prefill_holidays(year: int) -> tuple[int, int]:
    """Add the year's public holidays (closures) and 调休 workdays from ``chinese-calendar``.

    Days already present (perhaps edited by hand) are left alone. Returns (closures, workdays) added.
    """
    import chinese_calendar

    start, end = date(year, 1, 1), date(year, 12, 31)
    try:
        chinese_calendar.get_holiday_detail(start)
        chinese_calendar.get_holiday_detail(end)
    except NotImplementedError:
        raise ScheduleError(
            f"{year} 年的放假安排还没有收录（国务院通知发布后更新软件包），请手动添加。"
        ) from None
    closed = set(db.session.scalars(select(Closure.closed_on).where(Closure.closed_on.between(start, end))))
    extra = set(
        db.session.scalars(select(ExtraWorkday.work_on).where(ExtraWorkday.work_on.between(start, end)))
    )
    added_closures = added_workdays = 0
    day = start
    while day <= end:
        is_holiday, name = chinese_calendar.get_holiday_detail(day)
        if day not in closed and day not in extra:
            if is_holiday and name:
                label = HOLIDAY_NAMES.get(str(name), str(name))
                db.session.add(Closure(closed_on=day, reason=f"{label}放假", source="holiday"))
                added_closures += 1
            elif not is_holiday and day.weekday() >= 5:
                label = HOLIDAY_NAMES.get(str(name), "") if name else ""
                reason = f"{label}调休上班" if label else "调休上班"
                db.session.add(ExtraWorkday(work_on=day, use_weekday=0, reason=reason, source="holiday"))
                added_workdays += 1
        day += timedelta(days=1)
    db.session.commit()
    return added_closures, added_workdays


def rotate_encryption() -> int:
    """Re-encrypt every ``EncryptedText`` value in every table with the newest key."""
    count = 0
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, EncryptedText)]
        if not columns:
            continue
        pk = list(table.primary_key.columns)[0]
        raw = table.c
        stmt = select(pk, *[raw[c.name].cast(db.Text).label(c.name) for c in columns])
        for row in db.session.execute(stmt).mappings().all():
            # type_coerce: write the new token as plain text (the column type would encrypt it again).
            values = {c.name: type_coerce(rotate(row[c.name]), db.Text) for c in columns if row[c.name]}
            if values:
                db.session.execute(table.update().where(pk == row[pk.name]).values(**values))
                count += 1
    db.session.commit()
    return count
