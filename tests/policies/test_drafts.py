"""Pending changes to live articles (issue 13): drafts, 发布修改, 放弃修改, second editor, scheduled changes."""

from datetime import timedelta

import pytest

from app.extensions import db
from app.policies import queries, revisions, services
from app.policies.models import ArticleDraft
from app.web.time import utcnow


def _edit(article, **changes):
    return article.snapshot() | changes


@pytest.fixture
def second_editor(make_user):
    """Another editor (approves changes under POLICIES_REQUIRE_SECOND_EDITOR)."""
    return make_user(roles=("editor",), username="second-editor")


def test_saving_a_live_article_keeps_the_live_version(make_article, editor):
    """保存修改 on a published article stores a draft: public queries and search keep the live text."""
    article = make_article(title="婚宴标准", body="不超过 15 桌。")
    services.save_article(article, _edit(article, body="不办流水席。"), "save", editor)
    db.session.expire_all()
    assert article.body == "不超过 15 桌。" and article.is_public()
    assert article.draft.data["body"] == "不办流水席。" and article.draft.author_id == editor.id
    assert queries.get_public_article(article.slug).body == "不超过 15 桌。"
    assert queries.list_public_articles("流水席").items == []
    assert article.revisions[0].draft and article.revisions[0].action == "保存修改（未发布）"
    assert [d.name for d in revisions.diff_draft(article)] == ["body"]


def test_publish_draft_makes_the_change_live_and_searchable(make_article, editor):
    """发布修改 copies the draft into the live article, re-indexes it and drops the draft."""
    article = make_article(title="婚宴标准", body="原来的要求。")
    services.save_article(article, _edit(article, body="新增集体婚礼补贴。"), "save", editor)
    services.publish_draft(article, editor)
    db.session.expire_all()
    assert article.body == "新增集体婚礼补贴。" and article.draft is None
    assert article in queries.list_public_articles("集体婚礼补贴").items
    assert article.revisions[0].action == "发布修改" and not article.revisions[0].draft
    with pytest.raises(services.PolicyError):
        services.publish_draft(article, editor)


def test_save_and_publish_in_one_step(make_article, editor):
    """The form's 保存并发布修改 (action publish) on a live article applies the edit at once."""
    article = make_article(body="旧")
    services.save_article(article, _edit(article, body="新"), "publish", editor)
    assert article.body == "新" and article.draft is None


def test_restore_on_a_live_article_creates_a_draft(make_article, editor):
    """Restoring an old version of a published article proposes it as a draft; the live page stays."""
    article = make_article(body="第一版")
    services.save_article(article, _edit(article, body="第二版"), "publish", editor)
    services.restore_revision(article, article.revisions[-1], editor)
    assert article.body == "第二版"
    assert article.draft.data["body"] == "第一版"
    assert article.revisions[0].action == "恢复第 1 版（未发布）" and article.revisions[0].draft


def test_discard_draft_keeps_live_version(make_article, editor):
    """放弃修改 drops the draft; the live content is unchanged and the history keeps the proposal."""
    article = make_article(body="线上")
    services.save_article(article, _edit(article, body="提议"), "save", editor)
    services.discard_draft(article, editor)
    assert article.draft is None and article.body == "线上"
    assert db.session.scalar(db.select(db.func.count()).select_from(ArticleDraft)) == 0
    assert article.revisions[0].data["body"] == "提议"


def test_saving_the_live_content_again_leaves_no_draft(make_article, editor):
    """A save whose content equals the live version drops any pending draft (nothing to publish)."""
    article = make_article(body="线上")
    services.save_article(article, _edit(article, body="提议"), "save", editor)
    services.save_article(article, _edit(article, body="线上"), "save", editor)
    assert article.draft is None


