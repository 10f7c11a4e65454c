"""The search outbox: every index change, recorded in the database transaction that made it.

Each web host keeps its own index directory; a host applies the rows it has not applied yet (``seq``
greater than the one stored in its index directory), so a change published through one host is
findable through every other.
"""

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.web.time import utcnow


class SearchOutboxEntry(db.Model):
    """One (kind, id) to re-index; ``seq`` orders them across hosts."""

    __tablename__ = "search_outbox"
    __table_args__ = {"sqlite_autoincrement": True}  # never reuse a seq: hosts compare positions

    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    ident: Mapped[str] = mapped_column(String(120))
    op: Mapped[str] = mapped_column(String(10), default="index")  # re-read through the provider
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


# Read on a connection of their own: only committed entries count, and the caller's session is never
# flushed or rolled back by a search.
def last_seq() -> int | None:
    """The newest committed outbox sequence number (None when the outbox is empty)."""
    with db.engine.connect() as conn:
        return conn.execute(select(func.max(SearchOutboxEntry.seq))).scalar()


def entries_after(seq: int, limit: int) -> list[tuple[int, str, str]]:
    """(seq, kind, ident) of the committed entries after ``seq``, oldest first."""
    query = (
        select(SearchOutboxEntry.seq, SearchOutboxEntry.kind, SearchOutboxEntry.ident)
        .where(SearchOutboxEntry.seq > seq)
        .order_by(SearchOutboxEntry.seq)
        .limit(limit)
    )
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(query)]


def delete_entries(through: int, before: datetime) -> int:
    """Delete the entries with ``seq <= through`` created before ``before``; returns how many (committed)."""
    statement = delete(SearchOutboxEntry).where(
        SearchOutboxEntry.seq <= through, SearchOutboxEntry.created_at < before
    )
    with db.engine.begin() as conn:
        return conn.execute(statement).rowcount
