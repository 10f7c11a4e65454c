"""Demo data for case management (key 31-hotline-cases): five weeks of past cases across statuses,
topics, modes, outcomes and 镇街 (for the charts), notes, follow-ups, and today's work for the Today view.

Deterministic (seeded) and idempotent: it does nothing when its marker phone already has a case.
All names and numbers are invented (136 0000 xxxx); the texts are in ``demo/content.json``.
"""

from __future__ import annotations

import json
import logging
import random
from datetime import datetime, time, timedelta
from functools import cache
from pathlib import Path

from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.hotline.booking.models import TOPICS, TOWNS, Booking, Slot
from app.hotline.cases import services as cases
from app.hotline.cases.models import (
    CALL_CONNECTED,
    CALL_MISSED,
    CALL_VISIT,
    FOLLOW_UP_REMINDER,
    FOLLOW_UP_VISIT,
    PRIORITY_HIGH,
    PRIORITY_NORMAL,
    PRIORITY_URGENT,
    SOURCE_BOOKING,
    SOURCE_PHONE_IN,
    Case,
    CaseNote,
    FollowUp,
)
from app.hotline.privacy import phone_hash
from app.web.time import CHINA_TZ, utcnow

log = logging.getLogger(__name__)

MARKER_PHONE = "13600000000"
TOWN_WEIGHTS = [8, 5, 4, 3, 3, 3, 2, 3, 2, 2, 1, 1, 2, 1, 1, 1, 2, 1]
CONTENT_FILE = Path(__file__).with_name("demo") / "content.json"


@cache
def _content() -> dict:
    """Invented nicknames, case descriptions by topic and note texts (``demo/content.json``)."""
    return json.loads(CONTENT_FILE.read_text(encoding="utf-8"))


def _at(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=CHINA_TZ)


def _slot(start: datetime, mode: str) -> Slot:
    slot = db.session.scalar(select(Slot).where(Slot.start_at == start, Slot.mode == mode))
    if slot is None:
        minutes = 60 if mode == "visit" else 30
        slot = Slot(
            start_at=start, end_at=start + timedelta(minutes=minutes), mode=mode, capacity=2, booked=0
        )
        db.session.add(slot)
    slot.booked = min(slot.capacity, slot.booked + 1)
    return slot


def _open(
    rng, *, created: datetime, phone: str, source: str, topic: str, mode: str, town, priority, slot_start
):
    """Open one demo case (with its booking when it came from one), numbered through the service."""
    nickname = rng.choice(_content()["nicknames"])
    description = _content()["descriptions"][topic] if rng.random() < 0.8 else None
    if source == SOURCE_BOOKING:
        booking = Booking(
            slot=_slot(slot_start, mode),
            topic=topic,
            mode=mode,
            nickname=nickname,
            phone=phone,
            phone_hash=phone_hash(phone),
            description=description,
            safe_call_times=rng.choice(["上午", "下午三点以后", None]),
            may_leave_message=rng.random() < 0.5,
            town=town,
            urgent=priority == PRIORITY_URGENT,
            consent_at=created,
            consent_version="demo",
            status="booked",
            created_at=created,
        )
        db.session.add(booking)
        db.session.flush()
        case = cases.open_case_for_booking(booking, priority == PRIORITY_URGENT)
        case.created_at = created
        for event in case.events:
            event.at = created
    else:
        case = cases._new_case(
            now=created,
            source=SOURCE_PHONE_IN,
            topic=topic,
            mode=mode,
            town=town,
            nickname=nickname,
            phone=phone,
            phone_hash=phone_hash(phone),
            description=description,
            scheduled_at=created,
            first_contact_at=created,
            status="跟进中",
        )
        cases._event(case, "created", "来电建档（来电即首次接通）", None, created)
    case.priority = priority
    return case


def _work(rng, case: Case, counselor: User | None, end: datetime, outcome_roll: float) -> None:
    """Give a past case a plausible history up to ``end``: assignment, calls, notes, status, follow-ups."""
    start = case.scheduled_at if case.source == SOURCE_BOOKING else case.created_at
    if counselor is not None:
        case.assignee = counselor
        cases._event(case, "assigned", f"分派给 {counselor.display_name}", counselor, case.created_at)
    if case.source == SOURCE_BOOKING:
        if rng.random() < 0.25:
            cases._event(case, "call", CALL_MISSED, counselor, start)
            start += timedelta(hours=rng.choice([1, 3, 20]))
        result = CALL_VISIT if case.mode == "visit" else CALL_CONNECTED
        cases._event(case, "call", result, counselor, start)
        case.first_contact_at = start
        case.booking.status = "completed"
        case.booking.completed_at = start
        cases._event(case, "status", "待受理 → 跟进中（首次联系上）", counselor, start)
    case.status = "跟进中"
    for index in range(rng.choice([1, 1, 2, 3])):
        note = CaseNote(
            case=case,
            body=_content()["notes"][(index + case.id) % len(_content()["notes"])],
            author=counselor,
            version=1,
            created_at=start,
        )
        db.session.add(note)
        db.session.flush()
        note.thread_id = note.id
        cases._event(case, "note", "添加了一条记录", counselor, start + timedelta(minutes=5))
    if outcome_roll < 0.62:
        outcome = rng.choices(["调解成功", "部分成功", "未成功"], weights=[5, 3, 2])[0]
        closed = min(end, start + timedelta(days=rng.randint(1, 9)))
        case.status, case.outcome, case.closed_at = "已结案", outcome, closed
        cases._event(case, "status", f"跟进中 → 已结案（{outcome}）", counselor, closed)
    elif outcome_roll < 0.72:
        closed = min(end, start + timedelta(days=rng.randint(1, 4)))
        case.status, case.outcome, case.closed_at = "已转介", "转介", closed
        cases._event(case, "status", "跟进中 → 已转介（转介）", counselor, closed)
    elif outcome_roll < 0.85:
        case.status = "调解中"
        cases._event(case, "status", "跟进中 → 调解中", counselor, start + timedelta(days=1))


