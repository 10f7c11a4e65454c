"""Index maintenance: providers, scheduling after commit, writes, journal replay, rebuild, drift check."""

import datetime
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from flask import Flask, current_app
from sqlalchemy import event, inspect
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.extensions import db
from app.search.documents import SearchDocument
from app.search.index import IndexStore, IndexUnavailable, doc_fields, get_store, stored_data
from app.search.models import SearchOutboxEntry, last_seq

log = logging.getLogger(__name__)

PENDING_KEY = "zq_search_pending"
ENTRIES_KEY = "zq_search_outbox_entries"
APP_KEY = "zq_search_app"

Loader = Callable[[list[str] | None], Iterable[SearchDocument]]


@dataclass
class SearchState:
    store: IndexStore
    providers: dict[str, Loader] = field(default_factory=dict)
    lock_timeout: float = 2.0
    rebuild_async: bool = True
    threads: list[threading.Thread] = field(default_factory=list)
    outbox_checked: float = -1e9  # monotonic time of this process's last outbox check
    outbox_interval: float = 1.0
    fallback_count: int = 0  # answers this process gave from the database (index unavailable)
    degraded_since: datetime.datetime | None = None  # first fallback since the index last answered
    last_problem: str = ""


def state(app: Flask | None = None) -> SearchState:
    """The search state of ``app`` (default: the current app)."""
    app = app or current_app._get_current_object()
    st = app.extensions.get("zq_search")
    if st is None:
        st = app.extensions["zq_search"] = SearchState(store=get_store(app.config["SEARCH_INDEX_DIR"]))
        st.lock_timeout = float(app.config.get("SEARCH_LOCK_TIMEOUT", 2.0))
        st.rebuild_async = bool(app.config.get("SEARCH_REBUILD_ASYNC", not app.testing))
        st.outbox_interval = float(app.config.get("SEARCH_OUTBOX_INTERVAL", 1.0))
    return st


