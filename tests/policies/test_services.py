"""Policies services: saving, publishing, scheduling, validation, revisions, FAQ order, visibility."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.policies import demo, queries, revisions, services
from app.policies.models import VENUES, Article, Faq
from app.web.time import utcnow


def test_slug_is_pinyin_and_unique(make_article):
    """Slugs come from the title's pinyin; a second identical title gets a numbered slug."""
    first = make_article(title="关于彩礼的通知")
    second = make_article(title="关于彩礼的通知", doc_number="章民发〔2024〕99号")
    assert first.slug == "guan-yu-cai-li-de-tong-zhi"
    assert second.slug == "guan-yu-cai-li-de-tong-zhi-2"


def test_slug_keeps_digits_and_avoids_reserved_words(make_article):
    """Digits stay together and a slug never collides with /policies/faq."""
    article = make_article(kind="news", title="2024年集体婚礼")
    assert article.slug == "2024-nian-ji-ti-hun-li"
    assert services.make_slug("FAQ") == "faq-2"


def test_slug_follows_title_until_first_publication(make_article, editor):
    """A draft's slug follows its title; once published it never changes."""
    draft = make_article(action="save", title="婚宴标准")
    assert draft.slug == "hun-yan-biao-zhun"
    data = draft.snapshot() | {"title": "婚车标准"}
    services.save_article(draft, data, "save", editor)
    assert draft.slug == "hun-che-biao-zhun"
    services.save_article(draft, data, "publish", editor)
    services.save_article(draft, draft.snapshot() | {"title": "婚礼仪式标准"}, "save", editor)
    assert draft.slug == "hun-che-biao-zhun"
    services.unpublish_article(draft, editor)
    services.save_article(draft, draft.snapshot() | {"title": "另一个标题"}, "save", editor)
    assert draft.slug == "hun-che-biao-zhun"


def test_new_article_defaults_to_draft_and_is_not_public(make_article):
    """Saving without publishing makes a draft that the public queries never return."""
    draft = make_article(action="save")
    assert draft.state_label == "草稿"
    assert queries.get_public_article(draft.slug) is None
    assert draft not in queries.browse_articles().items


def test_publish_now_sets_dates(make_article):
    """Publishing makes the article public and fills 发布日期 when it was empty."""
    article = make_article()
    assert article.is_public()
    assert article.published_on == utcnow().date()
    assert article.first_published_at is not None
    assert queries.get_public_article(article.slug) == article


def test_schedule_in_future_is_invisible_until_due(make_article):
    """A scheduled article stays invisible until publish_at, then is public without further action."""
    article = make_article(action="schedule", publish_at=utcnow() + timedelta(hours=2))
    assert article.is_scheduled() and not article.is_public()
    assert queries.get_public_article(article.slug) is None
    article.publish_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert queries.get_public_article(article.slug) == article


def test_schedule_in_past_is_refused(make_article):
    """publish_at must lie in the future; the message points to 立即发布."""
    with pytest.raises(services.PolicyError) as info:
        make_article(action="schedule", publish_at=utcnow() - timedelta(minutes=5))
    assert "晚于现在" in info.value.errors["publish_at"]
    with pytest.raises(services.PolicyError) as info:
        make_article(action="schedule", publish_at=None)
    assert "publish_at" in info.value.errors


def test_missing_title_is_refused(make_article):
    """An article needs a title."""
    with pytest.raises(services.PolicyError) as info:
        make_article(title="  ")
    assert info.value.errors["title"] == "请填写标题。"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("章民发〔2023〕12号", None),
        ("章政办发〔2024〕3号", None),
        ("章民发[2023]12号", "您是不是要填“章民发〔2023〕12号”"),
        ("章民发（2023）12号", "您是不是要填“章民发〔2023〕12号”"),
        ("章民发【2023】12", "您是不是要填“章民发〔2023〕12号”"),
        ("2023年12号", "格式如 章民发〔2023〕12号"),
        ("abc〔2023〕1号", "格式如 章民发〔2023〕12号"),
    ],
)
def test_doc_number_format_hint(value, expected):
    """A malformed 文号 gets a hint, and a near miss gets the corrected suggestion."""
    problem = services.doc_number_problem(value)
    if expected is None:
        assert problem is None
    else:
        assert expected in problem


def test_duplicate_doc_number_is_refused(make_article):
    """The same 文号 cannot be used by two articles."""
    make_article(doc_number="章民发〔2023〕12号", title="甲")
    with pytest.raises(services.PolicyError) as info:
        make_article(doc_number="章民发〔2023〕12号", title="乙")
    assert "已被《甲》使用" in info.value.errors["doc_number"]


def test_policy_needs_doc_number_issuer_and_validity(make_article):
    """Policy documents carry their official metadata."""
    with pytest.raises(services.PolicyError) as info:
        make_article(doc_number="", issuer="", validity=None)
    assert {"doc_number", "issuer", "validity"} <= set(info.value.errors)


