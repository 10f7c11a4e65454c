"""Browser journeys for the policies pages at 390×844: a resident searching, an editor publishing."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.policies import demo, services
from app.policies.models import Article

EDITOR_PASSWORD = "policy-editor-password-1"
SLOW = 15_000  # ms: server round trips on a busy shared machine (the suite runs with -n 4)


@pytest.fixture
def policy_set(app, make_user):
    """A published policy with an interpretation, plus unrelated items, through the real services."""

    editor = make_user(roles=("editor",), username="journey-editor", password=EDITOR_PASSWORD)

    def save(**data):
        base = {"summary": "摘要", "plain_language": "", "body": "正文。", "issuer": "济南市章丘区民政局"}
        return services.save_article(None, base | data, "publish", editor)

    policy = save(
        kind="policy",
        title="关于治理高额彩礼的指导意见",
        topic="彩礼治理",
        doc_number="章民发〔2024〕6号",
        validity="现行有效",
        published_on=date(2024, 3, 5),
        plain_language="彩礼有参考上限，提倡不要彩礼。",
        body="## 一、参考标准\n\n原则上不超过上年度人均可支配收入的 1.5 倍。",
    )
    interpretation = save(
        kind="interpretation",
        title="彩礼参考标准为什么调整",
        topic="彩礼治理",
        policy_id=policy.id,
        body="根据入户调查，群众希望标准进一步降低。",
    )
    save(
        kind="policy",
        title="婚姻登记颁证服务规范",
        topic="婚姻登记",
        doc_number="章民发〔2023〕31号",
        validity="现行有效",
    )
    save(kind="news", title="集体婚礼在百脉泉畔举行", topic="婚事新办", venue="社区")
    faq = services.save_faq(None, "彩礼有标准吗？", "有参考标准。", "彩礼治理")
    return {"editor": editor, "policy": policy, "interpretation": interpretation, "faq": faq}


def test_resident_searches_reads_and_comes_back(page, policy_set, axe_violations):
    """Typing 彩礼 updates the list live and the URL; document → interpretation → back twice restores it."""
    page.goto("/policies/")
    assert axe_violations(page) == []
    page.locator("#policy-q").press_sequentially("彩礼", delay=60)
    expect(page.locator(".result-count")).to_contain_text("搜索“彩礼”", timeout=SLOW)
    expect(page.locator("#article-list")).not_to_contain_text("颁证服务规范", timeout=SLOW)
    expect(page).to_have_url(re.compile(r"/policies/\?q=%E5%BD%A9%E7%A4%BC$"))  # empty filters left out
    assert page.locator("#article-list mark").count() >= 1

    page.locator("#article-list a", has_text="关于治理高额彩礼的指导意见").click()
    expect(page.locator("h1")).to_have_text("关于治理高额彩礼的指导意见", timeout=SLOW)
    expect(page.locator(".gov-meta")).to_contain_text("章民发〔2024〕6号", timeout=SLOW)
    expect(page.locator(".plain-box")).to_contain_text("彩礼有参考上限", timeout=SLOW)
    assert axe_violations(page) == []

    page.get_by_role("link", name="彩礼参考标准为什么调整").click()
    expect(page.locator("h1")).to_have_text("彩礼参考标准为什么调整", timeout=SLOW)
    expect(page.locator(".interprets a")).to_contain_text("关于治理高额彩礼的指导意见", timeout=SLOW)

    page.go_back()
    expect(page.locator("h1")).to_have_text("关于治理高额彩礼的指导意见", timeout=SLOW)
    page.go_back()
    expect(page.locator("h1")).to_have_text("婚俗改革", timeout=SLOW)
    expect(page).to_have_url(re.compile(r"/policies/\?.*q=%E5%BD%A9%E7%A4%BC"), timeout=SLOW)
    expect(page.locator("#policy-q")).to_have_value("彩礼", timeout=SLOW)
    expect(page.locator(".result-count")).to_contain_text("搜索“彩礼”", timeout=SLOW)
    expect(page.locator("#article-list")).not_to_contain_text("颁证服务规范", timeout=SLOW)


def test_resident_filters_and_loads_more(page, app, policy_set):
    """A filter change updates the list and URL; 加载更多 appends the next page in place."""

    for n in range(11):
        services.save_article(
            None,
            {
                "kind": "news",
                "title": f"宣传活动第{n + 1}场",
                "topic": "移风易俗",
                "venue": "学校",
                "published_on": date(2023, 1, n + 1),
            },
            "publish",
            policy_set["editor"],
        )
    page.goto("/policies/")
    page.locator(".filter-box summary").click()
    page.select_option("#f-topic", "移风易俗")
    expect(page).to_have_url(re.compile(r"topic=%E7%A7%BB"), timeout=SLOW)
    expect(page.locator(".result-count")).to_contain_text("共 11 条", timeout=SLOW)
    expect(page.locator("#article-list > li.article-card")).to_have_count(10, timeout=SLOW)
    page.get_by_role("link", name="加载更多").click()
    expect(page.locator("#article-list > li.article-card")).to_have_count(11, timeout=SLOW)
    expect(page.get_by_role("link", name="加载更多")).to_have_count(0, timeout=SLOW)
    expect(page.locator("#article-list a", has_text="宣传活动第1场")).to_be_focused(timeout=SLOW)


def test_faq_page_search_and_elder_mode(elder_page, policy_set, axe_violations):
    """The FAQ page in 长辈模式: searchable, disclosures open, no serious axe violations."""
    elder_page.goto("/policies/faq")
    assert axe_violations(elder_page) == []
    elder_page.locator("#faq-q").press_sequentially("彩礼", delay=60)
    expect(elder_page.locator(".result-count")).to_contain_text("找到 1 个问题", timeout=SLOW)
    expect(elder_page.locator("details.faq-item[open] summary")).to_have_text("彩礼有标准吗？", timeout=SLOW)
    faq_id = policy_set["faq"].id
    elder_page.goto(f"/policies/faq#faq-{faq_id}")
    expect(elder_page.locator(f"#faq-{faq_id}")).to_have_attribute("open", "", timeout=SLOW)


def test_editor_drafts_previews_and_publishes(page, policy_set, browser_login, axe_violations):
    """An editor writes a draft with live preview and publishes it (edits after that: test_policies_drafts)."""
    browser_login(page, "journey-editor", EDITOR_PASSWORD)
    page.goto("/console/policies/")
    page.get_by_role("link", name="新建政策文件").click()
    expect(page.locator("h1")).to_have_text("新建政策文件", timeout=SLOW)
    page.fill("#title", "章丘区婚事新办简办倡导标准")
    page.select_option("#topic", "婚事新办")
    page.fill("#doc_number", "章民发〔2023〕30号")
    page.fill("#issuer", "济南市章丘区民政局")
    page.select_option("#validity", "现行有效")
    page.locator("#body").press_sequentially("## 婚宴\n\n不超过 **15 桌**。", delay=20)
    expect(page.locator("#article-preview h3")).to_have_text("婚宴", timeout=SLOW)
    expect(page.locator("#article-preview strong")).to_have_text("15 桌", timeout=SLOW)
    assert axe_violations(page) == []

    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".flashes")).to_contain_text("已保存", timeout=SLOW)
    expect(page.locator(".article-state")).to_contain_text("草稿", timeout=SLOW)

    page.get_by_role("button", name="立即发布").click()
    expect(page.locator(".flashes")).to_contain_text("已发布", timeout=SLOW)
    expect(page.locator(".article-state")).to_contain_text("已发布", timeout=SLOW)
    page.get_by_role("link", name="查看公开页面").click()
    expect(page.locator("h1")).to_have_text("章丘区婚事新办简办倡导标准", timeout=SLOW)
    expect(page.locator(".article-body")).to_contain_text("15 桌", timeout=SLOW)


def test_editor_sees_errors_next_to_fields(page, policy_set, browser_login):
    """A wrong 文号 is shown next to the field with the suggestion, and the typed values stay."""
    browser_login(page, "journey-editor", EDITOR_PASSWORD)
    page.goto("/console/policies/new?kind=policy")
    page.fill("#title", "测试文件")
    page.fill("#doc_number", "章民发[2023]12号")
    page.fill("#issuer", "济南市章丘区民政局")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator("#doc_number-error")).to_contain_text("章民发〔2023〕12号", timeout=SLOW)
    expect(page.locator("#title")).to_have_value("测试文件", timeout=SLOW)
    expect(page.locator(".error-summary")).to_be_visible(timeout=SLOW)


@pytest.fixture
def demo_policies(app):
    """The policies demo content (the realistic set editors and residents would see)."""

    demo.load()


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
def test_public_pages_pass_axe(page, elder_page, demo_policies, axe_violations, elder):
    """List, superseded document, interpretation, news and FAQ pages: no serious/critical axe violations."""

    pg = elder_page if elder else page
    superseded = db.session.scalar(select(Article.slug).where(Article.validity == "已修订"))
    interpretation = db.session.scalar(select(Article.slug).where(Article.kind == "interpretation"))
    news = db.session.scalar(select(Article.slug).where(Article.kind == "news", Article.published.is_(True)))
    for url in (
        "/policies/?topic=彩礼治理",
        f"/policies/{superseded}",
        f"/policies/{interpretation}",
        f"/policies/{news}",
        "/policies/faq",
        "/",
    ):
        response = pg.goto(url)
        assert response.status == 200, url
        assert axe_violations(pg) == [], url


def test_console_pages_pass_axe(page, demo_policies, make_user, browser_login, axe_violations):
    """The editor list, an edit form with pending changes, the FAQ console and a diff page pass axe."""

    make_user(roles=("editor",), username="axe-editor", password=EDITOR_PASSWORD)
    browser_login(page, "axe-editor", EDITOR_PASSWORD)
    article_id = db.session.scalar(
        select(Article.id).where(Article.kind == "policy", Article.public_clause())
    )
    page.goto(f"/console/policies/{article_id}/edit")
    page.fill("#summary", "改过的摘要。")
    page.get_by_role("button", name="保存修改", exact=True).click()
    expect(page.locator(".flashes")).to_contain_text("修改已保存", timeout=SLOW)
    for url in (
        "/console/policies/",
        f"/console/policies/{article_id}/edit",
        "/console/policies/faq/",
        f"/console/policies/{article_id}/revisions",
        f"/console/policies/{article_id}/diff?a=1&b=2",
        "/console/policies/new?kind=news",
    ):
        response = page.goto(url)
        assert response.status == 200, url
        assert axe_violations(page) == [], url
