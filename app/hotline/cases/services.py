"""Case management services: open cases, work them (assign, status, calls, notes, follow-ups), read them.

Services own their transaction (commit at the end), except the hooks called inside the booking
transaction (``open_case_for_booking``, ``on_booking_rescheduled``, ``on_booking_cancelled``), which
only flush. Nothing here logs personal data: log lines carry case numbers and counts only.
The hooks are called by ``handlers`` (receivers of the booking signals). Console queries live in
``queries``, statistics in ``stats``, the retention purge in ``purge``.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.accounts.models import User
from app.extensions import db
from app.hotline.booking.errors import BookingStateError
from app.hotline.booking.models import MODES, TOPICS, TOWNS, Booking, Slot
from app.hotline.cases.models import (
    CALL_RESULTS,
    CONTACT_RESULTS,
    DONE_STATUSES,
    FOLLOW_UP_REMINDER,
    FOLLOW_UP_VISIT,
    FOLLOWING,
    NEW,
    PRIORITIES,
    PRIORITY_NORMAL,
    PRIORITY_URGENT,
    SOURCE_BOOKING,
    SOURCE_PHONE_IN,
    AccessLog,
    Case,
    CaseCounter,
    CaseError,
    CaseEvent,
    CaseNote,
    FollowUp,
)
from app.hotline.privacy import InvalidPhone, normalize_phone, phone_hash
from app.hotline.triage import detect_urgent
from app.web.time import CHINA_TZ, local_today, utcnow

log = logging.getLogger(__name__)

NOTE_MAX = 2000
DESCRIPTION_MAX = 500
PURPOSE_MAX = 200
NOT_AUTHOR = "只有写这条记录的咨询员本人可以修改它；如需补充或更正，请添加一条新记录。"


# --- opening cases --------------------------------------------------------------------------------


def _next_sequence(year: int) -> int:
    """Take the next number of ``year`` with one UPDATE (row lock held until commit: no duplicates)."""
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = CaseCounter.__table__
    db.session.execute(
        insert(table).values(year=year, last_number=0).on_conflict_do_nothing(index_elements=["year"])
    )
    db.session.execute(update(table).where(table.c.year == year).values(last_number=table.c.last_number + 1))
    return db.session.execute(select(table.c.last_number).where(table.c.year == year)).scalar_one()


def _family_for(hash_value: str | None) -> int | None:
    """The anonymous family number already used for this phone, if any."""
    if not hash_value:
        return None
    return db.session.scalar(
        select(Case.family_id).where(Case.phone_hash == hash_value, Case.family_id.is_not(None)).limit(1)
    )


def _new_case(**fields) -> Case:
    """Create a case with the next number of the current local year (flushes, does not commit)."""
    now = fields.pop("now", None) or utcnow()
    year = now.astimezone(CHINA_TZ).year
    family = _family_for(fields.get("phone_hash"))
    sequence = _next_sequence(year)
    case = Case(
        number=f"{year}-{sequence:04d}",
        year=year,
        sequence=sequence,
        created_at=now,
        family_id=family,
        **fields,
    )
    db.session.add(case)
    db.session.flush()
    if case.family_id is None:
        case.family_id = case.id
    return case


def _event(case: Case, kind: str, detail: str = "", actor: User | None = None, at: datetime | None = None):
    event = CaseEvent(case=case, kind=kind, detail=detail, actor=actor, at=at or utcnow())
    db.session.add(event)
    return event


def open_case_for_booking(booking: Booking, urgent: bool = False) -> Case:
    """Open the case of a new booking inside the booking's transaction (flushes; the caller commits)."""
    case = _new_case(
        source=SOURCE_BOOKING,
        booking=booking,
        topic=booking.topic,
        mode=booking.mode,
        town=booking.town,
        phone_hash=booking.phone_hash,
        scheduled_at=booking.slot.start_at,
        priority=PRIORITY_URGENT if urgent else PRIORITY_NORMAL,
    )
    _event(case, "created", f"居民网上预约：{booking.slot.label}，{MODES.get(booking.mode, booking.mode)}")
    if urgent:
        _event(case, "priority", "描述中出现安全关键词，自动标为紧急")
    log.info("hotline case %s opened for a booking", case.number)
    return case


