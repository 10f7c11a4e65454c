"""Facets, filters, sorting, browsing and pagination."""

from app.search import search


def test_facet_counts_follow_the_current_query(corpus):
    """Counts cover every match of the query, not just the page."""
    result = search("烈士", facets=("town", "category", "era", "theme", "kind"), per_page=1)
    assert result.total == 2 and len(result.hits) == 1
    assert dict(result.facets["town"]) == {"明水街道": 1, "埠村街道": 1}
    assert dict(result.facets["theme"]) == {"英烈纪念": 2, "抗战红色足迹": 1}
    assert result.facets["theme"][0] == ("英烈纪念", 2)  # most frequent first
    assert dict(result.facets["kind"]) == {"place": 2}


def test_filters_narrow_results(corpus):
    """town, category, era, theme, topic, validity, year, article_kind and kinds all filter."""
    assert [h.id for h in search("烈士", filters={"town": "埠村街道"}).hits] == ["ZQ-0002"]
    assert [h.id for h in search("", filters={"theme": "抗战红色足迹", "era": "抗日战争时期"}).hits] == [
        "ZQ-0002",
        "ZQ-0003",
    ]
    assert [h.id for h in search("", filters={"year": 2024}).hits] == ["caili-zhili"]
    assert [h.id for h in search("", filters={"validity": "现行有效"}).hits] == ["caili-zhili"]
    assert [h.id for h in search("", filters={"article_kind": "interpretation"}).hits] == ["hunsu-jiedu"]
    assert [h.id for h in search("", filters={"topic": "婚姻登记"}).hits] == ["7"]
    assert {h.kind for h in search("", kinds=["article"]).hits} == {"article"}
    assert search("烈士", filters={"town": "刁镇"}).total == 0
    assert search("烈士", filters={"unknown": "x"}).total == 2  # unknown filters are ignored


def test_browse_without_query_and_sorts(corpus):
    """q="" lists everything; sort by name (pinyin), newest, and distance from a point."""
    places = search("", kinds=["place"], sort="name")
    assert [h.id for h in places.hits] == [
        "ZQ-0002",
        "ZQ-0003",
        "ZQ-0001",
        "ZQ-0004",
    ]  # bu, chang, ming, ning
    newest = search("", kinds=["article"], sort="newest")
    assert [h.id for h in newest.hits] == ["hunsu-jiedu", "caili-zhili"]
    near = search("", kinds=["place"], sort="distance", near=(36.45, 117.45))
    assert [h.id for h in near.hits][:3] == ["ZQ-0003", "ZQ-0002", "ZQ-0001"]
    assert near.hits[0].fields["distance_km"] == 0.0
    assert near.hits[-1].id == "ZQ-0004"  # no coordinates: last
    assert search("", sort="distance", near=("x", None)).total == 7  # bad point: relevance order


def test_hits_carry_stored_fields(corpus):
    """Hit.fields holds facet values, coordinates, summary and year for the pages to show."""
    hit = search("彩礼").hits[0]
    assert hit.kind == "article" and hit.url == "/policies/caili-zhili"
    assert hit.fields["year"] == 2024 and hit.fields["article_kind"] == "policy"
    assert hit.fields["summary"].startswith("倡导")
    place = search("陵园").hits[0]
    assert (place.fields["lat"], place.fields["lon"]) == (36.72, 117.53)
    assert place.fields["themes"] == ["英烈纪念"]


def test_pagination_is_clamped(corpus):
    """Pages below 1, beyond the last page or not numbers never raise."""
    assert search("", per_page=2, page=2).page == 2
    for page in (0, -1, "abc", None, 10**9, "1e9", 2.5):
        result = search("", per_page=2, page=page)
        assert 1 <= result.page <= result.pages == 4
        assert result.hits
    assert search("", per_page=2, page=10**9).page == 4
    assert search("", per_page=0).per_page == 1
    assert search("", per_page=10**6).per_page == 100


def test_did_you_mean_suggests_a_name_when_nothing_matches(corpus):
    """A near-miss query suggests the closest name (shared bigrams or similar pinyin)."""
    result = search("明水陵墓")
    assert result.total < 3 and result.suggestion == "明水陵园"
    assert search("lingyaun").suggestion == "明水街道烈士陵园"
    assert search("changbaishn").suggestion == "长白山抗日根据地旧址"
    assert search("彩礼").suggestion is None  # hits: no suggestion
