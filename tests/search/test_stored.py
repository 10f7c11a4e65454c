"""A hit's stored data is decoded once per searcher: bounded, and never kept across index changes."""

from app.search import evaluate as ev
from app.search import search
from app.search.engine import state


def _view():
    return ev.IndexView.for_searcher(state().store.searcher())


def test_stored_data_is_read_once_per_searcher(monkeypatch, provider, place_doc):
    """Repeating a search reads no document from the index again; a change shows at once."""
    provider.add(place_doc("A", "红旗渠", body="红旗渠。"), place_doc("B", "红旗渠纪念馆"))
    provider.reindex()
    assert [str(h.title) for h in search("红旗渠").hits] == [
        "<mark>红旗渠</mark>",
        "<mark>红旗渠</mark>纪念馆",
    ]

    reads = []
    searcher = state().store.searcher()
    original = searcher.stored_fields
    monkeypatch.setattr(searcher, "stored_fields", lambda n: reads.append(n) or original(n))
    first = search("红旗渠", page=1)
    assert reads == [] and len(first.hits) == 2
    assert first.hits[0].fields is not _view().stored_data(0)  # callers get copies

    provider.add(place_doc("A", "红旗渠旧址", body="红旗渠。"))
    provider.reindex()
    assert [str(h.title) for h in search("红旗渠").hits] == [
        "<mark>红旗渠</mark>旧址",
        "<mark>红旗渠</mark>纪念馆",
    ]
    assert reads == [] and len(_view()._stored) == 2  # read through the new searcher, once each


def test_stored_data_cache_is_bounded(monkeypatch, provider, place_doc):
    provider.add(*(place_doc(f"P{n}", f"红旗渠{n}号") for n in range(6)))
    provider.reindex()
    monkeypatch.setattr(ev, "MAX_STORED", 3)
    assert len(search("红旗渠", per_page=6).hits) == 6
    assert 0 < len(_view()._stored) <= 3


def test_repeated_query_is_answered_once_per_searcher(monkeypatch, provider, place_doc):
    """The same query (same page, filters, sort) is ranked once per searcher; any change shows at once."""
    provider.add(place_doc("A", "红旗渠", body="红旗渠。"), place_doc("B", "红旗渠纪念馆"))
    provider.reindex()
    ranked = []
    original = ev.evaluate
    monkeypatch.setattr(ev, "evaluate", lambda *a, **k: ranked.append(a[1]) or original(*a, **k))

    first = search("红旗渠")
    again = search("红旗渠")
    assert len(ranked) == 1
    assert [h.id for h in again.hits] == [h.id for h in first.hits] == ["A", "B"]
    assert again is not first  # search() sets help and suggestion on its own copy

    search("红旗渠", page=2)
    search("红旗渠", filters={"town": ["明水街道"]})
    search("红旗渠", sort="name")
    search("红旗渠 ", facets=("town",))
    assert len(ranked) == 5  # each differs from the first in something that shapes the answer

    provider.add(place_doc("A", "红旗渠旧址", body="红旗渠。"))
    provider.reindex()
    assert [str(h.title) for h in search("红旗渠").hits][0] == "<mark>红旗渠</mark>旧址"
    assert len(ranked) == 6  # a new searcher: ranked again


def test_results_cache_is_bounded(monkeypatch, provider, place_doc):
    provider.add(*(place_doc(f"P{n}", f"红旗渠{n}号") for n in range(6)))
    provider.reindex()
    monkeypatch.setattr(ev, "MAX_RESULTS", 3)
    for n in range(6):
        assert search(f"红旗渠{n}号").hits
    assert 0 < len(_view()._results) <= 3


def test_result_flags_of_one_answer_do_not_leak_into_the_next(provider, place_doc):
    """A corrected or help-flagged answer is a copy: the cached one keeps its own flags."""
    provider.add(place_doc("A", "红旗渠", body="红旗渠。"))
    provider.reindex()
    first = search("红旗渠")
    first.suggestion, first.help = "别的", True
    again = search("红旗渠")
    assert again.suggestion is None and again.help is False


def test_threads_share_what_they_derive_from_one_index_snapshot(app, monkeypatch, provider, place_doc):
    """Each thread reads through its own searcher, but a search one thread ranked is not ranked again by
    another: the caches belong to the snapshot (directory and whoosh generation), not to the thread."""
    import threading

    provider.add(place_doc("A", "红旗渠", body="红旗渠。"), place_doc("B", "红旗渠纪念馆"))
    provider.reindex()
    ranked = []
    original = ev.evaluate
    monkeypatch.setattr(ev, "evaluate", lambda *a, **k: ranked.append(1) or original(*a, **k))
    first = search("红旗渠")
    seen = {}

    def other_thread():
        with app.test_request_context("/"):
            seen["ids"] = [h.id for h in search("红旗渠").hits]
            seen["view"] = _view()

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert seen["ids"] == [h.id for h in first.hits] and len(ranked) == 1
    assert seen["view"] is not _view() and seen["view"].searcher is not _view().searcher
    assert seen["view"]._results is _view()._results and seen["view"]._stored is _view()._stored

    provider.add(place_doc("C", "红旗渠旧址"))
    provider.reindex()
    assert len(search("红旗渠").hits) == 3 and len(ranked) == 2  # a new snapshot: its own caches
    assert len(ev._SHARED) <= ev.MAX_SNAPSHOTS
