"""Place services: lookups for the console, save with a revision, and the review workflow.

Every writing function owns its transaction and raises ``PlaceError`` subclasses with Chinese messages.
Any change that can affect what the public sees schedules the entry for re-indexing inside the
transaction, so the search index follows the commit (and forgets the change on rollback).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.places import drafts
from app.places.editing import apply_data, record_revision, recorded_user, text_value
from app.places.errors import DuplicateCode, NotAllowed, PlaceError
from app.places.models import PlaceAlias, PlaceDraft, PlaceName, Town
from app.places.reference import ReferenceMatcher
from app.places.search_docs import schedule_code

# --- lookups ----------------------------------------------------------------------------------------


def get_place(code: str) -> PlaceName | None:
    """The entry with ``code`` (any status), or None."""
    return db.session.scalar(select(PlaceName).where(PlaceName.code == (code or "").strip().upper()))


def code_taken(code: str, exclude_id: int | None = None) -> bool:
    """True when another entry already uses ``code``."""
    query = select(PlaceName.id).where(PlaceName.code == code.strip().upper())
    if exclude_id:
        query = query.where(PlaceName.id != exclude_id)
    return db.session.scalar(query.limit(1)) is not None


def same_name_in_town(name: str, town_id: int | None, exclude_id: int | None = None) -> list[str]:
    """Codes of other entries with the same standard name in the same 镇街 (a warning, not an error)."""
    name = (name or "").strip()
    if not name:
        return []
    query = select(PlaceName.code).where(PlaceName.name == name)
    query = query.where(PlaceName.town_id == town_id if town_id else PlaceName.town_id.is_(None))
    if exclude_id:
        query = query.where(PlaceName.id != exclude_id)
    return list(db.session.scalars(query.order_by(PlaceName.code).limit(5)))


def existing_index() -> tuple[dict[str, str], dict[tuple[str | None, str], str]]:
    """code → status, and (town name, name) → code, loaded in one query for import checks."""
    rows = db.session.execute(
        select(PlaceName.code, PlaceName.name, PlaceName.status, Town.name).outerjoin(
            Town, PlaceName.town_id == Town.id
        )
    )
    codes: dict[str, str] = {}
    names: dict[tuple[str | None, str], str] = {}
    for code, name, status, town in rows:
        codes[code] = status
        names.setdefault((town, name), code)
    return codes, names


def staff_query(status: str | None = None, q: str = ""):
    """A select of entries for the console list, filtered by status and a name/code/alias query."""
    query = select(PlaceName).options(selectinload(PlaceName.draft))
    if status == "in_review":  # the review queue: new entries and pending changes of published ones
        waiting = select(PlaceDraft.place_id).where(PlaceDraft.state == "in_review")
        query = query.where(or_(PlaceName.status == status, PlaceName.id.in_(waiting)))
    elif status == "changed":
        query = query.where(PlaceName.id.in_(select(PlaceDraft.place_id)))
    elif status:
        query = query.where(PlaceName.status == status)
    q = (q or "").strip()
    if q:
        like = f"%{q.replace('%', '').replace('_', '')}%"
        alias_match = select(PlaceAlias.place_id).where(PlaceAlias.name.like(like))
        query = query.where(
            or_(
                PlaceName.name.like(like),
                PlaceName.code.like(like.upper()),
                PlaceName.pinyin_plain.like(like.lower().replace(" ", "")),
                PlaceName.id.in_(alias_match),
            )
        )
    # Newest work first: an entry's pending changes count as work on it (at most one draft per entry).
    touched = func.coalesce(PlaceDraft.updated_at, PlaceName.updated_at)
    query = query.outerjoin(PlaceDraft, PlaceDraft.place_id == PlaceName.id)
    return query.order_by(touched.desc(), PlaceName.id.desc())


def status_counts() -> dict[str, int]:
    """Number of entries per status, as the console's filters count them: ``all``; ``in_review`` includes
    published entries whose pending changes wait for review; ``changed`` those with pending changes."""
    rows = db.session.execute(select(PlaceName.status, func.count()).group_by(PlaceName.status))
    counts = {status: count for status, count in rows}
    counts["all"] = sum(counts.values())
    draft_rows = db.session.execute(select(PlaceDraft.state, func.count()).group_by(PlaceDraft.state))
    by_state = {state: count for state, count in draft_rows}
    counts["in_review"] = counts.get("in_review", 0) + by_state.get("in_review", 0)
    counts["changed"] = sum(by_state.values())
    return counts


# --- saving -----------------------------------------------------------------------------------------


def save_place(data: dict[str, Any], user, place: PlaceName | None = None, note: str = "") -> PlaceName:
    """Create (place None) or update an entry from ``data``, record a PlaceRevision and commit.

    A published entry is not changed: the data becomes its pending changes (``drafts.save_draft``),
    which go live only when a second archivist or an admin approves them.
    """
    if place is not None and user is not None and not place.can_edit(user):
        if place.in_review:
            raise NotAllowed("这个条目正在审核中，审核通过或退回之前不能修改。")
        raise NotAllowed("您没有修改这个条目的权限。")
    if place is not None and place.is_public:
        drafts.save_draft(place, data, user, note or "保存修改")
        return place
    code = text_value(data, "code").upper()
    if code and code_taken(code, exclude_id=place.id if place else None):
        raise DuplicateCode(f"编号 {code} 已被其他条目使用。", "code")
    try:
        place = _save(data, user, place, note, ReferenceMatcher())
        db.session.commit()
    except IntegrityError as exc:  # another archivist took the code a moment ago
        db.session.rollback()
        raise DuplicateCode(f"编号 {code} 已被其他条目使用。", "code") from exc
    except Exception:
        db.session.rollback()
        raise
    return place


def _save(data, user, place, note, matcher) -> PlaceName:
    created = place is None
    old_code = None if created else place.code
    was_public = False if created else place.is_public
    if created:
        place = PlaceName(status="draft", author=recorded_user(user), persons=[], events=[])
        db.session.add(place)
    apply_data(place, data, matcher)
    if created and place.author is None:
        place.author = recorded_user(user)
    record_revision(place, recorded_user(user), note or ("新建" if created else "保存"))
    if was_public or place.is_public:
        schedule_code(place.code)
        if old_code and old_code != place.code:
            schedule_code(old_code)
    return place


# --- workflow ---------------------------------------------------------------------------------------


def _transition(place: PlaceName, user, note: str, action) -> PlaceName:
    try:
        action()
        if place.status != "published":
            drafts.fold_draft(place)  # pending changes become the content of an entry no longer public
    except PlaceError:
        db.session.rollback()
        raise
    record_revision(place, recorded_user(user), note)
    schedule_code(place.code)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return place


def submit_for_review(place: PlaceName, user) -> PlaceName:
    """Send a draft to the review queue (draft → in_review)."""
    if not user.has_any_role("archivist", "admin"):
        raise NotAllowed("只有档案员可以提交审核。")
    if place.is_public and place.draft is not None:
        drafts.submit_draft(place, user)
        return place
    if place.author is None:
        place.author = recorded_user(user)
    return _transition(place, user, "提交审核", place.submit)


def _check_reviewer(place: PlaceName, user) -> None:
    if place.status != "in_review":
        raise PlaceError("这个条目不在待审核状态。")
    if not place.can_review(user):
        if place.author_id is not None and user.id == place.author_id:
            raise NotAllowed("不能审核自己提交的条目：请由另一位档案员或管理员审核。")
        raise NotAllowed("您没有审核这个条目的权限。")


def approve(place: PlaceName, user, comment: str = "") -> PlaceName:
    """Publish an entry in review (or its pending changes); the reviewer must differ from the author,
    or be an admin."""
    if place.is_public and place.draft is not None:
        return drafts.approve_draft(place, user, comment)
    _check_reviewer(place, user)
    return _transition(place, user, "审核通过并发布", lambda: place.approve(user, (comment or "").strip()))


def return_with_comment(place: PlaceName, user, comment: str) -> PlaceName:
    """Send an entry in review (or its pending changes) back to editing with the reviewer's comment."""
    if place.is_public and place.draft is not None:
        drafts.return_draft(place, user, comment)
        return place
    _check_reviewer(place, user)
    if not (comment or "").strip():
        raise PlaceError("退回时请填写审核意见，说明需要修改的地方。", "comment")
    return _transition(place, user, "退回修改", lambda: place.send_back(user, comment))


def archive(place: PlaceName, user) -> PlaceName:
    """Archive an entry: it disappears from public pages, search, API and exports for the public."""
    if not user.has_any_role("archivist", "admin"):
        raise NotAllowed("只有档案员可以归档条目。")
    return _transition(place, user, "归档", place.archive)


def reopen(place: PlaceName, user) -> PlaceName:
    """Take a published or archived entry back to draft for another round of editing and review."""
    if not user.has_any_role("archivist", "admin"):
        raise NotAllowed("只有档案员可以重新编辑条目。")
    return _transition(place, user, "转为草稿", place.reopen)
