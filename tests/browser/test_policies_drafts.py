"""Browser journey for issue 13 (policies): edits to a live article wait for 发布修改, at 390 px and 1366×768.

The editor types while a live preview is still on its way (the test holds that response back), then saves
at once: the console must stay free of errors (no ``htmx:sendAbort``), the last preview must win, and
the save must neither wait for the preview nor lose the typed text.
"""

import pytest
from playwright.sync_api import expect

from app.policies import services
from tests.browser.conftest import CONTEXT_OPTIONS

PASSWORD = "drafts-editor-password-1"
SLOW = 15_000
VIEWPORTS = {
    "phone": {},
    "desktop": {
        "viewport": {"width": 1366, "height": 768},
        "device_scale_factor": 1,
        "is_mobile": False,
        "has_touch": False,
    },
}
# Counts the live-preview requests htmx is asked to start (evaluated through DevTools, outside the CSP).
COUNT_PREVIEWS = """() => { window.previewTriggers = 0; document.addEventListener('htmx:confirm', e => {
    if (e.detail.path && e.detail.path.endsWith('/preview')) { window.previewTriggers += 1; } }); }"""


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def editor_page(request, browser, live_server, app):
    """A page at the requested viewport that records every console error and uncaught exception."""
    context = browser.new_context(base_url=live_server.url, **(CONTEXT_OPTIONS | VIEWPORTS[request.param]))
    context.set_default_timeout(10_000)
    pg = context.new_page()
    pg.errors = []
    pg.on("console", lambda message: message.type == "error" and pg.errors.append(message.text))
    pg.on("pageerror", lambda error: pg.errors.append(str(error)))
    yield pg
    context.close()


def test_edit_waits_for_publish_changes(editor_page, make_user, browser_login):
    """Edit a live article → public page unchanged → 有未发布的修改 with diff → 发布修改 → page and search change."""
    page = editor_page
    editor = make_user(roles=("editor",), username="drafts-editor", password=PASSWORD)
    article = services.save_article(
        None,
        {
            "kind": "policy",
            "title": "婚宴简办标准",
            "topic": "婚事新办",
            "doc_number": "章民发〔2024〕8号",
            "issuer": "济南市章丘区民政局",
            "validity": "现行有效",
            "body": "婚宴不超过 15 桌。",
        },
        "publish",
        editor,
    )
    browser_login(page, "drafts-editor", PASSWORD)
    page.goto(f"/console/policies/{article.id}/edit")
    page.evaluate(COUNT_PREVIEWS)
    held, hold = [], {"on": True}

    def preview_route(route):
        if hold["on"]:
            held.append(route)  # the server "is slow": this preview waits until the test lets it go
            hold["on"] = False
        else:
            route.continue_()

    page.route("**/console/policies/preview", preview_route)
    body = page.locator("#body")
    body.fill("")
    with page.expect_request("**/console/policies/preview"):
        body.press_sequentially("婚宴不办流水席", delay=10)
    body.press_sequentially("，从简", delay=10)  # a second preview is due while the first is held back
    page.wait_for_function("() => window.previewTriggers >= 2")
    held.pop().continue_()
    expect(page.locator("#article-preview .article-body")).to_contain_text(
        "婚宴不办流水席，从简", timeout=SLOW
    )

    hold["on"] = True
    with page.expect_request("**/console/policies/preview"):
        body.press_sequentially("办理。", delay=5)
    page.get_by_role("button", name="保存修改", exact=True).click()  # while that preview is still out
    expect(page.locator(".flashes")).to_contain_text("修改已保存，尚未发布", timeout=SLOW)
    held.pop().continue_()  # the late preview lands on the old, replaced page: harmless
    expect(page.locator("#body")).to_have_value("婚宴不办流水席，从简办理。")
    expect(page.locator("#pending-changes ins")).to_contain_text("婚宴不办流水席，从简办理。")

    page.goto(f"/policies/{article.slug}")
    expect(page.locator(".article-body")).to_contain_text("婚宴不超过 15 桌。")
    page.goto("/console/policies/")
    card = page.locator(".console-articles li", has_text="婚宴简办标准")
    expect(card).to_contain_text("有未发布的修改")
    card.get_by_role("link", name="查看差异并发布").click()
    expect(page.locator("#pending-changes del")).to_contain_text("婚宴不超过 15 桌。", timeout=SLOW)
    page.get_by_role("button", name="发布修改", exact=True).click()
    expect(page.locator(".flashes")).to_contain_text("修改已发布", timeout=SLOW)
    expect(page.locator("#pending-changes")).to_have_count(0)

    page.goto(f"/policies/{article.slug}")
    expect(page.locator(".article-body")).to_contain_text("婚宴不办流水席，从简办理。")
    page.goto("/policies/?q=流水席")
    expect(page.locator("#article-list")).to_contain_text("婚宴简办标准")
    assert page.errors == []


def test_discard_and_unpublish_ask_first(editor_page, browser, live_server, make_user, browser_login):
    """放弃修改 asks in a <dialog> naming the article (取消 keeps the changes, 确定 drops them); without
    JavaScript 撤回发布 leads to a confirmation page whose 确定撤回 takes the article off the site."""
    page = editor_page
    editor = make_user(roles=("editor",), username="confirm-editor", password=PASSWORD)
    data = {
        "kind": "policy",
        "title": "丧事简办倡议",
        "topic": "婚事新办",
        "doc_number": "章民发〔2024〕9号",
        "issuer": "济南市章丘区民政局",
        "validity": "现行有效",
        "body": "不搭灵棚。",
    }
    article = services.save_article(None, data, "publish", editor)
    services.save_article(article, article.snapshot() | {"body": "不请乐队。"}, "save", editor)
    article_id, slug = article.id, article.slug
    browser_login(page, "confirm-editor", PASSWORD)
    page.goto(f"/console/policies/{article_id}/edit")
    discard = page.get_by_role("button", name="放弃修改", exact=True)
    discard.click()
    dialog = page.get_by_role("dialog", name="请确认")
    expect(dialog).to_contain_text("确定放弃“丧事简办倡议”未发布的修改吗？")
    dialog.get_by_role("button", name="取消").click()
    expect(dialog).to_have_count(0)
    expect(page.locator("#pending-changes")).to_have_count(1)
    discard.click()
    dialog.get_by_role("button", name="确定").click()
    expect(page.locator(".flashes")).to_contain_text("已放弃未发布的修改", timeout=SLOW)
    expect(page.locator("#pending-changes")).to_have_count(0)
    assert page.errors == []

    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, **CONTEXT_OPTIONS)
    plain = context.new_page()
    browser_login(plain, "confirm-editor", PASSWORD)
    plain.goto(f"/console/policies/{article_id}/edit")
    plain.get_by_role("button", name="撤回发布（改回草稿）").click()
    assert plain.get_by_role("heading", level=1).inner_text() == "撤回发布"
    assert "确定撤回“丧事简办倡议”的发布吗？" in plain.locator("main").inner_text()
    plain.get_by_role("button", name="确定撤回").click()
    plain.wait_for_url(f"**/console/policies/{article_id}/edit")
    assert "已撤回发布" in plain.locator(".flashes").inner_text()
    context.close()
    assert page.goto(f"/policies/{slug}").status == 404