def _case_of(booking: Booking) -> Case | None:
    return db.session.scalar(select(Case).where(Case.booking_id == booking.id))


def on_booking_rescheduled(booking: Booking, old_slot: Slot | None = None) -> None:
    """Record a resident's reschedule on the case timeline (inside the booking transaction)."""
    case = _case_of(booking)
    if case is None:
        return
    case.scheduled_at = booking.slot.start_at
    before = f"{old_slot.label} → " if old_slot is not None else ""
    _event(case, "rescheduled", f"居民改约：{before}{booking.slot.label}")


def on_booking_cancelled(booking: Booking) -> None:
    """Record a resident's cancellation on the case timeline (inside the booking transaction)."""
    case = _case_of(booking)
    if case is not None:
        _event(case, "cancelled", "居民取消了预约")


def _clean_text(
    value: str | None, limit: int, label: str, field_name: str, required: bool = False
) -> str | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise CaseError(f"请填写{label}。", field_name)
        return None
    if len(text) > limit:
        raise CaseError(f"{label}最多 {limit} 个字，现在是 {len(text)} 个字。", field_name)
    return text


def phone_in_problems(
    *, topic, mode, nickname=None, phone=None, description=None, town=None, priority=PRIORITY_NORMAL
) -> dict[str, str]:
    """Every problem of a phone-in form at once (field name → Chinese message); empty when all is well."""
    checks = {
        "topic": None if topic in TOPICS else "请选择咨询类别。",
        "mode": None if mode in MODES else "请选择服务方式。",
        "town": None if not town or town in TOWNS else "请选择章丘区的镇街。",
        "priority": None if priority in PRIORITIES else "请选择优先级。",
    }
    for name, value, limit, label in (
        ("nickname", nickname, 20, "称呼"),
        ("description", description, DESCRIPTION_MAX, "情况简述"),
    ):
        try:
            _clean_text(value, limit, label, name)
        except CaseError as exc:
            checks[name] = exc.message
    if phone and phone.strip():
        try:
            normalize_phone(phone)
        except InvalidPhone as exc:
            checks["phone"] = exc.message
    return {name: message for name, message in checks.items() if message}


def open_phone_in_case(
    actor: User,
    *,
    topic: str,
    mode: str = "phone",
    nickname: str | None = None,
    phone: str | None = None,
    description: str | None = None,
    town: str | None = None,
    priority: str = PRIORITY_NORMAL,
    assign_to_self: bool = True,
) -> Case:
    """Open a case for a resident who phoned in (the call itself is the first contact).

    Every field is checked before anything is refused: a ``CaseError`` carries all problems at once in
    ``errors`` (field name → message), so the form shows them together.
    """
    problems = phone_in_problems(
        topic=topic,
        mode=mode,
        nickname=nickname,
        phone=phone,
        description=description,
        town=town,
        priority=priority,
    )
    if problems:
        error = CaseError(next(iter(problems.values())), next(iter(problems)))
        error.errors = problems
        raise error
    nickname = _clean_text(nickname, 20, "称呼", "nickname")
    description = _clean_text(description, DESCRIPTION_MAX, "情况简述", "description")
    number = normalize_phone(phone) if phone and phone.strip() else None
    urgent = bool(description) and detect_urgent(description)
    now = utcnow()
    case = _new_case(
        now=now,
        source=SOURCE_PHONE_IN,
        topic=topic,
        mode=mode,
        town=town or None,
        nickname=nickname,
        phone=number,
        phone_hash=phone_hash(number) if number else None,
        description=description,
        priority=PRIORITY_URGENT if urgent else priority,
        scheduled_at=now,
        first_contact_at=now,
        status=FOLLOWING,
        assignee=actor if assign_to_self else None,
    )
    _event(case, "created", "来电建档（来电即首次接通）", actor, now)
    if urgent and priority != PRIORITY_URGENT:
        _event(case, "priority", "描述中出现安全关键词，自动标为紧急", actor, now)
    if assign_to_self:
        _event(case, "assigned", f"分派给 {actor.display_name}", actor, now)
    db.session.commit()
    log.info("hotline case %s opened for a phone-in", case.number)
    return case


