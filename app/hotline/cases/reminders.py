"""Reminder calls (提醒来电) that booking changes ask of counselors: a closed day, a waitlist offer.

Hooks called by ``handlers`` inside the booking side's transaction (they only flush). A waitlist offer
opens a case of its own (source ``waitlist``; nickname and phone copied, encrypted like a phone-in case's)
that the booking takes over when the resident accepts, so one family has one case.
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from app.extensions import db
from app.hotline.booking.models import Booking, WaitlistEntry
from app.hotline.cases.models import (
    FOLLOW_UP_REMINDER,
    PRIORITY_NORMAL,
    SOURCE_BOOKING,
    SOURCE_WAITLIST,
    Case,
    FollowUp,
)
from app.hotline.cases.services import _event, _new_case
from app.web.time import CHINA_TZ, local_today, utcnow

log = logging.getLogger(__name__)


def _reminder(case: Case, purpose: str) -> FollowUp:
    task = FollowUp(case=case, kind=FOLLOW_UP_REMINDER, due_on=local_today())
    task.purpose = purpose
    db.session.add(task)
    return task


def on_booking_needs_move(booking: Booking, reason: str = "") -> None:
    """The booking's day was closed: a reminder call on its case asks the counselor to help move it."""
    case = db.session.scalar(select(Case).where(Case.booking_id == booking.id))
    if case is None:
        return
    why = f"（{reason}）" if reason else ""
    _reminder(case, f"{booking.slot.label} 停止服务{why}：请致电居民改约，居民也可在网上一键改期")
    _event(case, "follow_up", "预约日改为休息日，已生成提醒来电任务（请居民改期）")


def on_waitlist_offered(entry: WaitlistEntry) -> None:
    """A place was offered to a waiting resident: open (or reuse) the case and add a reminder call."""
    case = db.session.get(Case, entry.case_id) if entry.case_id else None
    if case is None:
        case = _new_case(
            source=SOURCE_WAITLIST,
            topic=entry.topic,
            mode=entry.mode,
            nickname=entry.nickname,
            phone=entry.phone,
            phone_hash=entry.phone_hash,
            scheduled_at=entry.offered_slot.start_at,
            priority=PRIORITY_NORMAL,
        )
        _event(
            case,
            "created",
            f"居民候补 {entry.wanted_on.month}月{entry.wanted_on.day}日（{entry.mode_label}）",
        )
        entry.case_id = case.id
    until = entry.offer_expires_at.astimezone(CHINA_TZ)
    _reminder(
        case,
        f"候补有空位：{entry.offered_slot.label}，保留到 {until:%H:%M}。"
        "请致电告知居民用候补编号确认，或代为确认",
    )
    _event(case, "follow_up", "候补空出时间，已生成提醒来电任务")
    log.info("hotline case %s: waitlist offer reminder", case.number)


def on_waitlist_lapsed(entry: WaitlistEntry) -> None:
    """An offer passed unanswered: the timeline says so (the reminder call stays for the counselor)."""
    case = db.session.get(Case, entry.case_id) if entry.case_id else None
    if case is not None:
        _event(case, "follow_up", "候补空位保留时间已过，已让给下一位")


def take_over_waitlist_case(booking: Booking, case_id: int) -> Case | None:
    """The resident accepted an offer: the waitlist case becomes the booking's case (None if gone)."""
    case = db.session.get(Case, case_id)
    if case is None or case.booking_id is not None or case.purged_at is not None:
        return None
    case.booking = booking
    case.source = SOURCE_BOOKING
    case.nickname = case.phone = None  # one copy of the personal data: the booking's
    case.scheduled_at = booking.slot.start_at
    now = utcnow()
    for task in case.follow_ups:
        if task.kind == FOLLOW_UP_REMINDER and task.done_at is None:
            task.done_at = now  # the resident confirmed online: nobody needs to call
    _event(case, "rescheduled", f"居民确认候补空位：{booking.slot.label}")
    return case
