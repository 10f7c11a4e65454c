"""Public places pages: search/browse (fragment and full page), place page, themes, photos, GeoJSON, sitemap."""

import pytest

from app.extensions import db
from app.places import services
from app.search import reset_index
from tests.places.samples import plain_png

HX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def fresh_index(app):
    reset_index(app)


def test_list_full_page_and_fragment(client, add_place):
    """/places/ answers a full page normally and only the results fragment to an htmx request."""
    add_place("埠村抗日民主政府旧址")
    full = client.get("/places/?q=埠村")
    html = full.get_data(as_text=True)
    assert full.status_code == 200 and "<html" in html and 'id="place-search"' in html
    assert "埠村" in html and "bù cūn" in html
    assert "HX-Request" in full.headers.get("Vary", "")
    fragment = client.get("/places/?q=埠村", headers=HX)
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in body and 'id="place-search"' not in body
    assert "<mark>" in body and "共找到" in body
    assert '<p id="place-status" hx-swap-oob="innerHTML">' in body  # screen-reader status update
    assert fragment.headers["HX-Push-Url"].startswith("/places/?q=%E5%9F%A0")


def test_results_show_name_pinyin_category_town_era_snippet(client, add_place):
    """A result line shows the highlighted name, tone pinyin, category, 镇街, era and a snippet."""
    add_place(
        "长岭村", town="文祖街道", category="红色村庄", era="抗日战争时期", story="长岭村是有名的堡垒村。"
    )
    html = client.get("/places/?q=长岭", headers=HX).get_data(as_text=True)
    assert "cháng lǐng cūn" in html
    assert "红色村庄" in html and "文祖街道" in html and "抗日战争时期" in html
    assert 'class="snippet"' in html


def test_load_more_returns_only_the_next_items(client, add_place):
    """加载更多 (page 2 with htmx) answers list items plus the next button, not the whole results block."""
    for n in range(23):
        add_place(f"测试纪念亭{n:02d}", town="明水街道", commit=False)
    db.session.commit()
    first = client.get("/places/?town=明水街道", headers=HX).get_data(as_text=True)
    assert first.count('class="place-item"') == 20 and "加载更多" in first
    more = client.get("/places/?town=明水街道&page=2", headers=HX)
    body = more.get_data(as_text=True)
    assert body.count('class="place-item"') == 3 and "加载更多" not in body and "共找到" not in body
    plain = client.get("/places/?town=明水街道&page=2").get_data(as_text=True)
    assert "<html" in plain and "上一页" in plain


def test_facets_with_counts_and_filters(client, add_place):
    """Facet counts per 镇街 appear, and a filter narrows the list."""
    add_place("甲地纪念碑", town="明水街道", category="纪念设施")
    add_place("乙地纪念碑", town="明水街道", category="纪念设施")
    add_place("丙地纪念碑", town="垛庄镇", category="纪念设施")
    html = client.get("/places/?q=纪念碑&facets=1").get_data(as_text=True)
    assert '明水街道 <span class="count">2</span>' in html
    filtered = client.get("/places/?q=纪念碑&town=垛庄镇", headers=HX).get_data(as_text=True)
    assert "丙地纪念碑" in filtered or "丙地" in filtered
    assert "甲地" not in filtered


def test_facet_counts_load_on_demand(client, add_place):
    """The search page leaves facet counts out (a collapsed panel with a lazy hx-get and a no-JS link);
    /places/facets answers the counts as a fragment for htmx and as the page with the panel open otherwise."""
    add_place("甲地纪念碑", town="明水街道", category="纪念设施")
    add_place("乙地纪念碑", town="明水街道", category="纪念设施")
    add_place("丙地纪念碑", town="垛庄镇", category="纪念设施")
    for headers in ({}, HX):
        html = client.get("/places/?q=纪念碑", headers=headers).get_data(as_text=True)
        assert 'class="count"' not in html
        assert (
            'hx-get="/places/facets?q=%E7%BA%AA%E5%BF%B5%E7%A2%91"' in html
            and 'hx-trigger="toggle once"' in html
        )
        assert 'href="/places/?q=%E7%BA%AA%E5%BF%B5%E7%A2%91&amp;facets=1#facets">显示各项数量</a>' in html
    fragment = client.get("/places/facets?q=纪念碑&town=明水街道", headers=HX)
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in body and "place-item" not in body
    assert '明水街道 <span class="count">2</span>' in body and "aria-current" in body
    assert "垛庄镇" not in body  # counts follow the active filter
    assert "HX-Request" in fragment.headers.get("Vary", "")
    page = client.get("/places/facets?q=纪念碑").get_data(as_text=True)
    assert "<html" in page and 'id="facets" open' in page and "place-item" in page
    assert (
        '垛庄镇 <span class="count">1</span>' in page
        and "hx-trigger" not in page.split('id="facets"')[1][:40]
    )
    # With the counts shown, filter links keep them shown; the search form itself does not carry them.
    assert "town=%E5%9E%9B%E5%BA%84%E9%95%87&amp;facets=1" in page
    opened = client.get("/places/?q=纪念碑&facets=1", headers=HX).get_data(as_text=True)
    assert '明水街道 <span class="count">2</span>' in opened and 'id="facets" open' in opened
    assert client.get("/places/?q=不存在的地名xyz").get_data(as_text=True).count('id="facets"') == 0


