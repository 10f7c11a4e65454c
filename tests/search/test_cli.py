"""`flask search reindex` swaps in a fresh index atomically; `flask search check` reports drift."""

import os

from app.search import search
from app.search.engine import state


def test_reindex_builds_a_new_generation_and_swaps_it_in(app, runner, corpus, place_doc):
    """The live index moves to a new directory; the old generation is kept as the previous one."""
    store = state(app).store
    before = store.live_dir()
    corpus.add(place_doc("ZQ-0100", "高官寨街道红色驿站"))
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "已重建索引：8 条文档" in result.output
    after = store.live_dir()
    assert after != before and after.parent == before.parent
    assert os.readlink(store.current_link) == after.name
    assert search("红色驿站").hits[0].id == "ZQ-0100"


def test_check_passes_when_index_and_database_agree(runner, corpus):
    """Exit 0 and a short summary when in sync."""
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 0, result.output
    assert "索引与数据库一致" in result.output


def test_check_reports_missing_extra_and_stale_documents(runner, corpus, place_doc):
    """Ids in the database only, in the index only, and changed since indexing: exit 1."""
    corpus.add(place_doc("ZQ-0200", "新增未索引"))
    corpus.remove("faq", "7")
    corpus.add(place_doc("ZQ-0001", "明水街道烈士陵园（改名）"))
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1
    assert "数据库有、索引缺：1 条 place:ZQ-0200" in result.output
    assert "索引有、数据库无：1 条 faq:7" in result.output
    assert "索引内容过期：1 条 place:ZQ-0001" in result.output
    assert runner.invoke(args=["search", "reindex"]).exit_code == 0
    assert runner.invoke(args=["search", "check"]).exit_code == 0


def test_check_without_an_index_exits_1(app, runner, corpus):
    """A missing index is drift too."""
    import shutil

    shutil.rmtree(state(app).store.base)
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1
    assert "索引不可用" in result.output


def test_reindex_while_writers_are_busy_keeps_their_updates(app, provider, place_doc):
    """Updates journalled during a rebuild (lock held) are replayed into the new index."""
    from app.search.engine import rebuild

    provider.add(place_doc("A", "龙山文化遗址"))
    store = state(app).store
    store.journal_append({("place", "A")})
    stats = rebuild(app)
    assert stats["replayed"] == 1
    assert search("龙山").hits[0].id == "A"
