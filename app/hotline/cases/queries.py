"""Read-only case queries for the console: Today, the filtered case list, counselors, the access log."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy import case as sql_case

from app.accounts.models import User, UserRole
from app.extensions import db
from app.hotline.booking.models import TOPICS, Booking, clean_reference
from app.hotline.cases.models import (
    OPEN_STATUSES,
    PRIORITIES,
    PRIORITY_RANK,
    PRIORITY_URGENT,
    SOURCE_BOOKING,
    STATUSES,
    AccessLog,
    Case,
    CaseError,
    FollowUp,
)
from app.hotline.privacy import InvalidPhone, normalize_phone, phone_hash
from app.web.time import local_day_bounds, local_today

PER_PAGE = 20


def counselors() -> list[User]:
    """Active counselors, for the assignee choices."""
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == "counselor", User.active.is_(True))
            .order_by(User.display_name)
        )
    )


def _priority_order():
    return sql_case(PRIORITY_RANK, value=Case.priority, else_=9)


@dataclass
class TodayView:
    day: date
    urgent: list[Case] = field(default_factory=list)
    agenda: list[Case] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)


def today_overview(day: date | None = None, assignee: User | None = None) -> TodayView:
    """The day's bookings and calls in time order, open urgent cases first, follow-ups due (or overdue)."""
    day = day or local_today()
    start, end = local_day_bounds(day)
    mine = (lambda q: q.where(Case.assignee_id == assignee.id)) if assignee else (lambda q: q)
    urgent = list(
        db.session.scalars(
            mine(
                select(Case).where(Case.priority == PRIORITY_URGENT, Case.status.in_(OPEN_STATUSES))
            ).order_by(Case.scheduled_at)
        ).unique()
    )
    urgent_ids = {c.id for c in urgent}
    agenda = [
        c
        for c in db.session.scalars(
            mine(select(Case).where(Case.scheduled_at >= start, Case.scheduled_at < end)).order_by(
                Case.scheduled_at, Case.id
            )
        ).unique()
        if c.id not in urgent_ids
    ]
    follow_query = (
        select(FollowUp)
        .join(Case)
        .where(FollowUp.done_at.is_(None), FollowUp.due_on <= day, Case.purged_at.is_(None))
        .order_by(FollowUp.due_on, FollowUp.id)
    )
    if assignee:
        follow_query = follow_query.where(Case.assignee_id == assignee.id)
    return TodayView(day=day, urgent=urgent, agenda=agenda, follow_ups=list(db.session.scalars(follow_query)))


# Saved views of the case list (shareable as ?view=...): label, in the order of the tabs.
SAVED_VIEWS = {"mine": "我的未结案", "overdue": "逾期回访", "urgent": "紧急", "today": "今日预约"}
TEXT_SCAN_SKIP = re.compile(r"[0-9－\-\s]+")  # a case number: no need to decrypt anything


def _view_condition(view: str, user: User, today: date):
    """The SQL condition of a saved view."""
    if view == "mine":
        return and_(Case.assignee_id == user.id, Case.status.in_(OPEN_STATUSES))
    if view == "overdue":
        overdue = select(FollowUp.case_id).where(FollowUp.done_at.is_(None), FollowUp.due_on < today)
        return and_(Case.id.in_(overdue), Case.purged_at.is_(None))
    if view == "urgent":
        return and_(Case.priority == PRIORITY_URGENT, Case.status.in_(OPEN_STATUSES))
    start, end = local_day_bounds(today)
    return and_(Case.source == SOURCE_BOOKING, Case.scheduled_at >= start, Case.scheduled_at < end)


def saved_view_counts(user: User, today: date | None = None) -> dict[str, int]:
    """How many cases each saved view holds right now (for the tabs)."""
    today = today or local_today()
    return {
        view: db.session.scalar(select(func.count(Case.id)).where(_view_condition(view, user, today)))
        for view in SAVED_VIEWS
    }


def _text_matches(needle: str, conditions: list) -> list[int]:
    """Ids of cases (among those ``conditions`` select) whose nickname or description contains ``needle``.

    The texts are encrypted at rest, so they are decrypted here, in memory, for this request only: over
    the cases the counselor's other filters leave (every counselor may read every case), skipping purged
    ones. Nothing is stored in clear and the search words are not logged.
    """
    needle = needle.casefold()
    rows = db.session.execute(
        select(Case.id, Case.nickname, Case.description, Booking.nickname, Booking.description)
        .outerjoin(Booking, Case.booking_id == Booking.id)
        .where(Case.purged_at.is_(None), *conditions)
    )
    return [row[0] for row in rows if any(text and needle in text.casefold() for text in row[1:])]


