"""Child processes for the several-process segment and rebuild-race tests (module level: forkserver imports them).

Every child is a web worker in miniature: its own app on the shared test database and index directory,
and a provider answering from a catalogue that is a pure function of the document id and the phase
(so the parent knows what the index must hold at the end without sharing any state).
"""

import datetime
import logging
import os
import time
import traceback

from app import create_app
from app.extensions import db
from app.search import SearchDocument, engine, register_provider, search
from app.search.index import doc_fields

TOWNS = ("明水街道", "埠村街道", "刁镇")
CATEGORIES = ("烈士陵园", "战斗遗址", "红色村庄")
PER_WORKER = 8
FACETS = ("town", "category")
QUERY = "分段"  # two characters: no jieba dictionary to load in every child


def place(worker: int, n: int, phase: int) -> SearchDocument | None:
    """Document ``n`` of ``worker`` as published after ``phase`` (None: withdrawn).

    Phase 1 publishes every document; phase 2 withdraws every fourth and moves every third to the
    next town (facet counts change inside existing segments); phase 3 publishes the withdrawn ones again.
    """
    if phase == 2 and n % 4 == 0:
        return None
    town = TOWNS[(worker + n + (1 if phase >= 2 and n % 3 == 0 else 0)) % len(TOWNS)]
    return SearchDocument(
        kind="place",
        id=f"S{worker}-{n:02d}",
        title=f"分段测试点{worker}号{n:02d}",
        url=f"/places/S{worker}-{n:02d}",
        body="分段测试正文。",
        town=town,
        category=CATEGORIES[n % len(CATEGORIES)],
        date=datetime.date(2020 + worker, 1, 1 + n),
    )


def provider(workers: int, phases: dict):
    """A provider whose documents of worker ``w`` are those after ``phases[w]``."""

    def load(ids):
        if ids is None:
            ids = [f"S{w}-{n:02d}" for w in range(workers) for n in range(PER_WORKER)]
        docs = []
        for ident in ids:
            w, n = (int(x) for x in ident[1:].split("-"))
            doc = place(w, n, phases[w])
            if doc is not None:
                docs.append(doc)
        return docs

    return load


def answer(query: str) -> tuple:
    """What a page shows: ids in name order, total, facet counts, and whether the index answered."""
    result = search(query, sort="name", per_page=100, facets=FACETS)
    return [h.id for h in result.hits], result.total, result.facets, result.degraded


class _Errors(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        message = record.getMessage()
        race = "rebuild failed" in message or "FileExistsError" in message or "FileNotFoundError" in message
        if record.levelno >= logging.ERROR or race:
            self.records.append(message)


def _child_app(config: dict, workers: int, phases: dict):
    errors = _Errors()
    logging.getLogger("app.search").addHandler(errors)
    app = create_app(config)
    engine.state(app).providers.clear()
    register_provider(app, "place", provider(workers, phases))
    return app, errors


def _unmerged(app, docs, delete=()) -> None:
    """One more segment that whoosh must not merge away, written under the write lock."""
    store = engine.state(app).store
    with store.lock(None):
        writer = store.open().writer()
        for uid in delete:
            writer.delete_by_term("uid", uid)
        for doc in docs:
            writer.add_document(**doc_fields(doc))
        writer.commit(merge=False)


def segment_writer(config: dict, worker: int, workers: int, barrier, results) -> None:
    """Write this worker's documents in three phases, with an optimize by worker 0 between phases 2 and 3.

    Phase 1 (all workers at once): three ``apply_updates`` calls, as after-commit writes make them
    (whoosh merges small segments on these commits). Phase 2: withdrawals and town changes through
    ``apply_updates``. Phase 3, after the optimize: the withdrawn documents come back in unmerged
    segments, so the final index has an optimized segment with deletions plus several small ones.
    """
    phases = dict.fromkeys(range(workers), 1)
    app, errors = _child_app(config, workers, phases)
    outcome = None
    try:
        with app.app_context():
            ids = [f"S{worker}-{n:02d}" for n in range(PER_WORKER)]
            barrier.wait(timeout=60)
            for chunk in (ids[:3], ids[3:6], ids[6:]):
                engine.apply_updates(app, {("place", ident) for ident in chunk})
            barrier.wait(timeout=60)
            phases.update(dict.fromkeys(range(workers), 2))
            engine.apply_updates(app, {("place", i) for i in ids})
            barrier.wait(timeout=60)
            if worker == 0:
                store = engine.state(app).store
                with store.lock(None):
                    store.open().optimize()
            barrier.wait(timeout=60)
            phases.update(dict.fromkeys(range(workers), 3))
            for n in range(0, PER_WORKER, 4):  # back again, each beside a rewrite of an optimized document
                docs = [place(worker, n, 3), place(worker, n + 1, 3)]
                _unmerged(app, docs, delete=[d.uid for d in docs])
            barrier.wait(timeout=60)
            outcome = ("ok", answer(QUERY), errors.records)
    except Exception:
        outcome = ("error", traceback.format_exc(), errors.records)
    finally:
        with app.app_context():
            db.engine.dispose()
    results.put((worker, outcome))


def damaged_searcher(config: dict, workers: int, query: str, ready, go, answered, results) -> None:
    """Search a damaged index at the same moment as another worker; report who rebuilt and every answer.

    The process that gets the write lock rebuilds and holds the lock (inside ``all_documents``) until
    the other has answered from the database; the other then searches again until the new generation
    answers. Reported: (pid, rebuilt here?, [degraded flag per answer], last answer).
    """
    phases = dict.fromkeys(range(workers), 1)
    app, errors = _child_app(config, workers, phases)
    rebuilt = []
    real = engine.all_documents

    def building(st):
        rebuilt.append(os.getpid())
        answered.wait(timeout=30)
        return real(st)

    engine.all_documents = building
    outcome = None
    try:
        with app.app_context():
            ready.put(os.getpid())
            go.wait(timeout=60)
            flags, last = [], answer(query)
            flags.append(last[3])
            if not rebuilt:
                answered.set()
            deadline = time.monotonic() + 30
            while last[3] and time.monotonic() < deadline:
                time.sleep(0.02)
                last = answer(query)
                flags.append(last[3])
            outcome = ("ok", bool(rebuilt), flags, last, errors.records)
    except Exception:
        answered.set()
        outcome = ("error", traceback.format_exc(), errors.records)
    finally:
        with app.app_context():
            db.engine.dispose()
    results.put((os.getpid(), outcome))
