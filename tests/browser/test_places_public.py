"""Resident journeys on the 红色地名 pages at phone size: search, filter, open a place and its photos."""

import io
import re

import pytest
from PIL import Image

from app.extensions import db
from app.places.photos import store_photo
from app.search import reset_index
from tests.places.samples import add_place


def _png(color) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), color).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def places(app):
    """A few published places (one with two photos) and a draft, indexed."""
    reset_index(app)
    sdf = add_place(
        "三德范村",
        code="ZQ-0101",
        town="文祖街道",
        category="红色村庄",
        aliases=[("三德范庄", "曾用名")],
        persons=["李振华"],
        story="抗战时期全村一百多名青壮年参军参战，被誉为抗日模范村。",
        latitude=36.57,
        longitude=117.41,
    )
    add_place("三德范抗日小学旧址", code="ZQ-0102", town="文祖街道", category="红色道路与学校")
    add_place("埠村抗日民主政府旧址", code="ZQ-0103", town="埠村街道")
    add_place(
        "宁家埠渡口",
        code="ZQ-0104",
        town="宁家埠街道",
        category="革命遗址",
        era="解放战争时期",
        latitude=36.851,
        longitude=117.521,
    )
    add_place("三德范草稿条目", code="ZQ-0105", town="文祖街道", status="draft")
    store_photo(sdf, _png((150, 40, 40)), "村口老槐树.png", caption="村口老槐树", credit="示例图片")
    store_photo(sdf, _png((40, 90, 150)), "抗日模范村旧匾.png", credit="示例图片")
    return sdf


def test_resident_searches_filters_and_opens_a_place(page, places, axe_violations):
    """Search by a fragment and by initials live, filter by 镇街, open the place and a photo; axe clean."""
    page.goto("/places/")
    assert axe_violations(page) == []

    page.fill("#place-q", "德范")
    page.wait_for_url(re.compile(r"q=%E5%BE%B7%E8%8C%83"))
    results = page.locator("#place-results")
    results.locator(".place-item").first.wait_for()
    assert "三德范村" in results.inner_text() and "草稿" not in results.inner_text()

    page.fill("#place-q", "sdfc")
    page.wait_for_url(re.compile(r"q=sdfc"))
    page.wait_for_function("() => document.querySelector('#place-results').innerText.includes('三德范村')")

    page.fill("#place-q", "")
    page.wait_for_function("() => !location.search.includes('q=sdfc')")
    page.locator("details.filters summary").click()
    page.select_option("#f-town", "埠村街道")
    page.wait_for_url(re.compile(r"town=%E5%9F%A0"))
    page.wait_for_function("() => document.querySelector('#place-results').innerText.includes('共找到 1 处')")
    assert "埠村抗日民主政府旧址" in results.inner_text()
    assert "三德范" not in results.inner_text()

    page.select_option("#f-town", "文祖街道")
    page.wait_for_function("() => document.querySelector('#place-results').innerText.includes('三德范村')")
    page.locator(".place-link", has_text="三德范村").first.click()
    page.wait_for_url("**/places/ZQ-0101")
    assert page.locator("h1").inner_text() == "三德范村"
    assert "sān dé fàn cūn" in page.locator(".place-head").inner_text()
    assert page.locator("a[href^='geo:']").count() == 1
    thumbs = page.locator(".photo-grid img")
    assert thumbs.count() == 2
    thumbs.first.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('.photo-grid img').naturalWidth > 0")
    assert "村口老槐树" in page.locator(".photo-grid").inner_text()
    assert axe_violations(page) == []

    # The thumbnail links to the photo's page (issue 11), which links the large photo (checked over HTTP:
    # Chromium's own image viewer uses inline styles that our CSP header, rightly, also blocks on images).
    href = page.locator(".photo-grid a").first.get_attribute("href")
    photo_page = page.request.get(href)
    assert photo_page.status == 200 and "村口老槐树" in photo_page.text()
    jpeg = re.search(r'href="(/places/photos/[0-9a-f]+\.jpg)"', photo_page.text()).group(1)
    full = page.request.get(jpeg)
    assert full.status == 200 and full.headers["content-type"] == "image/jpeg"


