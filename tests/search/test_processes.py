"""Several worker processes on one index directory: segments written by each, and a rebuild race after damage.

Children fork from the forkserver (``tests.processes.process_context``): no SQLite state of this process
reaches them. Each test takes a few seconds.
"""

from collections import Counter

import pytest

from app.config import TestConfig
from app.extensions import db
from app.search import register_provider
from app.search.engine import check, degraded_counters, rebuild, state
from tests.processes import process_context
from tests.search import process_workers as pw

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
WORKERS = 3


def _child_config(app) -> dict:
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    for key in (
        "SQLALCHEMY_DATABASE_URI",
        "SEARCH_INDEX_DIR",
        "UPLOAD_DIR",
        "SECRET_KEY",
        "HOTLINE_DATA_KEY",
    ):
        config[key] = app.config.get(key)
    config["SEARCH_LOCK_TIMEOUT"] = 10.0
    return config


def _use_catalogue(app, phase: int) -> None:
    st = state(app)
    st.providers.clear()
    register_provider(app, "place", pw.provider(WORKERS, dict.fromkeys(range(WORKERS), phase)))


def _expected(phase: int) -> tuple:
    docs = pw.provider(WORKERS, dict.fromkeys(range(WORKERS), phase))(None)
    facets = {
        "town": sorted(Counter(d.town for d in docs).items(), key=lambda kv: (-kv[1], kv[0])),
        "category": sorted(Counter(d.category for d in docs).items(), key=lambda kv: (-kv[1], kv[0])),
    }
    return docs, facets


def _start(ctx, target, args_per_child):
    db.session.remove()
    db.engine.dispose()  # no pooled connection may be inherited by the children
    procs = [ctx.Process(target=target, args=args) for args in args_per_child]
    for p in procs:
        p.start()
    return procs


def test_segments_written_by_several_processes_give_right_results_and_facets(app):
    """3 processes write, withdraw, move and re-publish documents around an optimize: every searcher agrees.

    The final index holds an optimized segment with deletions and several unmerged segments from
    different processes; each process and this one get the same ids, totals and facet counts, computed
    from the catalogue, and no answer comes from the database fallback.
    """
    _use_catalogue(app, 3)  # what the index must hold at the end (it starts empty)
    ctx = process_context()
    barrier, results = ctx.Barrier(WORKERS), ctx.Queue()
    config = _child_config(app)
    procs = _start(ctx, pw.segment_writer, [(config, w, WORKERS, barrier, results) for w in range(WORKERS)])
    outcomes = dict(results.get(timeout=120) for _ in range(WORKERS))
    for p in procs:
        p.join(timeout=30)
    docs, facets = _expected(3)
    want = (sorted(d.id for d in docs), len(docs), facets, False)
    for worker, (status, *rest) in sorted(outcomes.items()):
        assert status == "ok", rest
        found, errors = rest
        assert not errors, errors
        ids, total, got_facets, degraded = found
        assert (sorted(ids), total, got_facets, degraded) == want, worker
    reader = state(app).store.searcher().reader()
    assert len(list(reader.leaf_readers())) >= 3 and reader.has_deletions()
    ids, total, got_facets, degraded = pw.answer(pw.QUERY)
    assert (sorted(ids), total, got_facets, degraded) == want
    assert check(app)["ok"]


def _damage(app) -> str:
    """Overwrite the live generation's table of contents, as a full disk or a bad copy would leave it."""
    live = state(app).store.live_dir()
    for toc in live.glob("*.toc"):
        toc.write_bytes(b"broken")
    state(app).store.forget_searcher()
    return live.name


def test_two_processes_finding_the_index_damaged_rebuild_it_once(app):
    """Both workers find the index damaged at once: one rebuilds under the write lock, the other answers
    from the database (degraded, counted) until the new generation is live, and no rebuild races another.

    The rebuilder holds the lock until the other process has answered, so the two really overlap.
    Afterwards two gen-* directories remain (the new one and the damaged previous one), and a late
    rebuild request for the damaged generation is skipped because it has been replaced.
    """
    _use_catalogue(app, 1)
    rebuild(app)
    rebuild(app)
    broken = _damage(app)
    before = degraded_counters(app)["fallback_count"]
    ctx = process_context()
    ready, go, answered, results = ctx.Queue(), ctx.Event(), ctx.Event(), ctx.Queue()
    config = _child_config(app)
    procs = _start(ctx, pw.damaged_searcher, [(config, WORKERS, pw.QUERY, ready, go, answered, results)] * 2)
    for _ in procs:
        ready.get(timeout=60)
    go.set()
    outcomes = [results.get(timeout=120)[1] for _ in procs]
    for p in procs:
        p.join(timeout=30)
    for status, *rest in outcomes:
        assert status == "ok", rest
    docs, facets = _expected(1)
    want = (sorted(d.id for d in docs), len(docs), facets)
    rebuilders = [o for o in outcomes if o[1]]
    others = [o for o in outcomes if not o[1]]
    assert len(rebuilders) == 1 and len(others) == 1, outcomes
    for _status, _rebuilt, flags, last, errors in outcomes:
        assert not errors, errors
        assert flags[0] is True  # the first answer came from the database fallback ...
        assert flags[-1] is False  # ... and the last from the new generation
        ids, total, got_facets, _degraded = last
        assert (sorted(ids), total, got_facets) == want
    assert degraded_counters(app)["fallback_count"] - before == sum(o[2].count(True) for o in outcomes)
    assert degraded_counters(app)["degraded_since"] is None
    store = state(app).store
    gens = sorted(p.name for p in store.base.glob("gen-*"))
    assert store.generation() != broken and gens == sorted([broken, store.generation()])
    assert rebuild(app, blocking=False, broken=broken) is None  # asked too late: already replaced
    ids, total, got_facets, degraded = pw.answer(pw.QUERY)
    assert not degraded and (sorted(ids), total, got_facets) == want