@dataclass
class CaseFilters:
    q: str = ""
    view: str = ""  # one of SAVED_VIEWS
    status: str = ""
    assignee: str = ""  # user id, "me" or "none"
    topic: str = ""
    priority: str = ""
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1


@dataclass
class CasePage:
    items: list[Case]
    total: int
    page: int
    pages: int


def list_cases(filters: CaseFilters, user: User) -> CasePage:
    """Filter and search cases (case number, booking reference, nickname or words of the description);
    urgent first, newest first."""
    query = select(Case).outerjoin(Booking, Case.booking_id == Booking.id)
    conditions = _filter_conditions(filters, user)
    q = (filters.q or "").strip()
    if q:
        reference = clean_reference(q)
        number_like = q.replace("－", "-")
        options = [Case.number == number_like]
        if number_like.isdigit() and len(number_like) <= 6:
            options.append(Case.number.like(f"%-{number_like.zfill(4)}"))
        if reference:
            options.append(Booking.reference == reference)
        if not TEXT_SCAN_SKIP.fullmatch(q):
            options.append(Case.id.in_(_text_matches(q, conditions)))
        conditions.append(or_(*options))
    if conditions:
        query = query.where(and_(*conditions))
    total = db.session.scalar(select(func.count()).select_from(query.with_only_columns(Case.id).subquery()))
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(1, filters.page), pages)
    rows = db.session.scalars(
        query.order_by(
            sql_case((Case.status.in_(OPEN_STATUSES), 0), else_=1),
            _priority_order(),
            Case.scheduled_at.desc(),
            Case.id.desc(),
        )
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).unique()
    return CasePage(items=list(rows), total=total, page=page, pages=pages)


def _filter_conditions(filters: CaseFilters, user: User) -> list:
    """The SQL conditions of every filter but the search words."""
    conditions = []
    if filters.view in SAVED_VIEWS:
        conditions.append(_view_condition(filters.view, user, local_today()))
    if filters.status in STATUSES:
        conditions.append(Case.status == filters.status)
    elif filters.status == "open":
        conditions.append(Case.status.in_(OPEN_STATUSES))
    if filters.assignee == "me":
        conditions.append(Case.assignee_id == user.id)
    elif filters.assignee == "none":
        conditions.append(Case.assignee_id.is_(None))
    elif filters.assignee.isdigit():
        conditions.append(Case.assignee_id == int(filters.assignee))
    if filters.topic in TOPICS:
        conditions.append(Case.topic == filters.topic)
    if filters.priority in PRIORITIES:
        conditions.append(Case.priority == filters.priority)
    if filters.date_from:
        conditions.append(Case.scheduled_at >= local_day_bounds(filters.date_from)[0])
    if filters.date_to:
        conditions.append(Case.scheduled_at < local_day_bounds(filters.date_to)[1])
    return conditions


def find_cases_by_phone(raw_phone: str, limit: int = 50) -> CasePage:
    """Cases of one phone number, found by its keyed hash (the number never goes into a URL or log)."""
    try:
        hashed = phone_hash(normalize_phone(raw_phone))
    except InvalidPhone as exc:
        raise CaseError(exc.message, "phone") from None
    rows = db.session.scalars(
        select(Case)
        .where(Case.phone_hash == hashed)
        .order_by(Case.scheduled_at.desc(), Case.id.desc())
        .limit(limit)
    ).unique()
    items = list(rows)
    return CasePage(items=items, total=len(items), page=1, pages=1)


def access_log_page(page: int = 1, case_number: str = "", per_page: int = 50) -> CasePage:
    """The access log, newest first, optionally for one case."""
    query = select(AccessLog)
    if case_number.strip():
        query = query.join(Case, AccessLog.case_id == Case.id).where(Case.number == case_number.strip())
    total = db.session.scalar(
        select(func.count()).select_from(query.with_only_columns(AccessLog.id).subquery())
    )
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = db.session.scalars(
        query.order_by(AccessLog.at.desc(), AccessLog.id.desc()).limit(per_page).offset((page - 1) * per_page)
    ).unique()
    return CasePage(items=list(rows), total=total, page=page, pages=pages)
