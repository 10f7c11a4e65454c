"""Several processes write at the same time: no LockError reaches anyone and no update is lost."""

import pytest

from app.search import register_provider, search
from app.search.engine import check, state
from tests.processes import process_context
from tests.search.search_workers import expected_ids, loader, write_many

WORKERS = 4
COUNT = 15


def _run_writers(app, lock_timeout: float) -> None:
    config = {
        "TESTING": True,
        "SECRET_KEY": app.config["SECRET_KEY"],
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "SEARCH_INDEX_DIR": app.config["SEARCH_INDEX_DIR"],
        "SEARCH_LOCK_TIMEOUT": lock_timeout,
    }
    ctx = process_context()  # forkserver: starts in milliseconds, no inherited SQLite state
    barrier = ctx.Barrier(WORKERS)
    procs = [
        ctx.Process(target=write_many, args=(config, w, WORKERS, COUNT, barrier)) for w in range(WORKERS)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=300)
    assert [p.exitcode for p in procs] == [0] * WORKERS


@pytest.fixture
def concurrent_provider(app):
    st = state(app)
    st.providers.clear()
    register_provider(app, "place", loader(WORKERS, COUNT))
    yield
    st.providers.clear()


@pytest.mark.slow
@pytest.mark.parametrize("lock_timeout", [5.0, 0.0], ids=["wait-for-lock", "journal-when-busy"])
def test_concurrent_writer_processes_lose_no_update(app, concurrent_provider, lock_timeout):
    """4 processes x 15 commits each, all at once: every document ends up in the index.

    With a 5 s lock wait writers queue on the file lock; with no wait at all most of them find it
    busy and journal their updates, which the lock holders and the next search replay.
    """
    _run_writers(app, lock_timeout)
    result = search("并发", per_page=100)
    assert result.total == WORKERS * COUNT
    assert sorted(h.id for h in result.hits) == sorted(expected_ids(WORKERS, COUNT))
    report = check(app)
    assert report["ok"], report
    assert not state(app).store.journal_pending()
