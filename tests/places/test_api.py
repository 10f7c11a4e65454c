"""API v1 places: search/list and one entry, published only, documented in OpenAPI."""

import pytest

from app.search import reset_index


@pytest.fixture(autouse=True)
def fresh_index(app):
    reset_index(app)


def test_list_searches_published_places(client, add_place):
    """GET /api/v1/places?q= returns matching published places with snippet and facets."""
    add_place("三德范村", town="文祖街道", category="红色村庄", persons=["李振华"])
    add_place("三德范草稿", status="draft")
    response = client.get("/api/v1/places?q=三德范")
    data = response.get_json()
    assert response.status_code == 200
    assert [item["name"] for item in data["items"]] == ["三德范村"]
    item = data["items"][0]
    assert (
        item["pinyin"] == "sān dé fàn cūn" and item["town"] == "文祖街道" and item["category"] == "红色村庄"
    )
    assert item["url"].endswith(f"/places/{item['code']}") and "<mark>" not in (item["snippet"] or "")
    assert data["total"] == 1 and data["page"] == 1
    assert {"value": "文祖街道", "count": 1} in data["facets"]["town"]


def test_list_filters(client, add_place):
    """town, category, era and theme filter the list; q may be empty."""
    add_place("甲", town="刁镇", category="革命遗址", era="解放战争时期", themes=["黄河地名文化"])
    add_place("乙", town="垛庄镇", category="战斗遗址", era="抗日战争时期")
    names = lambda url: [i["name"] for i in client.get(url).get_json()["items"]]  # noqa: E731
    assert names("/api/v1/places?town=刁镇") == ["甲"]
    assert names("/api/v1/places?category=战斗遗址") == ["乙"]
    assert names("/api/v1/places?era=解放战争时期") == ["甲"]
    assert names("/api/v1/places?theme=黄河地名文化") == ["甲"]
    assert sorted(names("/api/v1/places")) == ["乙", "甲"]


def test_bad_page_is_400_json(client):
    """A non-numeric or out-of-range page gives a JSON 400."""
    for page in ("x", "0", "100000"):
        response = client.get(f"/api/v1/places?page={page}")
        assert response.status_code == 400 and response.get_json()["error"]["status"] == 400


def test_detail_returns_the_full_record(client, add_place):
    """GET /api/v1/places/<code> returns aliases, story, persons, events, themes and sources."""
    place = add_place(
        "宁家埠渡口",
        aliases=[("老渡", "曾用名")],
        persons=["王德山"],
        events=["夜渡"],
        themes=["黄河地名文化"],
    )
    data = client.get(f"/api/v1/places/{place.code}").get_json()
    assert data["code"] == place.code and data["pinyin_plain"] == "ningjiabudukou"
    assert data["aliases"] == [{"name": "老渡", "kind": "曾用名"}]
    assert data["persons"] == ["王德山"] and data["events"] == ["夜渡"] and data["themes"] == ["黄河地名文化"]
    assert data["sources"][0]["citation"].startswith("《章丘县志》")
    assert data["protection_level"] == "区级文物保护单位" and data["photos"] == []


def test_detail_404_for_unknown_and_unpublished(client, add_place):
    """Unknown and unpublished codes are JSON 404s."""
    draft = add_place("草稿", status="in_review")
    for code in ("ZQ-0000", draft.code):
        response = client.get(f"/api/v1/places/{code}")
        assert response.status_code == 404 and response.get_json()["error"]["status"] == 404


def test_openapi_documents_places(client):
    """The OpenAPI document has both places paths and their schemas."""
    doc = client.get("/api/v1/openapi.json").get_json()
    assert "/places" in doc["paths"] and "/places/{code}" in doc["paths"]
    params = {p["name"] for p in doc["paths"]["/places"]["get"]["parameters"]}
    assert params == {"q", "town", "category", "era", "theme", "page"}
    assert {"PlaceSummary", "PlaceList", "Place"} <= set(doc["components"]["schemas"])
