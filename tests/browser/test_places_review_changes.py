"""Edits to a published place go through review, at phone (390×844) and desktop (1366×768) sizes:
archivist A edits → the public page is unchanged and the console shows 有未发布的修改 with a diff →
archivist B approves → the public page and search show the change."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CONTEXT_OPTIONS, _close, _new_page
from tests.places.samples import make_place, place_data, publish

PASSWORD = "archivist-review-pw-2026"
DESKTOP = {"viewport": {"width": 1366, "height": 768}, "device_scale_factor": 1, "is_mobile": False}


@pytest.fixture(params=["phone", "desktop"])
def sized_page(request, browser, live_server, app, monkeypatch):
    """A page at 390×844 (phone) or 1366×768 (desktop)."""
    if request.param == "desktop":
        monkeypatch.setitem(CONTEXT_OPTIONS, "viewport", DESKTOP["viewport"])
        monkeypatch.setitem(CONTEXT_OPTIONS, "device_scale_factor", 1)
        monkeypatch.setitem(CONTEXT_OPTIONS, "is_mobile", False)
        monkeypatch.setitem(CONTEXT_OPTIONS, "has_touch", False)
    context, pg = _new_page(browser, live_server, elder=False)
    yield request.param, pg
    _close(context, pg)


def test_edit_of_published_place_is_reviewed_before_it_goes_live(
    sized_page, make_user, browser_login, axe_violations
):
    """A's edit stays pending (public page and search unchanged) until B approves it."""
    size, page = sized_page
    code = "ZQ-0821" if size == "phone" else "ZQ-0822"
    author = make_user(roles=("archivist",), username=f"r-author-{size}", password=PASSWORD)
    reviewer = make_user(roles=("archivist",), username=f"r-reviewer-{size}", password=PASSWORD)
    publish(make_place(author, **place_data(code=code, name=f"三德范联络站{size}")), author, reviewer)
    new_story = "联络站后来办起了农会夜校，教村民识字。"

    browser_login(page, author.username, PASSWORD)
    page.goto(f"/console/places/{code}/edit")
    expect(page.locator(".alert-info").first).to_contain_text("未发布的修改")
    page.fill("#story", new_story)
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".flashes")).to_contain_text("公众页面仍显示已发布版本")
    expect(page.locator(".badge").nth(1)).to_have_text(re.compile("有未发布的修改"))
    expect(page.locator(".pc-changes .pc-diff ins")).to_contain_text("农会夜校")
    assert axe_violations(page) == []
    page.get_by_role("button", name="提交修改审核").click()
    expect(page.locator(".pc-actions")).to_contain_text("不能审核自己提交的修改")

    page.goto(f"/places/{code}")
    expect(page.locator("main")).not_to_contain_text("农会夜校")
    page.goto("/console/places/?status=changed")
    expect(page.locator("#place-results")).to_contain_text("有未发布的修改（待审核）")

    page.context.clear_cookies()
    browser_login(page, reviewer.username, PASSWORD)
    page.goto("/console/places/?status=in_review")
    page.get_by_role("link", name=re.compile(f"三德范联络站{size}")).click()
    expect(page.locator(".pc-changes")).to_contain_text("农会夜校")
    page.get_by_role("button", name="审核通过并发布修改").click()
    expect(page.locator(".flashes")).to_contain_text("审核通过")
    expect(page.locator(".pc-changes")).to_have_count(0)

    page.goto(f"/places/{code}")
    expect(page.locator("main")).to_contain_text("农会夜校")
    page.goto("/search?q=农会夜校")
    expect(page.locator("main")).to_contain_text(f"三德范联络站{size}")
