"""Canned note snippets (edited by admins, inserted by counselors) and note drafts kept over a sign-in.

``NoteSnippet`` holds ready phrases such as "已告知居民可拨打 110" (no personal data; plain text).
``NoteDraft`` keeps the text of a note whose save failed because the session expired: encrypted like the
notes, keyed by the hash of a random token held in that browser's session, taken once after sign-in
and deleted; drafts older than ``DRAFT_HOURS`` are deleted on every keep.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Integer, String, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.hotline.booking.models import UTCDateTime
from app.hotline.cases.models import CaseError
from app.hotline.privacy import EncryptedText
from app.web.time import utcnow

TITLE_MAX, SNIPPET_MAX = 20, 300
DRAFT_HOURS = 24
DRAFT_MAX = 4000


class NoteSnippet(db.Model):
    __tablename__ = "hotline_note_snippets"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    body: Mapped[str] = mapped_column(String(SNIPPET_MAX))
    position: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NoteDraft(db.Model):
    __tablename__ = "hotline_note_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("hotline_cases.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: Mapped[str | None] = mapped_column(EncryptedText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


# --- snippets -------------------------------------------------------------------------------------


def list_snippets() -> list[NoteSnippet]:
    """All snippets in their order."""
    return list(db.session.scalars(select(NoteSnippet).order_by(NoteSnippet.position, NoteSnippet.id)))


def get_snippet(snippet_id) -> NoteSnippet | None:
    try:
        return db.session.get(NoteSnippet, int(snippet_id))
    except (TypeError, ValueError):
        return None


def _checked(title: str | None, body: str | None) -> tuple[str, str]:
    """Both fields checked at once: a CaseError with every problem in ``errors``."""
    title, body = (title or "").strip(), (body or "").strip()
    problems = {}
    if not title:
        problems["title"] = "请填写按钮上显示的简称。"
    elif len(title) > TITLE_MAX:
        problems["title"] = f"简称最多 {TITLE_MAX} 个字。"
    if not body:
        problems["body"] = "请填写插入的文字。"
    elif len(body) > SNIPPET_MAX:
        problems["body"] = f"插入的文字最多 {SNIPPET_MAX} 个字。"
    if problems:
        error = CaseError(next(iter(problems.values())), next(iter(problems)))
        error.errors = problems
        raise error
    return title, body


def create_snippet(title: str | None, body: str | None) -> NoteSnippet:
    """Add a snippet at the end of the list."""
    title, body = _checked(title, body)
    last = db.session.scalar(select(func.max(NoteSnippet.position))) or 0
    snippet = NoteSnippet(title=title, body=body, position=last + 1, updated_at=utcnow())
    db.session.add(snippet)
    db.session.commit()
    return snippet


def update_snippet(snippet: NoteSnippet, title: str | None, body: str | None) -> NoteSnippet:
    snippet.title, snippet.body = _checked(title, body)
    snippet.updated_at = utcnow()
    db.session.commit()
    return snippet


def delete_snippet(snippet: NoteSnippet) -> None:
    db.session.delete(snippet)
    db.session.commit()


# --- drafts kept over a sign-in ---------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def delete_stale_drafts(now: datetime | None = None) -> int:
    """Delete drafts nobody came back for within ``DRAFT_HOURS`` (the purge runs this daily too)."""
    cutoff = (now or utcnow()) - timedelta(hours=DRAFT_HOURS)
    return db.session.execute(delete(NoteDraft).where(NoteDraft.created_at < cutoff)).rowcount


def keep_draft(case_id: int, user_id: int, body: str) -> str:
    """Store ``body`` (encrypted) for ``case_id`` and its writer; return the token for the browser's session."""
    delete_stale_drafts()
    token = secrets.token_urlsafe(24)
    db.session.add(
        NoteDraft(
            token_hash=_hash(token),
            case_id=case_id,
            user_id=user_id,
            body=body[:DRAFT_MAX],
            created_at=utcnow(),
        )
    )
    db.session.commit()
    return token


def take_draft(token: str | None, case_id: int, user_id: int) -> str | None:
    """The text ``user_id`` kept for this case (deleted as it is taken); None if none, another's, or expired."""
    if not token:
        return None
    draft = db.session.scalar(select(NoteDraft).where(NoteDraft.token_hash == _hash(token)))
    if draft is None or draft.case_id != case_id or draft.user_id != user_id:
        return None
    fresh = draft.created_at >= utcnow() - timedelta(hours=DRAFT_HOURS)
    body = draft.body
    db.session.delete(draft)
    db.session.commit()
    return body if fresh else None


DEMO_SNIPPETS = (
    ("已告知 110", "已告知居民：如正在发生危险，请立即拨打 110；妇女儿童维权可拨 12338。"),
    ("确认方便通话", "接通后先确认是本人、现在方便说话、身边没有让其不安的人。"),
    ("约定回访", "与居民约定下次回访时间，居民同意电话回访。"),
    ("转介说明", "已向居民说明转介的单位、地址和办理所需材料。"),
)


def load_demo() -> None:
    """Demo snippets (key 32-hotline-snippets), only when there are none."""
    if db.session.scalar(select(NoteSnippet.id).limit(1)) is None:
        for title, body in DEMO_SNIPPETS:
            create_snippet(title, body)
