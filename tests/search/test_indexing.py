"""Index maintenance: writes happen after COMMIT, never before; rollbacks discard; journal replay."""

from sqlalchemy import text

from app.extensions import db
from app.search import schedule, search
from app.search.engine import state


def _change(provider, *docs, removed=()):
    """Simulate a feature service: change the 'database' and schedule inside a transaction."""
    db.session.execute(text("SELECT 1"))
    for doc in docs:
        provider.add(doc)
        schedule(doc.kind, doc.id)
    for kind, ident in removed:
        provider.remove(kind, ident)
        schedule(kind, ident)


def test_documents_are_indexed_after_commit_and_not_before(provider, place_doc):
    """schedule() queues the id; the index changes only when the transaction commits."""
    _change(provider, place_doc("ZQ-9", "黄河渡口纪念地"))
    assert search("黄河").total == 0  # not yet committed
    db.session.commit()
    assert [h.id for h in search("黄河").hits] == ["ZQ-9"]


def test_rollback_discards_scheduled_updates(provider, place_doc):
    """Nothing scheduled in a rolled-back transaction reaches the index."""
    _change(provider, place_doc("ZQ-9", "黄河渡口纪念地"))
    db.session.rollback()
    db.session.execute(text("SELECT 1"))
    db.session.commit()
    assert search("黄河").total == 0


def test_edit_and_unpublish_update_the_index(provider, place_doc):
    """A changed document is replaced; one the provider no longer returns is removed."""
    _change(provider, place_doc("ZQ-9", "黄河渡口纪念地"), place_doc("ZQ-8", "刁镇红色村庄"))
    db.session.commit()
    _change(provider, place_doc("ZQ-9", "黄河支前渡口"), removed=[("place", "ZQ-8")])
    db.session.commit()
    assert [h.id for h in search("支前").hits] == ["ZQ-9"]
    assert search("纪念地").total == 0
    assert search("刁镇").total == 0


def test_busy_lock_journals_updates_and_the_next_search_replays_them(provider, place_doc):
    """While another process holds the write lock, updates go to the journal; none is lost."""
    st = state()
    st.lock_timeout = 0.05
    with st.store.lock(None):
        _change(provider, place_doc("ZQ-7", "白云湖湿地红色驿站"))
        db.session.commit()  # must not block or raise
        assert st.store.journal_pending()
        assert search("白云湖").total == 0  # lock still held: replay postponed
    assert [h.id for h in search("白云湖").hits] == ["ZQ-7"]
    assert not st.store.journal_pending()


def test_unknown_kind_is_removed_not_raised(provider):
    """Scheduling a kind without provider only removes ids from the index."""
    db.session.execute(text("SELECT 1"))
    schedule("video", "1")
    db.session.commit()
    assert search("").total == 0


def test_one_searcher_per_thread_refreshed_only_when_the_index_changed(provider, place_doc):
    """The searcher is reused across searches and refreshed after a write."""
    provider.add(place_doc("A", "文祖街道三德范村"))
    provider.reindex()
    store = state().store
    search("三德范")
    first = store.searcher()
    search("三德范")
    assert store.searcher() is first
    _change(provider, place_doc("B", "文祖锦屏山"))
    db.session.commit()
    assert search("锦屏山").total == 1
    assert store.searcher() is not first


def test_deletion_is_seen_by_a_thread_that_searched_before(provider, place_doc):
    """A delete-only commit (no new segment) is visible at once: the searcher is reopened, not refreshed.

    whoosh's Searcher.refresh() reuses segment readers by id and misses deletions in an existing segment.
    """
    provider.add(place_doc("A", "三德范村"), place_doc("B", "锦屏山纪念地"))
    provider.reindex()
    assert search("锦屏山").total == 1
    db.session.execute(text("SELECT 1"))
    provider.remove("place", "B")
    schedule("place", "B")
    db.session.commit()
    assert search("锦屏山").total == 0
    assert search("").total == 1