def note_answer(app: Flask, *, degraded: bool, problem: str = "") -> None:
    """Count database-fallback answers; the first index answer afterwards ends the degraded period.

    Kept in the index directory (``degraded-since``, ``fallback-count``), so every worker process and
    ``flask search check`` see the same figures.
    """
    st = state(app)
    base = st.store.base
    since = base / "degraded-since"
    if degraded:
        st.last_problem = problem
        try:
            base.mkdir(parents=True, exist_ok=True)
            with st.store.journal_lock():
                count = base / "fallback-count"
                n = int(count.read_text() or 0) if count.exists() else 0
                count.write_text(str(n + 1))
                if not since.exists():
                    since.write_text(datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"))
        except (OSError, ValueError) as exc:
            log.warning("search: cannot record a degraded answer: %r", exc)
        st.fallback_count += 1
        st.degraded_since = st.degraded_since or datetime.datetime.now(datetime.UTC)
    elif st.degraded_since is not None or since.exists():
        st.degraded_since = None
        since.unlink(missing_ok=True)


def degraded_counters(app: Flask | None = None) -> dict:
    """``degraded_since`` (ISO time or None) and ``fallback_count`` shared by every process."""
    base = state(app).store.base
    try:
        since = (base / "degraded-since").read_text().strip() or None
    except OSError:
        since = None
    try:
        count = int((base / "fallback-count").read_text() or 0)
    except (OSError, ValueError):
        count = 0
    return {"degraded_since": since, "fallback_count": count}


def register_provider(app: Flask, kind: str, load: Loader) -> None:
    """Register ``load(ids | None)`` returning the PUBLIC documents of ``kind`` (None = all of them)."""
    state(app).providers[kind] = load


def schedule(kind: str, ident) -> None:
    """(Re)index ``kind``/``ident`` after the current database transaction commits; dropped on rollback."""
    session = db.session()
    pending = session.info.setdefault(PENDING_KEY, set())
    item = (str(kind), str(ident))
    if item not in pending:
        # The outbox row commits (or rolls back) with the change itself: other hosts replay it.
        entry = SearchOutboxEntry(kind=item[0], ident=item[1][:120], op="index")
        session.add(entry)
        session.info.setdefault(ENTRIES_KEY, []).append(entry)
    pending.add(item)
    session.info[APP_KEY] = current_app._get_current_object()


def _after_commit(session) -> None:
    items = session.info.pop(PENDING_KEY, None)
    entries = session.info.pop(ENTRIES_KEY, ())
    app = session.info.pop(APP_KEY, None)
    if items and app is not None:
        # The identity key holds the committed seq without a query (none may be emitted here).
        seqs = [key[0] for key in (inspect(entry).identity for entry in entries) if key]
        try:
            apply_updates(app, items, own_seqs=seqs)
        except Exception:  # a search problem must never undo or fail a committed change
            log.exception("search: indexing after commit failed for %s", sorted(items))


def _after_rollback(session) -> None:
    session.info.pop(PENDING_KEY, None)
    session.info.pop(ENTRIES_KEY, None)
    session.info.pop(APP_KEY, None)


_HOOKS_INSTALLED = False


def install_session_hooks() -> None:
    """Listen to every SQLAlchemy session once per process."""
    global _HOOKS_INSTALLED
    if not _HOOKS_INSTALLED:
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
        _HOOKS_INSTALLED = True


def load_documents(st: SearchState, items: Iterable[tuple[str, str]]) -> list[SearchDocument]:
    """Load the public documents among ``items`` through the providers."""
    by_kind: dict[str, set[str]] = defaultdict(set)
    for kind, ident in items:
        by_kind[kind].add(ident)
    docs = []
    for kind, ids in by_kind.items():
        provider = st.providers.get(kind)
        if provider is None:
            log.warning("search: no provider for kind %r; removing %d id(s) from the index", kind, len(ids))
            continue
        for doc in provider(sorted(ids)) or ():
            if doc.kind == kind and str(doc.id) in ids:
                docs.append(doc)
    return docs


def all_documents(st: SearchState) -> list[SearchDocument]:
    docs = []
    for _kind, provider in sorted(st.providers.items()):
        docs.extend(provider(None) or ())
    return docs


# Segments are written as separate files, not whoosh's default compound file. A reader of a compound
# segment maps it and then copies each part it opens (terms, postings, stored fields) into a private BytesIO:
# ~50 MB at 10k entries for every searcher, and each gunicorn thread keeps its own, renewed with every index
# change. Separate files are mapped (``index.MappedStorage``): the OS page cache, shared by every thread and
# worker. One worker's private memory after 2,000 distinct searches: 516 MB before, 270 MB now, with the
# same searches per second (bench/README.md, "Sixth round").
SEGMENT_OPTIONS = {"compound": False}


def _write(st: SearchState, items: set[tuple[str, str]]) -> int:
    """Replace ``items`` in the live index (caller holds the write lock). Returns documents written."""
    ix = st.store.open()
    docs = load_documents(st, items)
    writer = ix.writer(timeout=10.0, delay=0.05, **SEGMENT_OPTIONS)
    _fill_and_commit(writer, docs, delete_uids=(f"{kind}:{ident}" for kind, ident in items))
    return len(docs)


def _fill_and_commit(writer, docs: Iterable[SearchDocument], delete_uids: Iterable[str] = ()) -> None:
    """Delete ``delete_uids``, add ``docs`` and commit; cancel the writer if anything fails."""
    try:
        for uid in delete_uids:
            writer.delete_by_term("uid", uid)
        for doc in docs:
            writer.add_document(**doc_fields(doc))
    except BaseException:
        writer.cancel()
        raise
    writer.commit()


def apply_updates(app: Flask, items: Iterable[tuple[str, str]], own_seqs: Iterable[int] = ()) -> None:
    """Write ``items`` now if the lock comes within the timeout, else journal them for the next holder.

    Runs in a fresh application context so providers get a fresh database session (the committing
    session cannot emit SQL inside ``after_commit``). ``own_seqs``: the outbox entries of the commit
    that scheduled ``items``; once written, the host's position moves past them if they directly follow
    it, so the outbox catch-up does not index this process's own changes a second time.
    """
    st = state(app)
    items = set(items)
    needs_rebuild = False
    with app.app_context(), st.store.lock(st.lock_timeout) as acquired:
        if not acquired:
            st.store.journal_append(items)
            log.info("search: index busy, journalled %d update(s)", len(items))
            return
        broken = st.store.generation()
        items |= st.store.journal_take()
        try:
            _write(st, items)
            _advance_past(st, own_seqs)
        except IndexUnavailable as exc:
            st.store.journal_append(items)
            log.warning("search: %s; journalled %d update(s), rebuilding", exc, len(items))
            needs_rebuild = True
        except Exception:
            st.store.journal_append(items)
            log.exception("search: index write failed; journalled %d update(s), rebuilding", len(items))
            needs_rebuild = True
    if needs_rebuild:
        trigger_rebuild(app, broken=broken)


def _advance_past(st: SearchState, seqs: Iterable[int]) -> None:
    """Move the applied position past ``seqs`` (just written) when they are exactly the next entries."""
    seqs = sorted(seqs)
    applied = st.store.applied_seq()
    if seqs and applied is not None and seqs == list(range(applied + 1, applied + 1 + len(seqs))):
        st.store.set_applied_seq(seqs[-1])


def drain_journal(app: Flask) -> bool:
    """Replay journalled updates if nobody holds the lock right now (never waits)."""
    st = state(app)
    if not st.store.journal_pending():
        return False
    with st.store.lock(0) as acquired:
        if not acquired:
            return False
        items = st.store.journal_take()
        try:
            _write(st, items)
        except Exception:
            st.store.journal_append(items)
            log.exception("search: journal replay failed")
            return False
    return True


ANY = object()  # rebuild whatever generation is live


def rebuild(app: Flask, *, blocking: bool = True, procs: int = 1, broken=ANY) -> dict | None:
    """Build a complete index in a new directory, swap it in, then replay the journal.

    Holds the write lock throughout, so concurrent writers journal their updates instead of writing
    into the generation that is about to be replaced; the replay after the swap applies them.
    ``broken``: the generation a caller found damaged (None: no index). Once the lock is held, a
    different live generation means another process has already replaced it: nothing to do.
    Returns statistics, or None when another process is rebuilding (``blocking=False``) or has rebuilt.
    """
    st = state(app)
    started = time.monotonic()
    with st.store.lock(None if blocking else 0) as acquired:
        if not acquired:
            return None
        if broken is not ANY and st.store.generation() != broken:
            log.info("search: index already rebuilt by another process (%s)", st.store.generation())
            return None
        seq = outbox_position()  # read before the documents: later changes are replayed, never lost
        docs = all_documents(st)
        path, ix = st.store.new_generation()
        writer = ix.writer(procs=procs, limitmb=128, **SEGMENT_OPTIONS)
        _fill_and_commit(writer, docs)
        st.store.swap(path)
        st.store.set_applied_seq(seq)
        replayed = st.store.journal_take()
        if replayed:
            _write(st, replayed)
    st.store.forget_searcher()
    seconds = time.monotonic() - started
    log.info("search: rebuilt index with %d documents in %.1f s", len(docs), seconds)
    return {"documents": len(docs), "seconds": seconds, "generation": path.name, "replayed": len(replayed)}


_OUTBOX_WARNED: list[bool] = []


def outbox_position() -> int | None:
    """The newest outbox entry, or None when there is none or the table is unavailable."""
    try:
        return last_seq() or 0
    except SQLAlchemyError as exc:
        if not _OUTBOX_WARNED:  # e.g. a database migrated before 0007 was filled: say it once
            _OUTBOX_WARNED.append(True)
            log.warning("search: outbox unavailable (run flask db upgrade?): %s", exc)
        return None


_REBUILDING = threading.Lock()
_LAST_FAILED = {"at": 0.0}
RETRY_AFTER_FAILURE = 30.0


def trigger_rebuild(app: Flask, broken=ANY) -> None:
    """Rebuild a missing or broken index: in a background thread (production) or now (tests).

    Never waits for the write lock: when another process holds it (rebuilding), this one goes on
    answering from the database until the new generation is live. ``broken``: see :func:`rebuild`.
    """
    st = state(app)
    if time.monotonic() - _LAST_FAILED["at"] < RETRY_AFTER_FAILURE and st.rebuild_async:
        return  # the last attempt failed moments ago (e.g. database not migrated yet)
    if not st.rebuild_async:
        try:
            with app.app_context():
                rebuild(app, blocking=False, broken=broken)
        except Exception as exc:
            log.warning("search: rebuild failed: %r", exc)
        return
    if not _REBUILDING.acquire(blocking=False):
        return  # one background rebuild per process is enough

    def run():
        try:
            with app.app_context():
                rebuild(app, blocking=False, broken=broken)
        except Exception as exc:
            _LAST_FAILED["at"] = time.monotonic()
            log.warning("search: background rebuild failed: %r", exc)
        finally:
            _REBUILDING.release()

    thread = threading.Thread(target=run, name="search-rebuild", daemon=True)
    st.threads.append(thread)
    thread.start()


def reset_index(app: Flask) -> None:
    """Replace the index with an empty one and forget journalled updates (tests, demo resets)."""
    st = state(app)
    with st.store.lock(None):
        path, _ix = st.store.new_generation()
        st.store.swap(path)
        st.store.set_applied_seq(outbox_position())
        st.store.journal_take()
    st.store.forget_searcher()


def check(app: Flask) -> dict:
    """Compare the database (through the providers) with the index: missing, extra and stale ids."""
    st = state(app)
    db_docs = {doc.uid: stored_data(doc) for doc in all_documents(st)}
    searcher = st.store.searcher()
    indexed = {fields["uid"]: fields.get("data") for fields in searcher.all_stored_fields()}
    missing = sorted(set(db_docs) - set(indexed))
    extra = sorted(set(indexed) - set(db_docs))
    stale = sorted(uid for uid in set(db_docs) & set(indexed) if db_docs[uid] != indexed[uid])
    return {
        "database": len(db_docs),
        "index": len(indexed),
        "missing": missing,
        "extra": extra,
        "stale": stale,
        "ok": not (missing or extra or stale),
    }


def health(app: Flask | None = None) -> dict:
    """Search-index status for /healthz."""
    st = state(app)
    counters = degraded_counters(app)
    try:
        searcher = st.store.searcher()
        return {
            "status": "degraded" if counters["degraded_since"] else "ok",
            "documents": searcher.doc_count(),
            "generation": st.store.generation(),
            "pending": st.store.journal_pending(),
            **counters,
        }
    except IndexUnavailable as exc:
        return {"status": "degraded", "detail": str(exc), **counters}