# --- working a case -------------------------------------------------------------------------------


def assign_case(case: Case, assignee: User | None, actor: User) -> Case:
    """Assign the case to a counselor (or to nobody)."""
    if assignee is not None and not assignee.has_role("counselor"):
        raise CaseError("只能分派给热线咨询员。", "assignee")
    if assignee == case.assignee:
        raise CaseError("个案已经分派给这位咨询员。", "assignee")
    case.assignee = assignee
    _event(case, "assigned", f"分派给 {assignee.display_name}" if assignee else "取消分派", actor)
    db.session.commit()
    return case


def change_status(case: Case, status: str, actor: User, outcome: str | None = None) -> Case:
    """Move the case along its workflow; closing records the outcome."""
    before = case.status
    case.change_status(status, outcome or None, utcnow())
    detail = f"{before} → {status}"
    if case.outcome and status in DONE_STATUSES:
        detail += f"（{case.outcome}）"
        _complete_booking_if_held(case)
    _event(case, "status", detail, actor)
    db.session.commit()
    return case


def _complete_booking_if_held(case: Case) -> None:
    """A booking whose time came and whose case was handled counts as completed (for the no-show rate)."""
    booking = case.booking
    if booking is not None and booking.status == "booked" and booking.slot.start_at <= utcnow():
        booking.complete()


def set_priority(case: Case, priority: str, actor: User) -> Case:
    """Change the case's priority (紧急 puts it at the top of Today)."""
    if priority not in PRIORITIES:
        raise CaseError("请选择优先级。", "priority")
    if priority == case.priority:
        raise CaseError(f"优先级已经是“{priority}”。", "priority")
    _event(case, "priority", f"{case.priority} → {priority}", actor)
    case.priority = priority
    db.session.commit()
    return case


def log_call_attempt(case: Case, actor: User, result: str) -> Case:
    """Record a call or visit attempt (未接通 included); the first contact moves 待受理 to 跟进中."""
    if result not in CALL_RESULTS:
        raise CaseError("请选择联系结果。", "result")
    if case.purged_at is not None:
        raise CaseError("这个个案的个人信息已清除，不能再记录联系。")
    now = utcnow()
    _event(case, "call", result, actor, now)
    if result in CONTACT_RESULTS:
        if case.first_contact_at is None:
            case.first_contact_at = now
        if case.status == NEW:
            _event(case, "status", f"{NEW} → {FOLLOWING}（首次联系上）", actor, now)
            case.status = FOLLOWING
        if case.booking is not None and case.booking.status == "booked":
            case.booking.complete()
    db.session.commit()
    return case


def mark_no_show(case: Case, actor: User, due_on: date | None = None) -> FollowUp:
    """The resident missed the booked call or visit: record it and create a reminder-call task (no ban)."""
    booking = case.booking
    if booking is None:
        raise CaseError("来电个案没有预约，不能标记未到。")
    if booking.slot.start_at > utcnow():
        raise CaseError("预约时间还没到，不能标记未到。")
    try:
        booking.mark_no_show()
    except BookingStateError as exc:
        raise CaseError(exc.message) from None
    task = FollowUp(
        case=case, kind=FOLLOW_UP_REMINDER, due_on=due_on or local_today(), created_by_id=actor.id
    )
    task.purpose = "居民未到/未接通：打电话提醒，可帮助重新预约"
    db.session.add(task)
    _event(case, "no_show", "标记未到/未接通，已生成提醒来电任务", actor)
    db.session.commit()
    return task