def test_back_button_restores_the_search(page, places):
    """The pushed URL reflects the search, so going back after opening a place shows the same results."""
    page.goto("/places/?q=三德范")
    page.locator(".place-link", has_text="三德范村").first.click()
    page.wait_for_url("**/places/ZQ-0101")
    page.go_back()
    page.wait_for_url(re.compile(r"/places/\?q="))
    assert page.locator("#place-q").input_value() == "三德范"
    assert "三德范村" in page.locator("#place-results").inner_text()


def test_load_more_appends_results(page, app, places):
    """加载更多 appends the next page in place."""
    for n in range(21):
        add_place(f"文祖纪念亭{n:02d}", town="文祖街道", commit=False)
    db.session.commit()
    page.goto("/places/?town=文祖街道&sort=name")
    assert page.locator(".place-item").count() == 20
    page.locator(".more-item a").click()
    page.wait_for_function("() => document.querySelectorAll('.place-item').length > 20")
    assert page.locator(".place-item").count() == 23


def test_elder_mode_pages_are_accessible(elder_page, places, axe_violations):
    """In 长辈模式 the list and the place page have no serious axe violations and big tap targets."""
    elder_page.goto("/places/?q=三德范")
    assert axe_violations(elder_page) == []
    box = elder_page.locator("#place-search button[type=submit]").bounding_box()
    assert box["height"] >= 60
    elder_page.goto("/places/ZQ-0101")
    assert axe_violations(elder_page) == []


def test_theme_pages_are_accessible(page, app, places, axe_violations):
    """The themes index and a theme page render for a phone without serious axe violations."""
    add_place("黄河老渡口", code="ZQ-0110", themes=["黄河地名文化"])
    page.goto("/places/themes/")
    assert "黄河地名文化" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    page.locator("a", has_text="黄河地名文化").first.click()
    page.wait_for_url("**/places/themes/huanghe-diming-wenhua")
    assert "黄河老渡口" in page.locator("main").inner_text()
    assert axe_violations(page) == []


def test_near_me_uses_the_browser_location_only_when_tapped(browser, live_server, places):
    """附近 asks for the location only when tapped, then sorts by distance and shows kilometres."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        geolocation={"latitude": 36.85, "longitude": 117.52},
        permissions=[],
    )
    try:
        pg = context.new_page()
        pg.goto("/places/")
        button = pg.locator("#near-me")
        button.wait_for(state="visible")
        assert "distance" not in pg.url
        context.grant_permissions(["geolocation"])
        button.click()
        pg.wait_for_url(re.compile(r"sort=distance"))
        pg.wait_for_function("() => document.querySelector('#place-results').innerText.includes('公里')")
        first = pg.locator(".place-item .place-name").first.inner_text()
        assert first == "宁家埠渡口"
        assert "near=36.85" in pg.url
    finally:
        context.close()


def test_facet_counts_load_when_the_panel_opens(page, places, axe_violations):
    """The counts panel is fetched only when opened (after a live search too), in place, with no reload."""
    requests = []
    page.on("request", lambda r: requests.append(r.url) if "/places/facets" in r.url else None)
    page.goto("/places/?q=三德范")
    assert requests == [] and page.locator(".facets .count").count() == 0
    page.locator("details.facets summary").click()
    page.wait_for_function("() => document.querySelectorAll('.facets .count').length > 0")
    panel = page.locator("details.facets").inner_text()
    assert "文祖街道" in panel and "显示各项数量" not in panel
    assert len(requests) == 1 and "/places/?q=" in page.url and "facets" not in page.url
    assert axe_violations(page) == []

    page.fill("#place-q", "埠")
    page.wait_for_url(re.compile(r"q=%E5%9F%A0"))
    page.wait_for_function("() => !document.querySelector('#place-results').innerText.includes('三德范村')")
    page.locator("details.facets summary").click()
    page.wait_for_function("() => document.querySelector('details.facets').innerText.includes('埠村街道')")
    assert len(requests) == 2
