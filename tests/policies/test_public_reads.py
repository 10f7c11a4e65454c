"""What the public list and article pages read: plain rows (cards), one list statement, remembered pages.

Statements are counted with a ``before_cursor_execute`` listener and only those reading ``articles``
(hooks of other packages may add their own); the page cache is off, as for a cache miss.
"""

from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import event

from app.extensions import db
from app.policies import models, queries, services
from app.web.time import utcnow


@pytest.fixture
def uncached(app):
    app.extensions["zq_page_cache_on"] = False
    services._last_release["at"] = float("inf")  # no release check during the counted requests
    yield app
    services._last_release["at"] = 0.0


@contextmanager
def article_reads():
    """Collect the SQL statements that read the articles table."""
    seen: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        if "FROM articles" in statement:
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


def test_list_cards_show_badges_number_summary_issuer_and_date(uncached, client, make_article):
    """A card: kind and validity badges, 七进 venue, 文号, summary, issuer and date, linked title."""
    make_article(
        title="关于治理高额彩礼的指导意见",
        summary="彩礼参考标准。",
        validity="已废止",
        published_on=date(2024, 3, 5),
    )
    make_article(kind="news", title="婚俗宣传进社区", summary="", issuer="", published_on=date(2024, 3, 1))
    html = client.get("/policies/").get_data(as_text=True)
    policy, news = html.split('<li class="article-card"')[1:3]
    assert '<span class="badge kind-badge kind-policy">政策文件</span>' in policy
    assert '<span class="badge badge-gray">已废止</span>' in policy
    assert '<p class="doc-number">章民发〔2024〕1号</p>' in policy
    assert '<p class="card-summary">彩礼参考标准。</p>' in policy
    assert '济南市章丘区民政局 · <time datetime="2024-03-05">2024年3月5日</time>' in policy
    assert 'card-title"><a href="/policies/guan-yu-zhi-li-gao-e-cai-li-de-zhi-dao-yi-jian">' in policy
    assert '<span class="badge kind-badge kind-news">活动动态</span>' in news
    assert '<span class="badge badge-yellow">进社区</span>' in news
    assert "card-summary" not in news and "doc-number" not in news
    assert '<p class="card-meta muted"><time datetime="2024-03-01">2024年3月1日</time></p>' in news


def test_list_page_reads_articles_once(uncached, client, make_article):
    """The list (with filters, later pages and the htmx fragment) is one statement, rows and total together;
    a page asked for again reads nothing until the content changes."""
    for n in range(12):
        make_article(kind="news", title=f"动态{n:02d}", published_on=date(2024, 1, n + 1))
    client.get("/policies/?kind=policy")  # the year filter and the schedule are read once per generation
    for url, headers in (
        ("/policies/", {}),
        ("/policies/?kind=news&year=2024", {}),
        ("/policies/?page=2", {"HX-Request": "true"}),
        ("/policies/?topic=彩礼治理", {"HX-Request": "true"}),
    ):
        for reads in (1, 0):
            with article_reads() as seen:
                html = client.get(url, headers=headers).get_data(as_text=True)
            assert "共 12 条" in html or "动态01" in html, url
            assert len(seen) == reads, (url, seen)
    make_article(kind="news", title="新发布的动态", published_on=date(2024, 2, 1))
    with article_reads() as seen:
        html = client.get("/policies/").get_data(as_text=True)
    assert "新发布的动态" in html and "共 13 条" in html and seen


def test_remembered_lists_follow_the_clock(uncached, client, make_article, monkeypatch):
    """A scheduled article joins the remembered list, its year filter and the home page once its time comes,
    with no change to any row (so before the release check has moved the content generation)."""
    make_article(kind="news", title="早已发布的动态", published_on=date(2023, 5, 1))
    future = utcnow() + timedelta(hours=1)
    make_article(
        kind="news",
        title="定时发布的动态",
        action="schedule",
        publish_at=future,
        published_on=date(2026, 5, 1),
    )
    for _ in range(2):
        listing, home = (
            client.get("/policies/").get_data(as_text=True),
            client.get("/").get_data(as_text=True),
        )
        assert "定时发布的动态" not in listing + home and '<option value="2026"' not in listing
    later = utcnow() + timedelta(hours=2)
    monkeypatch.setattr(queries, "utcnow", lambda: later)
    monkeypatch.setattr(models, "utcnow", lambda: later)  # the clause of the home page's and the year lists
    listing, home = client.get("/policies/").get_data(as_text=True), client.get("/").get_data(as_text=True)
    assert "定时发布的动态" in listing and '<option value="2026"' in listing and "共 2 条" in listing
    assert "定时发布的动态" in home


