"""Public policies pages, home section, sitemap and API: only public items, fragments and full pages."""

from datetime import date, timedelta

from app.extensions import db
from app.policies import services
from app.search import search
from app.web.time import utcnow


def test_list_full_page_and_fragment(client, make_article):
    """/policies/ is a full page; an htmx request gets only the results fragment."""
    make_article(title="关于治理高额彩礼的指导意见")
    page = client.get("/policies/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<html" in html
    assert "关于治理高额彩礼的指导意见" in html and 'hx-push-url="true"' in html
    assert "HX-Request" in page.headers["Vary"]
    fragment = client.get("/policies/?q=彩礼", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in body
    assert "<mark>" in body and 'id="article-list"' in body


def test_list_search_by_pinyin_and_fragment(client, make_article):
    """Typing caili finds 彩礼 documents; the search box keeps the query."""
    make_article(title="关于治理高额彩礼的指导意见")
    make_article(title="婚姻登记颁证服务规范", topic="婚姻登记")
    html = client.get("/policies/?q=caili").get_data(as_text=True)
    assert "治理高额" in html and "颁证服务规范" not in html
    assert 'value="caili"' in html


def test_list_filters_by_kind_topic_status_year(client, make_article):
    """Filters narrow the list and are reflected in the selected options."""
    make_article(title="现行政策甲", published_on=date(2024, 5, 1))
    make_article(kind="news", title="社区活动乙", topic="婚事新办", published_on=date(2023, 5, 1))
    html = client.get("/policies/?kind=news").get_data(as_text=True)
    assert "社区活动乙" in html and "现行政策甲" not in html
    html = client.get("/policies/?topic=婚事新办&year=2023").get_data(as_text=True)
    assert "社区活动乙" in html and "现行政策甲" not in html
    html = client.get("/policies/?status=现行有效").get_data(as_text=True)
    assert "现行政策甲" in html and "社区活动乙" not in html
    assert 'value="现行有效" selected' in html


def test_bad_filter_values_are_ignored(client, make_article):
    """Unknown filter values and nonsense pages never cause an error."""
    make_article(title="一份政策")
    for query in ("kind=evil", "year=abc", "page=-3", "page=99999", "status=<script>", "q=" + "长" * 500):
        response = client.get(f"/policies/?{query}")
        assert response.status_code == 200, query


def test_load_more_appends_next_page(client, make_article):
    """Page 1 ends its list with a control for page 2; htmx asking for page 2 gets the next items only."""
    for n in range(12):
        make_article(kind="news", title=f"动态{n:02d}", published_on=date(2024, 1, n + 1))
    first = client.get("/policies/").get_data(as_text=True)
    assert "加载更多" in first and 'href="/policies/?page=2"' in first
    assert "动态11" in first and "动态01" not in first
    control = first[first.index('<li class="more-item">') :]
    assert control.index("</li>") < control.index("</ol>")  # the list's last <li> is the control
    assert 'hx-get="/policies/?page=2"' in control and 'hx-target="closest li"' in control
    assert 'hx-swap="outerHTML"' in control and 'hx-push-url="false"' in control
    more = client.get("/policies/?page=2", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in more and "动态01" in more and "动态11" not in more
    assert 'class="more-item"' not in more and "加载更多" not in more and "result-count" not in more
    plain = client.get("/policies/?page=2").get_data(as_text=True)
    assert "<html" in plain and "动态01" in plain and "上一页" in plain


def test_empty_result_has_help(client):
    """No results: a friendly message with suggestions."""
    html = client.get("/policies/?q=不存在的内容xyz").get_data(as_text=True)
    assert "没有找到符合条件的内容" in html


def test_policy_page_metadata_and_meta_tags(client, make_article):
    """A policy page shows the government metadata block, the summary box and the meta tags."""
    article = make_article(
        title="婚事新办简办倡导标准",
        doc_number="章民发〔2023〕30号",
        written_on=date(2023, 6, 8),
        published_on=date(2023, 6, 15),
        plain_language="婚宴建议不超过 **15 桌**。",
        body="## 一、婚宴\n\n婚宴从简。",
    )
    html = client.get(f"/policies/{article.slug}").get_data(as_text=True)
    for text in (
        "文号",
        "章民发〔2023〕30号",
        "发文机关",
        "成文日期",
        "2023年6月8日",
        "发布日期",
        "主题分类",
        "有效性",
    ):
        assert text in html
    assert "这对我意味着什么" in html and "<strong>15 桌</strong>" in html
    assert "<h3>一、婚宴</h3>" in html  # Markdown headings sit below the page's own h2 sections
    assert '<meta name="ArticleTitle" content="婚事新办简办倡导标准">' in html
    assert '<meta name="PubDate" content="2023-06-15">' in html
    assert '<meta name="ContentSource" content="济南市章丘区民政局">' in html
    assert '<meta name="ColumnType" content="政策文件">' in html


def test_policy_and_interpretation_link_each_other(client, make_article):
    """A policy lists its interpretations; the interpretation links back to the policy."""
    policy = make_article(title="治理高额彩礼指导意见")
    interpretation = make_article(kind="interpretation", title="彩礼标准为什么调整", policy_id=policy.id)
    html = client.get(f"/policies/{policy.slug}").get_data(as_text=True)
    assert f'href="/policies/{interpretation.slug}"' in html and "政策解读" in html
    html = client.get(f"/policies/{interpretation.slug}").get_data(as_text=True)
    assert "本文解读的是" in html and f'href="/policies/{policy.slug}"' in html


def test_superseded_policy_shows_banner_to_replacement(client, make_article):
    """An amended policy carries a banner linking to the document that replaced it."""
    new = make_article(title="2024年修订版")
    old = make_article(title="2022年原版", validity="已修订", replaced_by_id=new.id)
    html = client.get(f"/policies/{old.slug}").get_data(as_text=True)
    assert "本文件已修订" in html and f'href="/policies/{new.slug}"' in html
    repealed = make_article(title="已废止的方案", validity="已废止")
    html = client.get(f"/policies/{repealed.slug}").get_data(as_text=True)
    assert "本文件已废止" in html and "不再作为办事依据" in html


def test_related_faq_and_news_on_document(client, make_article, make_faq):
    """A document shows FAQ and news on its topic."""
    policy = make_article(title="彩礼政策")
    make_faq("彩礼有上限吗？")
    make_article(kind="news", title="彩礼宣传进农村", venue="农村")
    html = client.get(f"/policies/{policy.slug}").get_data(as_text=True)
    assert "彩礼有上限吗？" in html and "彩礼宣传进农村" in html


def test_drafts_and_future_items_are_404_everywhere(client, make_article):
    """Drafts and scheduled items: 404 page, absent from list, search, sitemap, API and home."""
    draft = make_article(action="save", title="彩礼草稿文件")
    future = make_article(action="schedule", title="彩礼定时文件", publish_at=utcnow() + timedelta(days=1))
    for article in (draft, future):
        response = client.get(f"/policies/{article.slug}")
        assert response.status_code == 404 and "页面不存在" in response.get_data(as_text=True)
        assert client.get(f"/api/v1/policies/{article.slug}").status_code == 404
    for url in (
        "/policies/",
        "/policies/?q=彩礼",
        "/policies/?q=caili",
        "/sitemap.xml",
        "/api/v1/policies?q=彩礼",
        "/",
    ):
        body = client.get(url).get_data(as_text=True)
        assert "草稿文件" not in body and "定时文件" not in body, url
        assert draft.slug not in body and future.slug not in body, url


def test_unknown_slug_is_404_page_and_fragment(client):
    """An unknown slug is a Chinese 404 page, and a fragment for htmx."""
    response = client.get("/policies/no-such-thing")
    assert response.status_code == 404 and "<html" in response.get_data(as_text=True)
    fragment = client.get("/policies/no-such-thing", headers={"HX-Request": "true"})
    assert fragment.status_code == 404 and "<html" not in fragment.get_data(as_text=True)


def test_sitemap_lists_public_articles(client, make_article):
    """The sitemap lists the list page, the FAQ and every public article."""
    article = make_article(title="公开文件")
    xml = client.get("/sitemap.xml").get_data(as_text=True)
    assert f"/policies/{article.slug}</loc>" in xml and "/policies/faq</loc>" in xml


def test_home_shows_latest_news_and_in_force_policies(client, make_article):
    """The home page section lists in-force policies and the latest news."""
    make_article(title="现行有效的政策文件")
    make_article(title="已废止的政策文件", validity="已废止")
    make_article(kind="news", title="最新的活动动态")
    html = client.get("/").get_data(as_text=True)
    assert "现行有效的政策文件" in html and "最新的活动动态" in html
    assert "已废止的政策文件" not in html


def test_faq_page_groups_by_topic_and_searches(client, make_faq):
    """The FAQ page groups questions by topic in <details>; q narrows it (fragment for htmx)."""
    make_faq("彩礼有标准吗？", "有参考标准。", "彩礼治理")
    make_faq("结婚登记要带什么？", "带**身份证**和户口簿。", "婚姻登记")
    html = client.get("/policies/faq").get_data(as_text=True)
    assert html.index("彩礼治理") < html.index("婚姻登记")
    assert "<details" in html and "<strong>身份证</strong>" in html
    fragment = client.get("/policies/faq?q=登记", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "结婚登记要带什么？" in fragment and "彩礼有标准吗？" not in fragment
    assert " open>" in fragment
    full = client.get("/policies/faq?q=dengji").get_data(as_text=True)
    assert "<html" in full and "结婚登记要带什么？" in full


def test_api_lists_public_items_with_filters(client, make_article):
    """GET /api/v1/policies returns published items, filtered and paged; bad values are 400 in Chinese."""
    make_article(title="彩礼指导意见")
    make_article(kind="news", title="婚事新办宣传", topic="婚事新办", venue="学校")
    make_article(action="save", title="彩礼草稿")
    data = client.get("/api/v1/policies").get_json()
    assert data["total"] == 2 and {i["title"] for i in data["items"]} == {"彩礼指导意见", "婚事新办宣传"}
    data = client.get("/api/v1/policies?q=caili").get_json()
    assert [i["title"] for i in data["items"]] == ["彩礼指导意见"]
    assert data["items"][0]["doc_number"].startswith("章民发")
    data = client.get("/api/v1/policies?kind=news&topic=婚事新办").get_json()
    assert [i["venue"] for i in data["items"]] == ["学校"]
    bad = client.get("/api/v1/policies?kind=evil")
    assert bad.status_code == 400 and "kind" in bad.get_json()["error"]["message"]
    assert client.get("/api/v1/policies?page=0").status_code == 400


def test_api_detail_and_openapi(client, make_article):
    """The detail endpoint returns sanitised HTML; the OpenAPI document describes both endpoints."""
    article = make_article(title="详情", body="正文 **加粗**")
    data = client.get(f"/api/v1/policies/{article.slug}").get_json()
    assert data["body_html"].strip() == "<p>正文 <strong>加粗</strong></p>"
    doc = client.get("/api/v1/openapi.json").get_json()
    assert "/policies" in doc["paths"] and "/policies/{slug}" in doc["paths"]
    assert "PolicySummary" in doc["components"]["schemas"]
    params = {p["name"] for p in doc["paths"]["/policies"]["get"]["parameters"]}
    assert {"q", "kind", "topic", "page"} <= params


def test_due_scheduled_article_reaches_site_search(client, app, make_article):
    """Once publish_at passes, the next list/search request hands the article to the search index."""

    article = make_article(
        title="定时公布的集体婚礼通知",
        kind="news",
        action="schedule",
        publish_at=utcnow() + timedelta(hours=1),
    )
    assert client.get(f"/policies/{article.slug}").status_code == 404
    article.search_synced_at = utcnow() - timedelta(hours=2)  # scheduled two hours ago ...
    article.publish_at = utcnow() - timedelta(seconds=1)  # ... and due a moment ago
    db.session.commit()
    assert client.get(f"/policies/{article.slug}").status_code == 200  # pages follow the clock at once
    services._last_release["at"] = 0.0  # the per-process throttle: pretend 30 s have passed
    assert client.get("/search?q=集体婚礼").status_code == 200
    assert [hit.id for hit in search("集体婚礼", kinds=["article"]).hits] == [article.slug]


def test_article_lists_follow_publish_and_unpublish(app, client, make_article, editor):
    """An article page's related news appear and go with the next request after publish and unpublish."""
    app.extensions["zq_page_cache_on"] = False
    policy = make_article(title="关于彩礼的规定", topic="彩礼治理")
    assert "彩礼新闻一则" not in client.get(f"/policies/{policy.slug}").get_data(as_text=True)
    news = make_article(kind="news", title="彩礼新闻一则", topic="彩礼治理")
    assert "彩礼新闻一则" in client.get(f"/policies/{policy.slug}").get_data(as_text=True)
    services.unpublish_article(news, editor)
    assert "彩礼新闻一则" not in client.get(f"/policies/{policy.slug}").get_data(as_text=True)
