"""Issue 11: a photo opens its own page (caption, source, back link), not the bare JPEG."""

from app.places.photos import store_photo
from tests.places.samples import plain_png


def test_photo_page_has_caption_source_and_way_back(client, add_place):
    """The place page links each photo to /places/<code>/photos/<id>; that page names it and leads back."""
    place = add_place("照片页面测试地")
    first = store_photo(place, plain_png(), "一.png", caption="旧址正门", credit="示例图片")
    second = store_photo(place, plain_png(), "二.png")
    detail = client.get(f"/places/{place.code}").get_data(as_text=True)
    assert f'href="/places/{place.code}/photos/{first.id}"' in detail
    page = client.get(f"/places/{place.code}/photos/{first.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<h1>旧址正门</h1>" in html and "摄影/来源：示例图片" in html
    assert f'href="/places/{place.code}"' in html and "第 1 张，共 2 张" in html
    assert f"/places/{place.code}/photos/{second.id}" in html  # 下一张
    assert client.get(f"/places/{place.code}/photos/{second.id + 999}").status_code == 404
    draft = add_place("草稿照片页", status="draft")
    hidden = store_photo(draft, plain_png(), "三.png")
    assert client.get(f"/places/{draft.code}/photos/{hidden.id}").status_code == 404
