"""Pending changes to published entries: the live version stays public while a draft is reviewed.

Editing a published entry (or restoring one of its older revisions) saves a ``PlaceDraft``: a snapshot
of the entry as it would be, validated like a direct save but written nowhere else. Archivists keep
editing it, submit it, and an admin or an archivist who neither wrote nor submitted it approves it
(the changes are copied onto the entry, a revision is recorded and the entry is re-indexed) or
returns it with a comment. Public pages, search, the sitemap, GeoJSON and the API read only the entry's
own columns, so they see the live version until approval. Photos are outside the snapshot and are
not part of a draft. Every writing function owns its transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.places.editing import apply_data, preview_snapshot, record_revision, recorded_user
from app.places.errors import DuplicateCode, NotAllowed, PlaceError
from app.places.models import PlaceDraft, PlaceName
from app.places.reference import ReferenceMatcher
from app.places.search_docs import schedule_code
from app.web.time import utcnow

CONTENT_EXCLUDED = ("status",)


def content_of(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A snapshot without its workflow fields: what a reader of the entry sees."""
    return {k: v for k, v in snapshot.items() if k not in CONTENT_EXCLUDED}


def _code_taken(code: str, place_id: int) -> bool:
    query = select(PlaceName.id).where(PlaceName.code == code, PlaceName.id != place_id)
    return db.session.scalar(query.limit(1)) is not None


def _commit() -> None:
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def save_draft(place: PlaceName, data: dict[str, Any], user, note: str = "保存修改") -> PlaceDraft | None:
    """Validate ``data`` and keep it as the pending changes of published ``place`` (live columns untouched).

    Returns the draft, or None when the data equals the live version (an open draft is then dropped).
    """
    if place.draft is not None and place.draft.state == "in_review":
        raise NotAllowed("这些修改正在审核中，审核通过或退回之前不能再改。")
    try:
        draft = stage(place, data, user, note, ReferenceMatcher())
        db.session.commit()
    except IntegrityError as exc:  # another archivist saved the first changes of this entry a moment ago
        db.session.rollback()
        raise PlaceError("另一位档案员刚刚保存了这个条目的修改，请返回条目页查看后再改。") from exc
    except Exception:
        db.session.rollback()
        raise
    return draft


def stage(place: PlaceName, data: dict[str, Any], user, note: str, matcher) -> PlaceDraft | None:
    """Write ``data`` as the pending changes of ``place`` without committing (the import calls this in its
    own transaction); changes in review go back to editing, to be submitted again."""
    snap = preview_snapshot(place, data, matcher)
    if _code_taken(snap["code"], place.id):
        raise DuplicateCode(f"编号 {snap['code']} 已被其他条目使用。", "code")
    draft = place.draft
    if content_of(snap) == content_of(place.snapshot()):
        if draft is not None:
            db.session.delete(draft)
            place.draft = None
        return None
    who = recorded_user(user)
    if draft is None:
        draft = PlaceDraft(place=place, editor_ids=[])
        db.session.add(draft)
    draft.snapshot = snap
    draft.state = "editing"
    draft.author = who
    if who is not None and who.id not in (draft.editor_ids or []):
        draft.editor_ids = [*(draft.editor_ids or []), who.id]
    draft.note = note[:200]
    draft.updated_at = utcnow()
    return draft


def _draft_or_error(place: PlaceName) -> PlaceDraft:
    if place.draft is None:
        raise PlaceError("这个条目没有未发布的修改。")
    return place.draft


def submit_draft(place: PlaceName, user) -> PlaceDraft:
    """Send the pending changes to the review queue."""
    draft = _draft_or_error(place)
    draft.submit(recorded_user(user))
    _commit()
    return draft


def check_draft_reviewer(place: PlaceName, user) -> PlaceDraft:
    """The draft in review, when ``user`` may review it; else a Chinese refusal."""
    draft = _draft_or_error(place)
    if draft.state != "in_review":
        raise PlaceError("这些修改还没有提交审核。")
    if not draft.can_review(user):
        if draft.touched_by(user):
            raise NotAllowed("不能审核自己修改或提交的内容：请由另一位档案员或管理员审核。")
        raise NotAllowed("您没有审核这个条目的权限。")
    return draft


def _apply(place: PlaceName, draft: PlaceDraft) -> str:
    """Copy the draft onto the entry; returns the entry's code before the change."""
    old_code = place.code
    if _code_taken(str(draft.snapshot.get("code") or "").upper(), place.id):
        raise DuplicateCode(f"编号 {draft.snapshot.get('code')} 已被其他条目使用，请先修改编号。", "code")
    apply_data(place, dict(draft.snapshot), ReferenceMatcher())
    return old_code


def approve_draft(place: PlaceName, user, comment: str = "") -> PlaceName:
    """Publish the pending changes: the entry takes the draft's content, a revision records it."""
    draft = check_draft_reviewer(place, user)
    try:
        old_code = _apply(place, draft)
        place.reviewer = user
        place.reviewed_at = utcnow()
        place.review_comment = (comment or "").strip()
        reviewer_name = getattr(user, "display_name", "") or ""
        record_revision(
            place, draft.author or recorded_user(user), f"审核通过并发布修改（审核：{reviewer_name}）"
        )
        schedule_code(place.code)
        if old_code != place.code:
            schedule_code(old_code)
        db.session.delete(draft)
        place.draft = None
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise DuplicateCode("编号已被其他条目使用，请先修改编号。", "code") from exc
    except Exception:
        db.session.rollback()
        raise
    return place


def return_draft(place: PlaceName, user, comment: str) -> PlaceDraft:
    """Send the pending changes back to editing with the reviewer's comment."""
    draft = check_draft_reviewer(place, user)
    if not (comment or "").strip():
        raise PlaceError("退回时请填写审核意见，说明需要修改的地方。", "comment")
    draft.send_back(user, comment)
    _commit()
    return draft


def discard_draft(place: PlaceName, user) -> None:
    """Drop the pending changes (not while they are in review); the live version is unchanged."""
    if not user.has_any_role("archivist", "admin"):
        raise NotAllowed("只有档案员可以放弃修改。")
    draft = _draft_or_error(place)
    if draft.state == "in_review":
        raise NotAllowed("这些修改正在审核中，请等审核人退回后再放弃。")
    db.session.delete(draft)
    place.draft = None
    _commit()


def fold_draft(place: PlaceName) -> None:
    """Before a published entry leaves the public (archive, back to draft), its pending changes become
    its content (it will be reviewed as a whole before it is public again). Does not commit."""
    draft = place.draft
    if draft is None:
        return
    _apply(place, draft)
    db.session.delete(draft)
    place.draft = None
