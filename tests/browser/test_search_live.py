"""Browser journey for the site-wide search page at 390×844: live results, URL, load more, a11y."""

import re

import pytest
from playwright.sync_api import expect

from app.search import SearchDocument, register_provider
from app.search.engine import rebuild, state
from tests.browser.conftest import CONTEXT_OPTIONS


@pytest.fixture
def indexed(app):
    """Index a small mixed corpus through an in-memory provider (the live server reads the same index)."""
    docs = [
        SearchDocument(
            "place", "ZQ-0001", "明水街道烈士陵园", "/places/ZQ-0001", body="始建于1947年。", town="明水街道"
        ),
        SearchDocument(
            "article", "caili", "关于治理高额彩礼的实施意见", "/policies/caili", summary="抵制高额彩礼。"
        ),
        SearchDocument("faq", "1", "彩礼有标准吗？", "/policies/faq#faq-1", body="有参考标准。"),
    ]
    docs += [
        SearchDocument("place", f"ZQ-1{i:03d}", f"红色村庄{i:02d}号", f"/places/ZQ-1{i:03d}", town="刁镇")
        for i in range(25)
    ]
    st = state(app)
    saved = dict(st.providers)
    st.providers.clear()
    register_provider(app, "place", lambda ids: [d for d in docs if d.kind == "place"])
    register_provider(app, "article", lambda ids: [d for d in docs if d.kind == "article"])
    register_provider(app, "faq", lambda ids: [d for d in docs if d.kind == "faq"])
    rebuild(app)
    yield docs
    st.providers.clear()
    st.providers.update(saved)


def test_typing_shows_live_results_and_pushes_the_url(page, indexed, axe_violations):
    """Typing 彩礼 shows labelled results without a submit and puts ?q= in the address bar."""
    page.goto("/search")
    expect(page.locator(".search-empty")).to_contain_text("请输入要查找的内容")
    assert axe_violations(page) == []
    page.locator("#search-q").press_sequentially("彩礼", delay=60)
    expect(page.locator(".search-summary")).to_contain_text("找到 2 条")
    expect(page.locator(".search-hits")).to_contain_text("政策文章")
    expect(page.locator(".search-hits")).to_contain_text("常见问题")
    expect(page).to_have_url(re.compile(r"/search\?q=%E5%BD%A9%E7%A4%BC$"))
    assert page.locator(".search-hits mark").count() >= 2
    assert axe_violations(page) == []
    page.reload()
    expect(page.locator(".search-summary")).to_contain_text("找到 2 条")


def test_load_more_appends_the_next_page(page, indexed):
    """加载更多 appends the next ten results in place; the plain pagination links still exist."""
    page.goto("/search?q=红色村庄")
    expect(page.locator(".search-hit")).to_have_count(10)
    page.get_by_role("link", name="加载更多").click()
    expect(page.locator(".search-hit")).to_have_count(20)
    page.get_by_role("link", name="加载更多").click()
    expect(page.locator(".search-hit")).to_have_count(25)
    expect(page.get_by_role("link", name="加载更多")).to_have_count(0)


def test_header_search_box_and_no_results(elder_page, indexed, axe_violations):
    """The header box on any page leads to /search; a near miss offers a did-you-mean link (长辈模式)."""
    elder_page.goto("/")
    elder_page.locator("#site-q").fill("明水街道烈士林园")
    elder_page.locator("#site-q").press("Enter")
    expect(elder_page.locator(".search-suggestion")).to_contain_text("您是不是要找")
    elder_page.locator(".search-suggestion").get_by_role("link", name="明水街道烈士陵园").click()
    expect(elder_page.locator(".search-hit")).to_have_count(1)
    assert axe_violations(elder_page) == []


def test_distress_words_show_the_help_card_first(page, indexed, axe_violations):
    """Typing 被打了 live: the help card with 110/12338 and the hotline comes before anything else."""
    page.goto("/search")
    page.locator("#search-q").press_sequentially("被打了", delay=60)
    card = page.get_by_role("alert").filter(has_text="您的安全最重要")
    expect(card).to_be_visible()
    expect(card.locator('a[href="tel:110"]')).to_be_visible()
    expect(card.locator('a[href="tel:12338"]')).to_be_visible()
    expect(card.get_by_role("link", name="在网上预约咨询员")).to_have_attribute("href", "/hotline/book")
    expect(page.locator(".search-suggestion")).to_have_count(0)
    assert axe_violations(page) == []


def test_help_card_without_javascript(browser, live_server, indexed):
    """With JavaScript off, /places/?q=家暴 still shows the card (plain links, nothing to run)."""
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, **CONTEXT_OPTIONS)
    try:
        page = context.new_page()
        page.goto("/places/?q=家暴")
        expect(page.locator(".help-card")).to_be_visible()
        expect(page.locator('.help-card a[href="tel:12356"]')).to_be_visible()
    finally:
        context.close()
