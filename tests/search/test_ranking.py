"""Ranking: name > alias > keywords > summary > body; exact names first."""

from app.search import search


def test_name_match_ranks_above_body_mentions(corpus):
    """明水街道烈士陵园 (name) comes before 埠村战斗遗址, which only mentions it in its body."""
    hits = search("明水街道烈士陵园").hits
    assert [h.id for h in hits[:2]] == ["ZQ-0001", "ZQ-0002"]
    assert hits[0].score > hits[1].score


def test_field_boost_order(provider, place_doc):
    """A query found in the name beats alias, which beats keywords, summary, then body."""
    provider.add(
        place_doc("body", "甲", body="红旗渠精神"),
        place_doc("summary", "乙", summary="红旗渠精神"),
        place_doc("keywords", "丙", keywords=["红旗渠"]),
        place_doc("alias", "丁", aliases=["红旗渠旧址"]),
        place_doc("name", "红旗渠纪念馆"),
    )
    provider.reindex()
    assert [h.id for h in search("红旗渠").hits] == ["name", "alias", "keywords", "summary", "body"]


def test_exact_name_outranks_longer_names_containing_it(provider, place_doc):
    """Typing a full name puts that exact entry first."""
    provider.add(place_doc("long", "埠村战斗遗址纪念碑"), place_doc("exact", "埠村战斗遗址"))
    provider.reindex()
    assert search("埠村战斗遗址").hits[0].id == "exact"


def test_more_body_mentions_rank_higher_among_body_hits(provider, place_doc):
    """Among documents that only mention the query in the body, more mentions rank first."""
    provider.add(
        place_doc("once", "甲", body="八路军。"), place_doc("thrice", "乙", body="八路军，八路军，八路军。")
    )
    provider.reindex()
    assert [h.id for h in search("八路军").hits] == ["thrice", "once"]


def test_large_match_sets_score_only_their_candidates_with_the_same_top(monkeypatch, corpus):
    """Above BOUNDED_FROM matches, name/alias/keyword/summary hits are scored first, body-only ones fill in."""
    from app.search import evaluate as ev

    full = [h.id for h in search("烈士", per_page=3).hits]
    fills = [h.id for h in search("战", per_page=10).hits]
    monkeypatch.setattr(ev, "BOUNDED_FROM", 1)
    assert [h.id for h in search("烈士", per_page=3).hits] == full
    bounded = search("战", per_page=10)
    assert bounded.total == len(fills) and set(h.id for h in bounded.hits) == set(fills)


def test_bounded_scoring_keeps_the_exact_order_of_full_scoring(monkeypatch, provider, place_doc, article_doc):
    """One-word queries score only the field parts that can reach the page: every page equals full scoring
    (field boosts, body frequency, exact names and dates all taken into account)."""
    import datetime

    from app.search import evaluate as ev

    provider.add(
        place_doc("t", "红旗渠", body="红旗渠。"),
        place_doc("tb", "红旗渠纪念馆", body="红旗渠红旗渠红旗渠"),
        place_doc("a", "甲", aliases=["红旗渠旧址"], summary="红旗渠"),
        place_doc("k", "乙", keywords=["红旗渠"], summary="红旗渠", body="红旗渠" * 12),
        *(place_doc(f"b{n}", f"丙{n}", body="红旗渠" * n) for n in range(1, 8)),
        *(
            article_doc(f"d{n}", f"丁{n}", summary="红旗渠", date=datetime.date(2020 + n, 1, 1))
            for n in range(4)
        ),
        # A body-only document with 12 mentions (1 + 1.0) ties a summary hit (2.0) and comes first by
        # index order: it must stay among the candidates although its part scores lower.
        place_doc("b12", "己", body="长城" * 12),
        place_doc("s", "戊", summary="长城"),
        place_doc("c1", "庚", body="长城"),
    )
    provider.reindex()
    queries = ("红旗渠", "红", "渠", "hongqiqu", "hqq", "长城")
    full = {(q, n): [(h.id, h.score) for h in search(q, per_page=n).hits] for q in queries for n in (1, 3, 6)}
    monkeypatch.setattr(ev, "BOUNDED_FROM", 0)
    bounded = {
        (q, n): [(h.id, h.score) for h in search(q, per_page=n).hits] for q in queries for n in (1, 3, 6)
    }
    assert bounded == full


def _scores(ev, q, kinds=None):
    from app.search import query as qm
    from app.search.engine import state

    groups = qm.query_groups(qm.normalize_query(q))
    view = ev.IndexView.for_searcher(state().store.searcher())
    matched, per_group, _complete = ev.evaluate(view, groups, kinds, {}, qm.FILTER_FIELDS)
    return ev.score(view, matched, groups, per_group, "".join(s for g in groups for s in g))


def test_scoring_by_field_parts_gives_every_document_the_same_float(monkeypatch, provider, place_doc):
    """Large match sets add the first word's weight and field boosts once per part of documents found in
    the same fields: every score is the float the per-document additions give (one word, several words,
    pinyin with its prefix fields, exact names, body frequency), and so is every page."""
    from app.search import evaluate as ev

    provider.add(
        place_doc("t", "红旗渠", aliases=["红渠"], body="红旗渠。"),
        place_doc("tb", "红旗渠纪念馆", keywords=["纪念"], body="红旗渠红旗渠红旗渠纪念"),
        place_doc("a", "甲", aliases=["红旗渠旧址"], summary="红旗渠纪念"),
        place_doc("k", "乙", keywords=["红旗渠"], summary="红旗渠", body="红旗渠" * 12),
        *(place_doc(f"b{n}", f"丙{n}", body="红旗渠纪念" * n) for n in range(1, 8)),
        place_doc("h", "洪奇村", summary="红"),
    )
    provider.reindex()
    queries = ("红旗渠", "红", "红旗渠 纪念", "纪念 红旗渠", "hongqiqu", "hqq", "hong qi", "丙3")
    monkeypatch.setattr(ev, "SPLIT_FROM", 10**9)
    per_document = {q: _scores(ev, q) for q in queries}
    pages = {q: [(h.id, h.score) for h in search(q, per_page=6).hits] for q in queries}
    monkeypatch.setattr(ev, "SPLIT_FROM", 0)
    by_parts = {q: _scores(ev, q) for q in queries}
    assert by_parts == per_document
    assert all(by_parts[q] for q in ("红旗渠", "红旗渠 纪念", "hongqiqu"))
    assert {q: [(h.id, h.score) for h in search(q, per_page=6).hits] for q in queries} == pages