def test_second_editor_setting(app, make_article, editor, second_editor):
    """With POLICIES_REQUIRE_SECOND_EDITOR the last author cannot publish; another editor can."""
    app.config["POLICIES_REQUIRE_SECOND_EDITOR"] = True
    article = make_article(body="线上")
    with pytest.raises(services.PolicyError) as info:
        services.save_article(article, _edit(article, body="自己发布"), "publish", editor)
    assert "双人审核" in info.value.errors[None]
    services.save_article(article, _edit(article, body="待审核"), "save", editor)
    assert not article.can_publish_draft(editor, True)
    with pytest.raises(services.PolicyError):
        services.publish_draft(article, editor)
    assert article.body == "线上"
    services.publish_draft(article, second_editor)
    assert article.body == "待审核" and "审核" in article.revisions[0].action


def test_scheduled_change_goes_live_at_its_time(make_article, editor):
    """定时发布 on a live article schedules the draft; the release check applies it once due."""
    article = make_article(title="集体婚礼报名", kind="news", body="五月报名。")
    services.save_article(
        article, _edit(article, body="六月报名。"), "schedule", editor, utcnow() + timedelta(hours=1)
    )
    assert article.is_public() and article.body == "五月报名。" and article.draft.publish_at is not None
    assert services.release_due_articles(force=True) == 0
    article.draft.publish_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert services.release_due_articles(force=True) == 1
    db.session.expire_all()
    assert article.body == "六月报名。" and article.draft is None
    assert article in queries.list_public_articles("六月报名").items
    assert article.revisions[0].action == "定时发布修改"


def test_new_edit_unschedules_a_scheduled_change(make_article, editor):
    """Saving again after scheduling clears the time: the new content needs its own decision."""
    article = make_article(body="旧")
    services.save_article(
        article, _edit(article, body="新"), "schedule", editor, utcnow() + timedelta(hours=1)
    )
    services.save_article(article, _edit(article, body="更新"), "save", editor)
    assert article.draft.publish_at is None


def test_unpublish_folds_the_draft_into_the_article(make_article, editor):
    """撤回发布 with pending changes: nothing is live any more, so the draft becomes the article's content."""
    article = make_article(body="线上")
    services.save_article(article, _edit(article, body="提议"), "save", editor)
    services.unpublish_article(article, editor)
    assert not article.is_public() and article.draft is None and article.body == "提议"
    services.save_article(article, _edit(article, body="直接改"), "save", editor)
    assert article.body == "直接改" and article.draft is None


def test_latest_change_skips_status_only_revisions(make_article, editor):
    """The default comparison is the newest content change, not 撤回发布 against the version before it."""
    article = make_article(action="save", body="一")
    services.save_article(article, _edit(article, body="二"), "publish", editor)
    services.unpublish_article(article, editor)
    assert [r.action for r in article.revisions] == ["撤回发布", "发布", "保存草稿"]
    assert revisions.latest_change(article.revisions) == (1, 2)


def test_browser_line_endings_are_no_change(make_article, editor):
    """A textarea posts CRLF: saving the unchanged body from the form leaves no pending draft and no diff."""
    article = make_article(body="第一段\n\n第二段")
    services.save_article(article, _edit(article, body="第一段\r\n\r\n第二段"), "save", editor)
    assert article.draft is None
    article.body += "\n"  # e.g. demo Markdown files end with a newline; the form's text is stripped
    db.session.commit()
    services.save_article(
        article, _edit(article, summary="新摘要", body="第一段\r\n\r\n第二段"), "save", editor
    )
    assert [d.name for d in revisions.diff_draft(article)] == ["summary"]
    services.save_article(article, _edit(article, body="第一段\r\n\r\n第二段改"), "save", editor)
    assert article.draft.data["body"] == "第一段\n\n第二段改"
    assert [d.name for d in revisions.diff_draft(article)] == ["body"]


def test_long_unchanged_runs_are_folded_in_diffs(make_article, editor):
    """Unchanged lines far from a change are folded into one "未改动" line (two lines of context stay)."""
    body = "\n".join(f"第{n}行" for n in range(1, 21))
    article = make_article(body=body)
    services.save_article(article, _edit(article, body=body.replace("第10行", "第十行")), "save", editor)
    (diff,) = revisions.diff_draft(article)
    assert ("skip", "……未改动的 7 行……") in diff.lines
    assert ("equal", "第8行") in diff.lines and ("equal", "第12行") in diff.lines
    assert ("equal", "第5行") not in diff.lines
