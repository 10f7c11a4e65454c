"""Job locks: a PostgreSQL session advisory lock, or a lock row on SQLite (stale rows expire).

Either way a second ``flask jobs run NAME`` started while the first is running sees the lock held and
skips, so timers, a manual run and a retry can overlap safely.
"""

import hashlib
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import delete, insert, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.ops.models import JobLock
from app.web.time import utcnow

# A crashed SQLite holder (kill -9) leaves its row behind; after this long another run may take over.
STALE_AFTER = timedelta(hours=2)


def _advisory_key(name: str) -> int:
    """A stable signed 64-bit key for ``pg_try_advisory_lock`` (namespaced to this app)."""
    digest = hashlib.sha256(f"zq-job:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def holder_id() -> str:
    """Who holds a lock: host and process id (shown by ``flask jobs status`` for a stuck lock)."""
    return f"{socket.gethostname()}:{os.getpid()}"


@contextmanager
def _postgres_lock(name: str) -> Iterator[bool]:
    # A connection of its own: the advisory lock lives as long as this session, whatever the job's
    # own transactions do on db.session.
    with db.engine.connect() as conn:
        key = _advisory_key(name)
        got = bool(conn.exec_driver_sql("SELECT pg_try_advisory_lock(%s)", (key,)).scalar())
        conn.commit()
        try:
            yield got
        finally:
            if got:
                conn.exec_driver_sql("SELECT pg_advisory_unlock(%s)", (key,))
                conn.commit()


def _take_row(name: str, holder: str) -> bool:
    now = utcnow()
    with db.engine.begin() as conn:
        try:
            conn.execute(
                insert(JobLock).values(
                    name=name, holder=holder, acquired_at=now, expires_at=now + STALE_AFTER
                )
            )
            return True
        except IntegrityError:
            pass
    with db.engine.begin() as conn:  # the row exists: take it over only when it has gone stale
        taken = conn.execute(
            update(JobLock)
            .where(JobLock.name == name, JobLock.expires_at < now)
            .values(holder=holder, acquired_at=now, expires_at=now + STALE_AFTER)
        ).rowcount
    return taken == 1


@contextmanager
def _row_lock(name: str) -> Iterator[bool]:
    holder = holder_id()
    got = _take_row(name, holder)
    try:
        yield got
    finally:
        if got:
            with db.engine.begin() as conn:
                conn.execute(delete(JobLock).where(JobLock.name == name, JobLock.holder == holder))


@contextmanager
def job_lock(name: str) -> Iterator[bool]:
    """Try to take the lock of job ``name`` without waiting; yields whether it was taken."""
    lock = _postgres_lock if db.engine.dialect.name == "postgresql" else _row_lock
    with lock(name) as got:
        yield got
