"""Browsing and name order walk a per-searcher order instead of selecting from every match: same pages."""

import datetime

from app.search import evaluate as ev
from app.search import search
from app.search.engine import apply_updates, state


def _pages(**kw):
    return {
        (n, p): [h.id for h in search("", per_page=n, page=p, **kw).hits]
        for n in (1, 3, 50)
        for p in (1, 2, 4)
    }


def test_walked_orders_equal_selected_orders(monkeypatch, app, provider, place_doc, article_doc):
    """Equal names and dates keep index order, undated articles come last, deleted documents never show,
    filters and every page size and page agree with selecting by key."""
    names = ["乙村", "甲村", "乙村", "丙庄", "甲村", "丁峪", "阿家", "乙村"]
    provider.add(
        *(place_doc(f"P{n}", name, town="刁镇" if n % 2 else "明水街道") for n, name in enumerate(names)),
        *(
            article_doc(f"A{n}", f"文{n}", date=None if n % 4 == 0 else datetime.date(2020 + n % 3, 1, 1))
            for n in range(9)
        ),
    )
    provider.reindex()
    provider.remove("place", "P2")
    provider.remove("article", "A4")
    apply_updates(app, [("place", "P2"), ("article", "A4")])  # deletions inside the live segment
    cases = [{"sort": "name"}, {"kinds": ["place"], "sort": "name"}, {}, {"kinds": ["article"]}]
    cases += [{"kinds": ["place"], "filters": {"town": "刁镇"}, "sort": "name"}]
    monkeypatch.setattr(ev, "walk_pays", lambda *args: False)
    selected = [_pages(**kw) for kw in cases]
    monkeypatch.setattr(ev, "walk_pays", lambda *args: True)
    walked = [_pages(**kw) for kw in cases]
    assert walked == selected
    assert "P2" not in str(walked) and "A4" not in str(walked)
    assert walked[1][(50, 1)] == ["P6", "P3", "P5", "P1", "P4", "P0", "P7"]  # pinyin, then index order
    view = ev.IndexView.for_searcher(state().store.searcher())
    assert view.reader.has_deletions()


def test_walking_is_chosen_only_when_the_matches_are_dense():
    assert ev.walk_pays(range(9000), 20, 10_000)
    assert not ev.walk_pays(range(100), 20, 10_000)
    assert not ev.walk_pays(range(9000), 0, 10_000)
    assert ev.first_in([5, 3, 9, 1, 7], {1, 3, 7}, 2) == [3, 1]


def test_dense_browsing_builds_no_key_per_match(monkeypatch, provider, place_doc):
    """Browsing (no words) and name order over most documents never select among every match by key."""
    provider.add(*(place_doc(f"P{n}", f"村{n}") for n in range(12)))
    provider.reindex()

    def refuse(*args, **kwargs):
        raise AssertionError("selected by key")

    monkeypatch.setattr(ev.heapq, "nsmallest", refuse)
    assert len(search("", per_page=3).hits) == 3
    assert len(search("", sort="name", per_page=3).hits) == 3