def test_result_lines_follow_renames_and_moves_at_once(app, client, add_place):
    """The per-process cache of result-line rows never shows an old pinyin or distance after an edit."""
    from app.extensions import db
    from app.places import pinyin
    from app.places.search_docs import schedule_code

    place = add_place("长岭村", town="文祖街道", latitude=36.60, longitude=117.40)
    first = client.get("/places/?q=长岭", headers=HX).get_data(as_text=True)
    assert "cháng lǐng cūn" in first
    place.name = "长岭新村"
    place.pinyin, place.pinyin_plain = pinyin.tone_pinyin("长岭新村"), pinyin.plain_pinyin("长岭新村")
    place.latitude = 36.70
    schedule_code(place.code)
    db.session.commit()
    html = client.get("/places/?q=长岭&near=36.70,117.40", headers=HX).get_data(as_text=True)
    assert "cháng lǐng xīn cūn" in html and "约 0.0 公里" in html


def test_sort_by_name_and_by_distance_from_a_town(client, add_place):
    """sort=name orders by pinyin; near=<镇街> sorts by distance from the 镇街 centre and shows km."""
    add_place("八一纪念亭", town="黄河街道", latitude=37.02, longitude=117.47)
    add_place("安家纪念亭", town="垛庄镇", latitude=36.50, longitude=117.48)
    by_name = client.get("/places/?q=纪念亭&sort=name", headers=HX).get_data(as_text=True)
    assert by_name.index("安家") < by_name.index("八一")
    near = client.get("/places/?q=纪念亭&near=黄河街道", headers=HX).get_data(as_text=True)
    assert near.index("八一") < near.index("安家") and "公里" in near
    coords = client.get("/places/?q=纪念亭&near=36.50,117.48&sort=distance", headers=HX).get_data(
        as_text=True
    )
    assert coords.index("安家") < coords.index("八一")
    missing = client.get("/places/?q=纪念亭&sort=distance", headers=HX).get_data(as_text=True)
    assert "按距离排序需要一个位置" in missing


def test_empty_search_helps(client):
    """No results gives advice instead of an empty page."""
    html = client.get("/places/?q=不存在的地名xyz").get_data(as_text=True)
    assert "没有找到" in html


