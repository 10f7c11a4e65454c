"""Catching up with index changes made through other hosts (the ``search_outbox`` table).

Every ``schedule()`` writes an outbox row in the same transaction as the change. Before answering, a
process checks (at most every ``SEARCH_OUTBOX_INTERVAL`` seconds, default 1) whether the database has
rows newer than the position stored in its index directory, and re-indexes those (kind, id) pairs
through the providers. A host more than ``MAX_BEHIND`` entries behind rebuilds instead.

Retention (``prune``, the daily ``outbox`` job): an entry is deleted once it is both older than
``SEARCH_OUTBOX_KEEP_DAYS`` (default 7) and more than ``MAX_BEHIND`` entries behind the newest. So every
entry a host still needs for catching up is kept: a host whose position is older than the oldest kept
entry is more than ``MAX_BEHIND`` behind by construction, and rebuilds instead of replaying.
"""

import logging
import time
from datetime import timedelta

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from app.search.engine import apply_updates, outbox_position, state, trigger_rebuild
from app.search.models import delete_entries, entries_after
from app.web.time import utcnow

log = logging.getLogger(__name__)

MAX_BEHIND = 5000
KEEP_DAYS = 7


def catch_up(app: Flask, *, force: bool = False) -> int:
    """Apply outbox entries this host has not applied yet; returns how many (kind, id) were re-indexed."""
    st = state(app)
    now = time.monotonic()
    if not force and now - st.outbox_checked < st.outbox_interval:
        return 0
    st.outbox_checked = now
    last = outbox_position()
    if not last:
        return 0
    applied = st.store.applied_seq()
    if applied is None:  # an index from before the outbox: it was built from the database as it was
        st.store.set_applied_seq(last)
        return 0
    if last <= applied:
        return 0
    if last - applied > MAX_BEHIND:
        log.warning("search: %d outbox entries behind; rebuilding", last - applied)
        trigger_rebuild(app)
        return 0
    try:
        rows = entries_after(applied, MAX_BEHIND)
    except SQLAlchemyError as exc:
        log.warning("search: cannot read the outbox: %s", exc)
        return 0
    items = {(kind, ident) for _seq, kind, ident in rows}
    apply_updates(app, items)  # written now, or journalled for the next lock holder: never lost
    st.store.set_applied_seq(max(seq for seq, _k, _i in rows))
    return len(items)


def lag(app: Flask) -> dict:
    """This host's outbox position against the database's."""
    last = outbox_position()
    applied = state(app).store.applied_seq()
    behind = None if last is None or applied is None else max(0, last - applied)
    return {"outbox_seq": last, "applied_seq": applied, "lag": behind}


def prune(app: Flask, now=None) -> int:
    """Delete outbox entries older than the retention period and more than ``MAX_BEHIND`` behind."""
    last = outbox_position()
    if not last:
        return 0
    days = float(app.config.get("SEARCH_OUTBOX_KEEP_DAYS", KEEP_DAYS))
    before = (now or utcnow()) - timedelta(days=days)
    deleted = delete_entries(through=last - MAX_BEHIND, before=before)
    if deleted:
        log.info(
            "search: pruned %d outbox entries (through seq %d, older than %s)",
            deleted,
            last - MAX_BEHIND,
            before,
        )
    return deleted
