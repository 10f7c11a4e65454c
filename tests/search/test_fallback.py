"""A missing or corrupt index: search answers from the database (degraded) and the index is rebuilt."""

import gc
import shutil
from pathlib import Path

import pytest

from app.search import search
from app.search.engine import health, state

# These tests break index files on purpose; whoosh objects of the broken index may raise in __del__
# when collected. Collect them here, inside the test that caused them, and ignore exactly that.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


@pytest.fixture(autouse=True)
def _collect_broken_objects():
    yield
    gc.collect()


def _live(app) -> Path:
    return state(app).store.live_dir()


def test_deleted_index_falls_back_to_the_database_and_is_rebuilt(app, corpus, caplog):
    """Same result shape with degraded=True, logged; the next search uses the rebuilt index."""
    shutil.rmtree(state(app).store.base)
    assert health(app)["status"] == "degraded"
    result = search("明水", facets=("town",))
    assert result.degraded
    assert result.hits[0].id == "ZQ-0001"
    assert "<mark>明水</mark>" in result.hits[0].title
    assert dict(result.facets["town"])["明水街道"] == 1
    assert "answering from the database" in caplog.text
    again = search("明水", facets=("town",))
    assert not again.degraded
    assert [h.id for h in again.hits] == [h.id for h in result.hits]
    assert again.facets == result.facets
    assert health(app)["status"] == "ok"


def test_corrupt_index_files_are_detected(app, corpus):
    """Garbage in the index files is detected, answered from the database and repaired."""
    live = _live(app)
    state(app).store.forget_searcher()
    for f in live.iterdir():
        if f.suffix in (".toc", ".seg") or f.name.endswith(".toc"):
            f.write_bytes(b"\x00garbage")
    result = search("长白山")
    assert result.degraded and result.hits[0].id == "ZQ-0003"
    assert not search("长白山").degraded


def test_truncated_segment_files_are_detected(app, corpus):
    """Segment data cut short (a half-copied index) also falls back instead of failing."""
    live = _live(app)
    state(app).store.forget_searcher()
    for f in live.glob("*.seg"):
        f.write_bytes(f.read_bytes()[:20])
    result = search("彩礼")
    assert result.hits and result.hits[0].id == "caili-zhili"
    assert not search("彩礼").degraded


def test_index_from_an_older_schema_is_rebuilt(app, corpus):
    """A schema-version mismatch (after an upgrade) counts as unavailable and triggers a rebuild."""
    (_live(app) / "schema-version").write_text("0")
    state(app).store.forget_searcher()
    assert search("彩礼").degraded
    assert not search("彩礼").degraded


def test_fallback_suggests_and_filters_like_the_index(app, corpus):
    """Filters, kinds and did-you-mean also work on the database path."""
    shutil.rmtree(state(app).store.base)
    state(app).rebuild_async = True  # keep it degraded: the background rebuild is not awaited here
    try:
        result = search("烈士", filters={"town": "埠村街道"})
        assert result.degraded and [h.id for h in result.hits] == ["ZQ-0002"]
        assert search("明水陵墓").suggestion == "明水陵园"
        assert search("mingshui").hits[0].id == "ZQ-0001"
    finally:
        for thread in state(app).threads:
            thread.join(timeout=30)
        state(app).rebuild_async = False


def test_provider_failure_in_fallback_gives_an_empty_degraded_result(app, corpus):
    """If the database is down too, the page still gets a (degraded, empty) result."""
    shutil.rmtree(state(app).store.base)

    def broken(ids):
        raise RuntimeError("database down")

    for kind in list(state(app).providers):
        state(app).providers[kind] = broken
    result = search("明水")
    assert result.degraded and result.total == 0


def test_healthy_searches_never_run_a_full_garbage_collection(app, corpus, monkeypatch):
    """gc.collect() costs 100-200 ms on a big heap: only a failed index open or read may pay for it, never
    a healthy search, a reopen after a change, nor a plain 'no index yet' answer from the database."""
    from app.search import index as search_index

    collections = []
    monkeypatch.setattr(search_index.gc, "collect", lambda *args: collections.append(args) or 0)
    assert not search("明水").degraded
    state(app).store.forget_searcher()  # every worker thread reopens after a change
    assert not search("明水").degraded
    assert collections == []
    shutil.rmtree(state(app).store.base)
    assert search("明水").degraded  # no index at all: nothing half-open to collect
    assert collections == []