def add_note(case: Case, actor: User, body: str) -> CaseNote:
    """Append a note (encrypted at rest)."""
    text = _clean_text(body, NOTE_MAX, "记录内容", "body", required=True)
    if case.purged_at is not None:
        raise CaseError("这个个案的个人信息已清除，不能再添加记录。")
    note = CaseNote(case=case, body=text, author=actor, version=1)
    db.session.add(note)
    db.session.flush()
    note.thread_id = note.id
    _event(case, "note", "添加了一条记录", actor)
    db.session.commit()
    return note


def edit_note(note: CaseNote, actor: User, body: str) -> CaseNote:
    """Save a new version of a note; the previous text stays as the older version."""
    text = _clean_text(body, NOTE_MAX, "记录内容", "body", required=True)
    latest = db.session.scalar(
        select(CaseNote)
        .where(CaseNote.thread_id == note.thread_id)
        .order_by(CaseNote.version.desc())
        .limit(1)
    )
    if latest.case.purged_at is not None:
        raise CaseError("这个个案的个人信息已清除，不能再修改记录。")
    if not latest.can_edit(actor):
        raise CaseError(NOT_AUTHOR, status=403)
    if latest.id != note.id:
        raise CaseError("这条记录已经被修改过，请在最新版本上修改。", "body")
    if text == latest.body:
        raise CaseError("内容没有变化。", "body")
    version = CaseNote(
        case=latest.case, thread_id=latest.thread_id, version=latest.version + 1, body=text, author=actor
    )
    db.session.add(version)
    _event(latest.case, "note_edited", f"修改了一条记录（第 {version.version} 版）", actor)
    db.session.commit()
    return version


def note_threads(case: Case) -> list[list[CaseNote]]:
    """The case's notes grouped by thread, newest version first, threads in creation order."""
    threads: dict[int, list[CaseNote]] = {}
    for note in case.notes:
        threads.setdefault(note.thread_id or note.id, []).append(note)
    return [
        sorted(versions, key=lambda n: n.version, reverse=True) for _, versions in sorted(threads.items())
    ]


def add_follow_up(case: Case, actor: User, due_on: date | None, purpose: str | None = None) -> FollowUp:
    """Schedule a 回访 with a due date (it appears in Today on that day)."""
    if due_on is None:
        raise CaseError("请选择回访日期。", "due_on")
    if due_on < local_today():
        raise CaseError("回访日期不能早于今天。", "due_on")
    if due_on > local_today() + timedelta(days=366):
        raise CaseError("回访日期请在一年以内。", "due_on")
    if case.purged_at is not None:
        raise CaseError("这个个案的个人信息已清除，不能再安排回访。")
    text = _clean_text(purpose, PURPOSE_MAX, "回访事项", "purpose")
    task = FollowUp(case=case, kind=FOLLOW_UP_VISIT, due_on=due_on, purpose=text, created_by_id=actor.id)
    db.session.add(task)
    _event(case, "follow_up", f"安排回访：{due_on.month}月{due_on.day}日", actor)
    db.session.commit()
    return task


def complete_follow_up(task: FollowUp, actor: User) -> FollowUp:
    """Mark a follow-up task as done."""
    if task.done_at is not None:
        raise CaseError("这个回访已经完成。")
    task.done_at = utcnow()
    task.done_by_id = actor.id
    _event(task.case, "follow_up", f"完成{task.kind}（原定 {task.due_on.month}月{task.due_on.day}日）", actor)
    db.session.commit()
    return task


# --- reading --------------------------------------------------------------------------------------


def log_access(user: User, case: Case | None, action: str) -> None:
    """Record a read of personal data (who, which case, when) and commit it."""
    db.session.add(AccessLog(user_id=user.id, case_id=case.id if case else None, action=action, at=utcnow()))
    db.session.commit()


def get_case(number: str) -> Case | None:
    """Find a case by its number (2026-0057)."""
    return db.session.scalar(select(Case).where(Case.number == number.strip()))


def view_case(number: str, user: User, action: str = "view") -> Case | None:
    """Load a case for reading its personal data, logging the read in the access log."""
    case = get_case(number)
    if case is not None:
        log_access(user, case, action)
    return case
