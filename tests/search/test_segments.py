"""Correct under every index state: several segments, deletions, merges, optimize; degraded answers counted."""

import datetime
import mmap
import shutil

import pytest

from app.search import search
from app.search.engine import health, rebuild, state
from app.search.evaluate import IndexView, read_column
from app.search.index import doc_fields

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


def _segment(app, *docs, delete=()):
    """Commit one more segment (no merging), as a later content change does."""
    ix = state(app).store.open()
    writer = ix.writer()
    for uid in delete:
        writer.delete_by_term("uid", uid)
    for doc in docs:
        writer.add_document(**doc_fields(doc))
    writer.commit(merge=False)


def _answers(app):
    newest = search("", sort="newest", per_page=100)
    named = search("", sort="name", per_page=100, facets=("town", "kind", "year"))
    near = search("", sort="distance", near=(36.72, 117.53), per_page=100)
    for result in (newest, named, near):
        assert not result.degraded
    return (
        [h.id for h in newest.hits][:3],
        [h.id for h in named.hits],
        named.facets,
        [h.id for h in near.hits][:2],
    )


def test_columns_are_right_across_segments_deletions_and_optimize(app, corpus, faq_doc, article_doc):
    """A segment without a column (FAQs have no date or town) no longer shifts or shortens it."""
    _segment(app, faq_doc("8", "离婚冷静期是多久？", body="三十日。"))
    _segment(
        app,
        article_doc("newest", "最新的婚俗改革通知", year=2026, date=datetime.date(2026, 5, 1)),
        delete=["place:ZQ-0004"],
    )
    _segment(app, delete=["faq:7"])
    reader = state(app).store.searcher().reader()
    assert len(list(reader.leaf_readers())) >= 3
    for field in ("date", "sort_key", "lat"):
        assert len(read_column(reader, field)) == reader.doc_count_all()
    newest, named, facets, near = _answers(app)
    assert newest[:3] == ["newest", "hunsu-jiedu", "caili-zhili"]
    assert "ZQ-0004" not in named and "7" not in named and "8" in named
    assert dict(facets["kind"]) == {"place": 3, "article": 3, "faq": 1}
    assert dict(facets["town"])["明水街道"] == 1 and "宁家埠街道" not in dict(facets["town"])
    assert dict(facets["year"]) == {"2024": 1, "2025": 1, "2026": 1}
    assert near == ["ZQ-0001", "ZQ-0002"]
    state(app).store.open().optimize()
    state(app).store.forget_searcher()
    assert len(list(state(app).store.searcher().reader().leaf_readers())) == 1
    assert _answers(app) == (newest, named, facets, near)
    assert IndexView.for_searcher(state(app).store.searcher()).column("date")


def test_degraded_answers_are_counted_in_healthz_and_check(app, client, runner, corpus):
    """Fallback answers count up, degraded_since is set, and the next index answer clears it."""
    shutil.rmtree(state(app).store.base)
    state(app).store.forget_searcher()
    assert search("明水").degraded
    status = client.get("/healthz").get_json()["checks"]["search"]
    assert status["fallback_count"] >= 1 and status["degraded_since"]
    out = runner.invoke(args=["search", "check"]).output
    assert "数据库回退回答：累计" in out
    assert not search("明水").degraded  # rebuilt in the meantime (synchronously under test)
    after = health(app)
    assert after["degraded_since"] is None and after["fallback_count"] >= 1 and after["status"] == "ok"


def test_only_the_last_two_generations_are_kept(app, corpus):
    """Every rebuild swaps in a new gen-* directory and removes all but the previous one."""
    for _ in range(4):
        rebuild(app)
    gens = sorted(p.name for p in state(app).store.base.glob("gen-*"))
    assert len(gens) == 2 and state(app).store.generation() in gens


def test_a_second_rebuild_does_not_race_the_first(app, corpus):
    """While one rebuild holds the write lock, another returns at once instead of racing it."""
    with state(app).store.lock(None):
        assert rebuild(app, blocking=False) is None
    assert rebuild(app, blocking=False)["documents"] == 7


def test_block_postings_equal_whooshs_own_across_segments_and_deletions(app, corpus, place_doc):
    """The block-at-a-time posting reader returns exactly whoosh's ids and frequencies, deletions excluded."""
    _segment(app, place_doc("ZQ-0009", "明水烈士纪念碑", body="烈士烈士烈士"), delete=["place:ZQ-0002"])
    _segment(app, place_doc("ZQ-0010", "烈士小学旧址", body="烈士"))
    searcher = state(app).store.searcher()
    reader, view = searcher.reader(), IndexView.for_searcher(searcher)
    assert len(list(reader.leaf_readers())) >= 3 and view.deletions
    for field, term in (("body", "烈士"), ("title", "烈士"), ("body", "明水"), ("kind", "place")):
        whoosh_ids = set(reader.postings(field, term).all_ids())
        assert set(view.ids(field, term)) == whoosh_ids
        if field == "body":
            tf = dict(reader.postings(field, term).items_as("frequency"))
            assert {d: f for d, f in view.tf(field, term).items() if d in whoosh_ids} == tf
        assert not view.all_of(field, [term, "不存在"])
    both = view.ids("title", "烈士") & view.ids("title", "陵园")
    assert both and view.all_of("title", ["烈士", "陵园"]) == both


def test_segments_are_separate_files_read_without_private_copies(app, corpus, provider, place_doc):
    """A rebuild and a later change write plain segment files, not whoosh's compound file: a reader of a
    compound segment copies each part it opens into private memory (~50 MB at 10k entries), once per
    thread's searcher. Plain files are mapped: the OS page cache, shared by all threads and workers."""
    from whoosh.filedb.structfile import BufferFile

    from app.search.engine import apply_updates

    provider.add(place_doc("ZQ-0010", "新增的红色地名", town="明水街道"))
    apply_updates(app, {("place", "ZQ-0010")})
    store = state(app).store
    ix = store.open()
    segments = ix._segments()  # noqa: SLF001 - whoosh has no public list of a TOC's segments
    assert len(segments) >= 1 and not any(segment.is_compound() for segment in segments)
    assert search("新增的红色地名").total == 1
    leaves = [leaf for leaf, _offset in store.searcher().reader().leaf_readers()]
    opened = [f for leaf in leaves for f in (leaf._terms._dbfile, leaf._terms._postfile)]  # noqa: SLF001
    assert not any(isinstance(f, BufferFile) for f in opened), opened
    assert all(isinstance(f.file, mmap.mmap) for f in opened), opened  # shared pages, no system call a read