def test_interpretation_must_link_a_published_policy(make_article):
    """Linking an interpretation to a draft policy is refused; a published one is accepted."""
    draft = make_article(action="save", title="草稿政策")
    with pytest.raises(services.PolicyError) as info:
        make_article(kind="interpretation", policy_id=draft.id)
    assert "只能关联已发布的政策文件" in info.value.errors["policy_id"]
    with pytest.raises(services.PolicyError) as info:
        make_article(kind="interpretation")
    assert "policy_id" in info.value.errors
    policy = make_article(title="已发布政策")
    interpretation = make_article(kind="interpretation", policy_id=policy.id)
    assert interpretation.policy_id == policy.id
    assert [link.slug for link in queries.interpretations_of(policy)] == [interpretation.slug]


def test_amended_policy_needs_a_published_replacement(make_article):
    """已修订 needs a replacement; it must be another published policy. 已废止 may stand alone."""
    new = make_article(title="新文件")
    with pytest.raises(services.PolicyError) as info:
        make_article(title="旧文件", validity="已修订")
    assert "replaced_by_id" in info.value.errors
    old = make_article(title="旧文件", validity="已修订", replaced_by_id=new.id)
    assert old.is_superseded and old.replaced_by == new
    repealed = make_article(title="废止文件", validity="已废止")
    assert repealed.replaced_by_id is None
    draft = make_article(action="save", title="未发布的新文件")
    with pytest.raises(services.PolicyError) as info:
        make_article(title="又一旧文件", validity="已废止", replaced_by_id=draft.id)
    assert "还没有发布" in info.value.errors["replaced_by_id"]


def test_news_needs_a_venue(make_article):
    """News items record one of the 七进 venues."""
    with pytest.raises(services.PolicyError) as info:
        make_article(kind="news", venue=None)
    assert "七进" in info.value.errors["venue"]


def test_every_save_keeps_a_revision(make_article, editor):
    """Each save, publish and unpublish adds a numbered revision with the author's name."""
    article = make_article(action="save", body="第一版")
    services.save_article(article, article.snapshot() | {"body": "第二版"}, "publish", editor)
    services.unpublish_article(article, editor)
    numbers = [(r.number, r.action) for r in article.revisions]
    assert numbers == [(3, "撤回发布"), (2, "发布"), (1, "保存草稿")]
    assert article.revisions[1].data["body"] == "第二版"
    assert article.revisions[0].author_name == editor.display_name


def test_restore_makes_a_new_revision(make_article, editor):
    """Restoring an old version of an unpublished article copies its content back as a new revision."""
    article = make_article(action="save", body="原来的正文")
    services.save_article(article, article.snapshot() | {"body": "改过的正文"}, "save", editor)
    first = article.revisions[-1]
    services.restore_revision(article, first, editor)
    assert article.body == "原来的正文"
    assert article.revisions[0].number == 3
    assert article.revisions[0].action == "恢复第 1 版"
    assert not article.is_public() and article.draft is None


def test_restore_refuses_a_doc_number_now_taken(make_article, editor):
    """A version whose 文号 another document has since taken cannot be restored silently."""
    article = make_article(doc_number="章民发〔2020〕1号")
    services.save_article(
        article, article.snapshot() | {"doc_number": "章民发〔2020〕2号"}, "publish", editor
    )
    make_article(doc_number="章民发〔2020〕1号", title="抢占文号")
    with pytest.raises(services.PolicyError) as info:
        services.restore_revision(article, article.revisions[-1], editor)
    assert "无法恢复第 1 版" in info.value.errors[None]


def test_diff_lists_changed_fields_line_by_line(make_article, editor):
    """The diff names changed fields and tags deleted and inserted lines."""
    article = make_article(body="第一行\n第二行")
    services.save_article(
        article, article.snapshot() | {"body": "第一行\n第二行改", "title": "新标题"}, "save", editor
    )
    old, new = article.revisions[1], article.revisions[0]
    diffs = {d.name: d for d in revisions.diff_revisions(old, new)}
    assert set(diffs) == {"title", "body"}
    assert ("equal", "第一行") in diffs["body"].lines
    assert ("delete", "第二行") in diffs["body"].lines
    assert ("insert", "第二行改") in diffs["body"].lines


def test_browse_filters_and_orders(make_article):
    """Browsing filters by kind, topic, validity and year, newest first, in pages."""

    a = make_article(title="甲", published_on=date(2023, 1, 1))
    b = make_article(title="乙", published_on=date(2024, 1, 1), topic="婚事新办")
    c = make_article(kind="news", title="丙", published_on=date(2024, 6, 1))
    assert queries.browse_articles().items == [c, b, a]
    assert queries.browse_articles(kind="policy").items == [b, a]
    assert queries.browse_articles(topic="婚事新办").items == [b]
    assert queries.browse_articles(year=2024).items == [c, b]
    assert queries.browse_articles(validity="现行有效").items == [b, a]
    page = queries.browse_articles(per_page=2)
    assert page.pages == 2 and page.has_next
    assert queries.public_years() == [2024, 2023]