def load() -> None:
    """Create five weeks of past cases and today's work (idempotent)."""
    if db.session.scalar(select(Case.id).where(Case.phone_hash == phone_hash(MARKER_PHONE)).limit(1)):
        return
    rng = random.Random(31)
    now = utcnow()
    today = now.astimezone(CHINA_TZ).date()
    staff = {u.username: u for u in db.session.scalars(select(User).where(User.username.like("counselor%")))}
    counselors = [u for u in staff.values() if u.has_role("counselor")] or [None]
    topics = list(TOPICS)
    repeat_phones = [f"1360000{n:04d}" for n in range(1, 6)]

    # Past cases, oldest first so that case numbers follow the dates.
    plan = []
    for index in range(48):
        day = today - timedelta(days=rng.randint(2, 36))
        if day.weekday() >= 5:
            day -= timedelta(days=day.weekday() - 4)
        plan.append((day, rng.choice([9, 10, 11, 14, 15, 16]), index))
    plan.sort()
    for day, hour, index in plan:
        source = SOURCE_BOOKING if rng.random() < 0.6 else SOURCE_PHONE_IN
        mode = "visit" if rng.random() < 0.3 else "phone"
        topic = rng.choices(topics, weights=[2, 5, 2, 4, 3, 1])[0]
        town = rng.choices(TOWNS, weights=TOWN_WEIGHTS)[0] if rng.random() < 0.8 else None
        phone = (
            rng.choice(repeat_phones) if rng.random() < 0.15 else f"136{index:04d}{rng.randint(0, 9999):04d}"
        )
        slot_start = _at(day, hour)
        created = slot_start - timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 5))
        if source == SOURCE_PHONE_IN:
            created = slot_start + timedelta(minutes=rng.randint(0, 50))
        priority = rng.choices([PRIORITY_NORMAL, PRIORITY_HIGH, PRIORITY_URGENT], weights=[12, 3, 1])[0]
        case = _open(
            rng,
            created=created,
            phone=phone,
            source=source,
            topic=topic,
            mode=mode,
            town=town,
            priority=priority,
            slot_start=slot_start,
        )
        counselor = rng.choice(counselors)
        if source == SOURCE_BOOKING and rng.random() < 0.12:
            case.booking.status = "no_show"
            cases._event(case, "no_show", "标记未到/未接通，已生成提醒来电任务", counselor, slot_start)
            due = min(today, slot_start.date() + timedelta(days=1))
            task = FollowUp(
                case=case, kind=FOLLOW_UP_REMINDER, due_on=due, purpose="打电话提醒，可帮助重新预约"
            )
            if due < today - timedelta(days=2):  # older reminders were made long ago
                task.done_at = _at(due, 10)
            db.session.add(task)
            continue
        _work(rng, case, counselor, now - timedelta(hours=1), rng.random())
        if case.is_open and rng.random() < 0.6:
            due = today + timedelta(days=rng.choice([-1, 0, 0, 1, 3, 7]))
            db.session.add(
                FollowUp(case=case, kind=FOLLOW_UP_VISIT, due_on=due, purpose="电话回访，了解约定执行情况")
            )

    # Today: two bookings later today, one earlier today (not reached yet), one urgent phone-in.
    for number, (hour, minute, topic, mode) in enumerate(
        [(9, 0, "marriage", "phone"), (15, 30, "generations", "phone")]
    ):
        start = _at(today, hour, minute)
        _open(
            rng,
            created=start - timedelta(days=2),
            phone=f"1360000900{number}",
            source=SOURCE_BOOKING,
            topic=topic,
            mode=mode,
            town="明水街道",
            priority=PRIORITY_NORMAL,
            slot_start=start,
        )
    _open(
        rng,
        created=_at(today, 10, 0) - timedelta(days=1),
        phone="13600008888",
        source=SOURCE_BOOKING,
        topic="cooling_off",
        mode="visit",
        town="双山街道",
        priority=PRIORITY_NORMAL,
        slot_start=_at(today, 10, 0),
    )
    urgent = _open(
        rng,
        created=min(now, _at(today, 8, 40)),
        phone=MARKER_PHONE,
        source=SOURCE_PHONE_IN,
        topic="family_dispute",
        mode="phone",
        town="枣园街道",
        priority=PRIORITY_URGENT,
        slot_start=None,
    )
    urgent.description = _content()["urgent_description"]
    urgent.assignee = counselors[0]
    db.session.commit()
    log.info("demo: hotline cases loaded")
