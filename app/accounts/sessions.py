"""Staff session records: each signed-in browser is a row; the cookie holds only a random token.

The record binds the session to the browser that signed in (a hash of its User-Agent), ends after
8 hours idle or 12 hours in all (``STAFF_SESSION_ABSOLUTE_HOURS``), and can be ended from the account
page ("sign out everywhere") or by an admin. The user's ``session_token`` still rotates on sign-out.
"""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, request, session
from sqlalchemy import select, update

from app.accounts.models import StaffSession, User
from app.extensions import client_address, db
from app.web.time import as_utc, utcnow

SESSION_KEY = "staff_sid"
TOUCH_EVERY = timedelta(minutes=1)


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()


def create_record(user: User, agent: str | None, address: str = "") -> str:
    """Store a new session record for ``user`` and return its token (the cookie's half).

    ``agent=None`` (test fixtures only) binds the record to the first browser that presents it.
    """
    token = secrets.token_urlsafe(32)
    db.session.add(
        StaffSession(
            user_id=user.id,
            token_hash=_hash(token),
            agent_hash=_hash(agent) if agent is not None else "",
            agent=(agent or "")[:200],
            address=address[:64],
        )
    )
    db.session.commit()
    return token


def start(user: User) -> None:
    """Open a session record for the browser making this request and remember its token in the cookie."""
    session[SESSION_KEY] = create_record(user, request.headers.get("User-Agent", ""), client_address())


def _limits() -> tuple[timedelta, timedelta]:
    config = current_app.config
    return config["PERMANENT_SESSION_LIFETIME"], timedelta(hours=config["STAFF_SESSION_ABSOLUTE_HOURS"])


def current_record(user: User) -> StaffSession | None:
    """This request's live session record for ``user`` (None: expired, ended, or another browser)."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        return None
    record = db.session.scalar(select(StaffSession).where(StaffSession.token_hash == _hash(token)))
    if record is None or record.user_id != user.id or record.ended_at is not None:
        return None
    agent_hash = _hash(request.headers.get("User-Agent", ""))
    if not record.agent_hash:
        record.agent_hash = agent_hash
        record.agent = request.headers.get("User-Agent", "")[:200]
    elif not secrets.compare_digest(record.agent_hash, agent_hash):
        return None
    idle, absolute = _limits()
    now = utcnow()
    if now - as_utc(record.created_at) > absolute or now - as_utc(record.last_seen_at) > idle:
        record.ended_at = now
        db.session.commit()
        return None
    if now - as_utc(record.last_seen_at) > TOUCH_EVERY or not record.agent:
        record.last_seen_at = now
        db.session.commit()
    return record


def end_current() -> None:
    """End this browser's session record (sign-out)."""
    token = session.get(SESSION_KEY)
    if isinstance(token, str) and token:
        db.session.execute(
            update(StaffSession)
            .where(StaffSession.token_hash == _hash(token), StaffSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )
        db.session.commit()


def end_all(user: User) -> int:
    """End every session record of ``user`` (sign out everywhere); returns how many were live."""
    result = db.session.execute(
        update(StaffSession)
        .where(StaffSession.user_id == user.id, StaffSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
    user.rotate_session()
    db.session.commit()
    return result.rowcount or 0


def active_for(user: User) -> list[StaffSession]:
    """The user's live session records, most recently used first."""
    idle, absolute = _limits()
    now = utcnow()
    rows = db.session.scalars(
        select(StaffSession)
        .where(StaffSession.user_id == user.id, StaffSession.ended_at.is_(None))
        .order_by(StaffSession.last_seen_at.desc())
    ).all()
    return [
        r for r in rows if now - as_utc(r.created_at) <= absolute and now - as_utc(r.last_seen_at) <= idle
    ]