def test_search_finds_words_fragments_pinyin_and_doc_numbers(make_article):
    """Search (through the search package) finds 彩礼, 婚事新办, caili and a 文号; never drafts."""
    caili = make_article(title="关于治理高额彩礼的指导意见", doc_number="章民发〔2024〕6号")
    jianban = make_article(title="婚事新办简办倡导标准", topic="婚事新办")
    make_article(action="save", title="彩礼草稿")
    for q, expected in [
        ("彩礼", caili),
        ("婚事新办", jianban),
        ("caili", caili),
        ("章民发〔2024〕6号", caili),
    ]:
        result = queries.list_public_articles(q)
        assert expected in result.items, q
    assert [a.title for a in queries.list_public_articles("彩礼").items] == ["关于治理高额彩礼的指导意见"]


def test_unpublished_article_leaves_search(make_article, editor):
    """Unpublishing removes the article from search results at once."""
    article = make_article(title="婚姻登记跨省通办")
    assert article in queries.list_public_articles("跨省通办").items
    services.unpublish_article(article, editor)
    assert queries.list_public_articles("跨省通办").items == []


def test_due_scheduled_article_is_released_to_search(make_article):
    """A scheduled item is not searchable before its time and is indexed by the release check after."""
    article = make_article(
        title="定时发布的集体婚礼通知",
        kind="news",
        action="schedule",
        publish_at=utcnow() + timedelta(hours=1),
    )
    assert queries.list_public_articles("集体婚礼").items == []
    # Time passes: it was scheduled two hours ago and fell due a moment ago.
    article.search_synced_at = utcnow() - timedelta(hours=2)
    article.publish_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert services.release_due_articles(force=True) == 1
    assert queries.list_public_articles("集体婚礼").items == [article]
    assert services.release_due_articles(force=True) == 0


def test_faq_save_search_move_and_delete(make_faq):
    """FAQ entries append to their topic, can be searched, swapped up/down and deleted."""
    first = make_faq("彩礼有标准吗？")
    second = make_faq("彩礼谈不拢怎么办？")
    other = make_faq("登记要带什么？", topic="婚姻登记")
    assert (first.position, second.position, other.position) == (1, 2, 1)
    assert queries.search_faq_ids("谈不拢") == [second.id]
    services.move_faq(second, "up")
    groups = dict(queries.faqs_by_topic())
    assert [f.question for f in groups["彩礼治理"]] == ["彩礼谈不拢怎么办？", "彩礼有标准吗？"]
    services.move_faq(second, "up")  # already first: nothing changes
    assert [f.id for f in dict(queries.faqs_by_topic())["彩礼治理"]] == [second.id, first.id]
    services.delete_faq(second)
    assert queries.faqs_by_topic(queries.search_faq_ids("谈不拢")) == []
    assert [t for t, _ in queries.faqs_by_topic()] == ["彩礼治理", "婚姻登记"]


def test_faq_requires_question_answer_topic():
    """An FAQ entry needs all three parts."""
    with pytest.raises(services.PolicyError) as info:
        services.save_faq(None, "", "", "未知")
    assert set(info.value.errors) == {"question", "answer", "topic"}


def test_demo_loader_is_idempotent_and_complete(app):
    """The demo has the promised amounts, all marked 示例, and loading twice adds nothing."""

    demo.load()
    demo.load()

    def count(kind):
        return db.session.scalar(
            select(func.count()).where(Article.kind == kind, Article.published.is_(True))
        )

    assert count("policy") >= 8
    assert count("interpretation") >= 6
    assert count("news") >= 10
    assert count("initiative") >= 1
    assert db.session.scalar(select(func.count()).select_from(Faq)) >= 20
    venues = set(db.session.scalars(select(Article.venue).where(Article.kind == "news")))
    assert set(VENUES) <= venues
    validities = set(db.session.scalars(select(Article.validity).where(Article.kind == "policy")))
    assert validities == {"现行有效", "已修订", "已废止"}
    assert set(db.session.scalars(select(Article.source))) == {"示例"}
    topics = set(db.session.scalars(select(Article.topic)))
    assert len(topics) >= 4
    for article in db.session.scalars(select(Article).where(Article.kind == "policy")):
        assert services.doc_number_problem(article.doc_number) is None
    for article in db.session.scalars(select(Article).where(Article.kind == "interpretation")):
        assert article.policy is not None and article.policy.is_public()


def test_release_cli_reports_count(runner, make_article):
    """``flask policies release`` indexes due scheduled articles and says how many."""
    article = make_article(kind="news", action="schedule", publish_at=utcnow() + timedelta(hours=1))
    article.search_synced_at = utcnow() - timedelta(hours=2)
    article.publish_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    result = runner.invoke(args=["policies", "release"])
    assert result.exit_code == 0 and "released 1 scheduled article(s)" in result.output