def test_place_page_shows_everything(client, add_place):
    """The place page shows name, tone pinyin, aliases by kind, facts, map links, story, sources, themes."""
    place = add_place(
        "宁家埠渡口",
        town="宁家埠",
        aliases=[("宁家埠老渡", "曾用名"), ("北渡", "俗称")],
        persons=["王德山"],
        events=["夜渡黄河"],
        themes=["黄河地名文化"],
        latitude=36.85,
        longitude=117.52,
    )
    response = client.get(f"/places/{place.code}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "níng jiā bù dù kǒu" in html
    assert "曾用名" in html and "宁家埠老渡" in html and "俗称" in html and "北渡" in html
    assert "宁家埠街道" in html and "区级文物保护单位" in html and "抗日战争时期" in html
    assert "geo:36.850000,117.520000" in html and "uri.amap.com" in html and "coordinate=wgs84" in html
    assert "王德山" in html and "夜渡黄河" in html
    assert "《章丘县志》（示例引用）" in html and "黄河地名文化" in html
    assert "最后更新" in html


@pytest.mark.parametrize("status", ["draft", "in_review", "archived"])
def test_unpublished_entries_are_404_everywhere(client, status, add_place):
    """Drafts, entries in review and archived entries are 404 on the page and the API, absent elsewhere."""
    place = add_place("秘密旧址甲", status=status)
    assert client.get(f"/places/{place.code}").status_code == 404
    assert client.get(f"/api/v1/places/{place.code}").status_code == 404
    assert "秘密旧址甲" not in client.get("/places/?q=秘密旧址").get_data(as_text=True)
    assert place.code not in client.get("/places.geojson").get_data(as_text=True)
    assert place.code not in client.get("/sitemap.xml").get_data(as_text=True)


def test_unknown_code_is_404(client):
    """An unknown code gives the Chinese 404 page."""
    response = client.get("/places/ZQ-0000")
    assert response.status_code == 404 and "页面不存在" in response.get_data(as_text=True)


def test_related_places_nearby_and_same_theme(client, add_place):
    """Related places list a nearby entry and one from the same theme."""
    place = add_place("甲村烈士墓", themes=["英烈纪念"], latitude=36.70, longitude=117.50)
    add_place("乙村纪念馆", latitude=36.705, longitude=117.505)
    add_place("丙村烈士墓", themes=["英烈纪念"], latitude=36.95, longitude=117.20)
    html = client.get(f"/places/{place.code}").get_data(as_text=True)
    assert "相关地名" in html and "乙村纪念馆" in html and "丙村烈士墓" in html and "同属专题" in html


def test_theme_pages(client, add_place):
    """The themes index lists themes with entries; a theme page lists its published entries; unknown is 404."""
    add_place("老渡口", themes=["黄河地名文化"])
    add_place("草稿渡口", themes=["黄河地名文化"], status="draft")
    index = client.get("/places/themes/").get_data(as_text=True)
    assert "黄河地名文化" in index and "收录 1 处" in index
    page = client.get("/places/themes/huanghe-diming-wenhua")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "老渡口" in html and "草稿渡口" not in html
    assert client.get("/places/themes/no-such-theme").status_code == 404
    assert client.get("/places/themes/yinglie-jinian").status_code == 404  # no published entries


def test_geojson_lists_published_places(client, add_place):
    """/places.geojson is a FeatureCollection of published places with [lon, lat] points."""
    place = add_place("坐标测试地", latitude=36.7, longitude=117.5)
    add_place("无坐标地", latitude=None, longitude=None)
    response = client.get("/places.geojson")
    assert response.mimetype == "application/geo+json"
    data = response.get_json()
    assert data["type"] == "FeatureCollection"
    feature = next(f for f in data["features"] if f["id"] == place.code)
    assert feature["geometry"] == {"type": "Point", "coordinates": [117.5, 36.7]}
    assert feature["properties"]["name"] == "坐标测试地" and feature["properties"]["town"] == "埠村街道"
    assert all(f["properties"]["name"] != "无坐标地" for f in data["features"])


def test_sitemap_lists_published_places_and_themes(client, add_place):
    """The sitemap has each published place and each theme with entries."""
    place = add_place("地图测试地", themes=["英烈纪念"])
    xml = client.get("/sitemap.xml").get_data(as_text=True)
    assert f"/places/{place.code}" in xml and "/places/themes/yinglie-jinian" in xml


def test_photos_are_shown_and_served_only_for_published_places(client, add_place):
    """Photos appear with srcset, caption and credit; files are served for published places only."""
    from app.places.photos import store_photo

    place = add_place("照片测试地")
    photo = store_photo(place, plain_png(), "老照片.png", caption="旧址正门", credit="示例图片")
    html = client.get(f"/places/{place.code}").get_data(as_text=True)
    assert "旧址正门" in html and "示例图片" in html and "320w" in html and "960w" in html
    for name in (photo.filename, photo.thumb_filename):
        response = client.get(f"/places/photos/{name}")
        assert response.status_code == 200 and response.mimetype == "image/jpeg"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        response.close()
    assert client.get("/places/photos/..%2Fsecret.jpg").status_code == 404
    assert client.get("/places/photos/0123456789abcdef.jpg").status_code == 404
    hidden = add_place("草稿照片地", status="draft")
    draft_photo = store_photo(hidden, plain_png(), "草稿.png")
    assert client.get(f"/places/photos/{draft_photo.filename}").status_code == 404


def test_home_page_has_a_places_section(client, add_place):
    """The home page shows the places section with the published count and a search box."""
    add_place("首页测试地", themes=["英烈纪念"])
    html = client.get("/").get_data(as_text=True)
    assert (
        "已收录章丘 18 个镇街的红色地名 1 处" in html and 'id="home-place-q"' in html and "英烈纪念" in html
    )


def test_related_places_follow_every_change(app, client, make_user, add_place):
    """A place page's related list is kept between views, yet a new, renamed or archived neighbour shows
    on the next view (the page cache is off here: the memo alone must be right)."""
    app.extensions["zq_page_cache_on"] = False
    place = add_place("甲村烈士墓", latitude=36.70, longitude=117.50)
    assert "乙村纪念馆" not in client.get(f"/places/{place.code}").get_data(as_text=True)
    neighbour = add_place("乙村纪念馆", latitude=36.705, longitude=117.505)
    assert "乙村纪念馆" in client.get(f"/places/{place.code}").get_data(as_text=True)
    archivist = make_user(roles=("archivist",), username="memo-archivist")
    services.archive(neighbour, archivist)
    assert "乙村纪念馆" not in client.get(f"/places/{place.code}").get_data(as_text=True)
