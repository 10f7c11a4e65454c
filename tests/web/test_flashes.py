"""Issue 13: a flash message belongs to the action that made it. An htmx action answered in place replaces the
page's flash area out of band (with its own messages, or none), so an earlier page's message does not stay on
screen, and a message flashed during an htmx action shows at once instead of on some later page."""

import re

from app.places import photos
from tests.places.samples import add_place, jpeg_with_gps

HX = {"HX-Request": "true"}


def flash_area(html: str) -> str:
    """The whole ``#flashes`` element of a page or fragment ('' when missing)."""
    match = re.search(r'<div id="flashes"[^>]*>.*?</div>', html, re.S)
    return match.group(0) if match else ""


def test_htmx_action_clears_an_earlier_pages_flash(client, login_as, make_user):
    """Users admin: a no-JS edit flashes 已保存 on the list; a later in-place 停用 sends an empty flash area."""
    login_as("admin")
    target = make_user(roles=("editor",), username="flash-target")
    response = client.post(
        f"/console/users/{target.id}/edit",
        data={f"u{target.id}-display_name": "新名字", f"u{target.id}-roles": ["editor"]},
    )
    assert response.status_code == 303
    page = client.get("/console/users/").get_data(as_text=True)
    assert "已保存 flash-target 的信息" in flash_area(page)
    response = client.post(
        f"/console/users/{target.id}/active", data={"active": "0", "confirm": "yes"}, headers=HX
    )
    assert response.status_code == 200
    area = flash_area(response.get_data(as_text=True))
    assert 'hx-swap-oob="true"' in area and "已保存" not in area and "<p" not in area
    assert "账号已停用" in response.get_data(as_text=True)  # the action's own answer, in its row


def test_message_flashed_during_an_htmx_action_shows_at_once_not_later(client, login_as):
    """Places photos: 照片已删除, flashed by an htmx delete, comes with that fragment and not on the next page."""
    login_as("archivist")
    place = add_place("闪现测试旧址", code="ZQ-0901")
    photo = photos.store_photo(place, jpeg_with_gps(320, 240), "正门.jpg")
    response = client.post(
        f"/console/places/ZQ-0901/photos/{photo.id}/delete", data={"confirm": "yes"}, headers=HX
    )
    assert "照片已删除" in flash_area(response.get_data(as_text=True))
    later = client.get("/console/places/ZQ-0901/photos").get_data(as_text=True)
    assert "照片已删除" not in later


def test_reading_fragments_leave_the_flash_area_alone(client, login_as):
    """A GET fragment (live search, polling, 取消) neither clears nor consumes the flash area."""
    user = login_as("admin")
    response = client.get(f"/console/users/{user.id}", headers=HX)
    assert response.status_code == 200 and 'id="flashes"' not in response.get_data(as_text=True)


def test_every_page_has_the_flash_area_even_when_empty(client):
    """The out-of-band swap needs a target on every page."""
    assert flash_area(client.get("/").get_data(as_text=True)).startswith('<div id="flashes"')