def test_list_page_past_the_end_still_counts(uncached, client, make_article):
    """A page past the last one has no rows to carry the total: it is counted on its own."""
    for n in range(3):
        make_article(title=f"政策{n}")
    client.get("/policies/")  # the year filter's list is remembered
    with article_reads() as seen:
        html = client.get("/policies/?page=7").get_data(as_text=True)
    assert "共 3 条" in html and "没有找到符合条件的内容" in html
    assert len(seen) == 2
    assert queries.browse_cards(page=7).total == 3 and queries.browse_cards(kind="news").total == 0


def test_cards_match_the_api_list(uncached, make_article):
    """The page's cards and the API's entities list the same articles in the same order."""
    for n in range(4):
        make_article(kind="news" if n % 2 else "policy", title=f"文章{n}", published_on=date(2024, 2, n + 1))
    for args in ((), ("news",), (None, "彩礼治理"), (None, None, None, 2024)):
        cards, entities = queries.browse_cards(*args, per_page=3), queries.browse_articles(*args, per_page=3)
        assert [c.slug for c in cards.items] == [a.slug for a in entities.items]
        assert (cards.total, cards.pages) == (entities.total, entities.pages)
    found = queries.list_public_cards("文章")
    assert {c.slug for c in found.items} == {a.slug for a in queries.list_public_articles("文章").items}


def test_article_page_is_remembered_until_content_changes(uncached, client, make_article):
    """A second view reads no article row; an edit shows on the next request."""
    policy = make_article(title="治理高额彩礼指导意见")
    interpretation = make_article(kind="interpretation", title="彩礼标准为什么调整", policy_id=policy.id)
    old = make_article(title="2022年原版", validity="已修订", replaced_by_id=policy.id)
    for article, link in ((policy, interpretation), (interpretation, policy), (old, policy)):
        assert client.get(f"/policies/{article.slug}").status_code == 200
        with article_reads() as seen:
            html = client.get(f"/policies/{article.slug}").get_data(as_text=True)
        assert seen == [] and f'href="/policies/{link.slug}"' in html
    policy.title = "治理高额彩礼指导意见（修订）"
    db.session.commit()
    html = client.get(f"/policies/{interpretation.slug}").get_data(as_text=True)
    assert "《治理高额彩礼指导意见（修订）》" in html


def test_remembered_article_page_follows_the_clock(uncached, client, make_article, monkeypatch):
    """A scheduled article (or linked document) shows once its time comes, with no change to any row."""
    future = utcnow() + timedelta(hours=1)
    article = make_article(kind="news", title="定时的集体婚礼通知", action="schedule", publish_at=future)
    policy = make_article(title="定时的政策")
    interpretation = make_article(kind="interpretation", title="定时政策的解读", policy_id=policy.id)
    policy.publish_at = future  # its policy goes back to being scheduled
    db.session.commit()
    assert client.get(f"/policies/{article.slug}").status_code == 404
    html = client.get(f"/policies/{interpretation.slug}").get_data(as_text=True)
    assert "本文解读的是" not in html
    later = utcnow() + timedelta(hours=2)
    monkeypatch.setattr(queries, "utcnow", lambda: later)
    assert client.get(f"/policies/{article.slug}").status_code == 200
    html = client.get(f"/policies/{interpretation.slug}").get_data(as_text=True)
    assert "本文解读的是" in html and f'href="/policies/{policy.slug}"' in html


def test_unpublished_and_unknown_slugs_stay_404(uncached, client, make_article, editor):
    article = make_article(title="要撤回的文件")
    assert client.get(f"/policies/{article.slug}").status_code == 200
    services.unpublish_article(article, editor)
    assert client.get(f"/policies/{article.slug}").status_code == 404
    assert client.get("/policies/" + "x" * 300).status_code == 404
