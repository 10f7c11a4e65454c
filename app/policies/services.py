"""Policies services: save/publish/schedule/unpublish articles, restore revisions, FAQ changes, release.

Services own the transaction, raise ``PolicyError`` with Chinese messages keyed by form field, and tell
the search index about every change that may affect a public document.

Edits to a live article never change it in place (the Wagtail model): saving or restoring keeps them
as the article's pending ``ArticleDraft``; ``publish_draft`` (发布修改) or a scheduled release makes
them live, ``discard_draft`` drops them. With ``POLICIES_REQUIRE_SECOND_EDITOR`` the draft's last
author cannot publish it alone.
"""

import logging
import threading
import time
from datetime import datetime

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.policies import indexing
from app.policies.models import (
    TOPICS,
    Article,
    ArticleDraft,
    ArticleRevision,
    Faq,
    jsonable_snapshot,
)
from app.policies.revisions import add_revision
from app.policies.validation import (  # noqa: F401  (re-exported: callers use services.PolicyError etc.)
    PolicyError,
    clean,
    doc_number_problem,
    make_slug,
    validate,
)
from app.web.time import as_utc, utcnow

SECOND_EDITOR_MESSAGE = "已开启双人审核：这份修改最后由您编辑，需要另一位编辑审核后发布。请先点“保存修改”。"

log = logging.getLogger(__name__)


# ---------------------------------------------------------------- saving


def _commit(article: Article, was_public: bool) -> None:
    """Tell search when the article is or was public, then commit (unique races become errors)."""
    if was_public or article.is_public() or article.is_scheduled():
        indexing.touch_article(article)
        article.search_synced_at = utcnow()
    _commit_only()


def _commit_only() -> None:
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise PolicyError(
            {None: "保存时发生冲突：文号或网址刚被占用，或这篇文章正被他人同时保存。请刷新后重试。"}
        ) from exc


def second_editor_required() -> bool:
    """The ``POLICIES_REQUIRE_SECOND_EDITOR`` setting (app/config.py): changes to live articles need a second editor."""
    return bool(current_app.config.get("POLICIES_REQUIRE_SECOND_EDITOR"))


def has_live_version(article: Article | None) -> bool:
    """Whether edits to ``article`` must wait as a pending draft (it is public, or already has one)."""
    return article is not None and (article.is_public() or article.draft is not None)


def save_article(article: Article | None, data: dict, action: str, user, publish_at: datetime | None = None):
    """Create or update an article; ``action`` is save (keep state; new = draft), publish or schedule.

    For a live article the edit becomes its pending draft; publish then makes that draft live at once
    and schedule makes it live at ``publish_at``, while the public page keeps the live version.
    """
    data = clean(data)
    if article is not None:
        data["kind"] = article.kind  # the kind is fixed once created
    errors = validate(article, data)
    now = utcnow()
    if action == "schedule":
        if publish_at is None:
            errors["publish_at"] = "请选择定时发布的时间。"
        elif as_utc(publish_at) <= now:
            errors["publish_at"] = "定时发布的时间必须晚于现在；要马上发布请点“立即发布”。"
    live = has_live_version(article)
    if live and action in ("publish", "schedule") and second_editor_required():
        errors.setdefault(None, SECOND_EDITOR_MESSAGE)  # saving would make this user the last author
    if errors:
        raise PolicyError(errors)
    if live:
        return _save_change(article, data, action, user, publish_at, now)
    was_public = article is not None and article.is_public()
    if article is None:
        article = Article(kind=data["kind"], slug="", published=False)
        db.session.add(article)
    old_title = article.title
    article.apply_snapshot(data)
    if not article.slug_locked and (not article.slug or article.title != old_title):
        article.slug = make_slug(article.title, exclude_id=article.id)
    if action == "publish":
        article.publish(now)
        label = "发布"
    elif action == "schedule":
        article.schedule(as_utc(publish_at))
        label = "定时发布"
    else:
        label = "保存修改" if article.published else "保存草稿"
    article.updated_at = now
    article.updated_by_id = getattr(user, "id", None)
    db.session.flush()
    add_revision(article, label, user)
    _commit(article, was_public)
    return article


def _put_draft(article: Article, content: dict, user, now: datetime) -> ArticleDraft | None:
    """Keep ``content`` as the article's pending draft; content equal to the live version drops the draft."""
    if content == jsonable_snapshot(clean(article.snapshot())):
        article.draft = None  # nothing would change: no pending change to keep (delete-orphan)
        return None
    draft = article.draft
    if draft is None:
        draft = article.draft = ArticleDraft(created_at=now)
    draft.data = content
    draft.publish_at = None  # a new edit needs its own decision on when (and by whom) it goes live
    draft.author_id = getattr(user, "id", None)
    draft.author_name = getattr(user, "display_name", "") or ""
    draft.updated_at = now
    return draft


def _save_change(article: Article, data: dict, action: str, user, publish_at, now: datetime) -> Article:
    """Keep an edit of a live article as its draft; publish or schedule it when asked."""
    draft = _put_draft(article, jsonable_snapshot(data), user, now)
    if draft is None:
        _commit_only()
        return article
    if action == "publish":
        _apply_draft(article, user, "发布修改", now)
        _commit(article, was_public=True)
        return article
    if action == "schedule":
        draft.publish_at = as_utc(publish_at)
        add_revision(article, "定时发布修改（未发布）", user, draft.data, draft=True)
    else:
        add_revision(article, "保存修改（未发布）", user, draft.data, draft=True)
    _commit_only()
    return article


def _apply_draft(article: Article, user, label: str, now: datetime) -> None:
    """Copy the draft into the live article (checked again: a 文号 or a linked policy may have changed)."""
    data = clean(article.draft.content() | {"kind": article.kind})
    errors = validate(article, data)
    if errors:
        raise PolicyError({None: f"无法发布修改：{'；'.join(errors.values())}"})
    article.apply_snapshot(data)
    if article.published_on is None:
        article.published_on = now.date()
    article.updated_at = now
    article.updated_by_id = getattr(user, "id", None)
    article.draft = None
    add_revision(article, label, user)


def publish_draft(article: Article, user) -> Article:
    """发布修改: make the pending changes live (with the second-editor setting, not by their last author)."""
    if article.draft is None:
        raise PolicyError("这篇文章没有未发布的修改。")
    second = second_editor_required()
    if not article.can_publish_draft(user, second):
        raise PolicyError(SECOND_EDITOR_MESSAGE)
    label = f"发布修改（审核：{article.draft.author_name or '—'} 的修改）" if second else "发布修改"
    _apply_draft(article, user, label[:40], utcnow())
    _commit(article, was_public=True)
    return article


def discard_draft(article: Article, user) -> Article:
    """放弃修改: drop the pending changes; the live version stays (the draft's revisions stay in history)."""
    if article.draft is None:
        raise PolicyError("这篇文章没有未发布的修改。")
    article.draft = None
    _commit_only()
    return article


def unpublish_article(article: Article, user) -> Article:
    """Take an article off the public site (it becomes a draft again; its slug stays).

    Pending changes are folded into the draft article: with nothing live, edits apply directly again.
    """
    was_public = article.is_public() or article.is_scheduled()
    if article.draft is not None:
        article.apply_snapshot(article.draft.content())
        article.draft = None
    article.unpublish()
    article.updated_at = utcnow()
    add_revision(article, "撤回发布", user)
    _commit(article, was_public)
    return article


def restore_revision(article: Article, revision: ArticleRevision, user) -> Article:
    """Put an earlier version's content back as a new revision (for a live article: as its pending draft)."""
    if revision.article_id != article.id:
        raise PolicyError("这个版本不属于这篇文章。")
    data = dict(revision.data)
    data["kind"] = article.kind
    data = clean(data)
    errors = validate(article, data)
    if errors:
        raise PolicyError({None: f"无法恢复第 {revision.number} 版：{'；'.join(errors.values())}"})
    now = utcnow()
    if has_live_version(article):
        draft = _put_draft(article, jsonable_snapshot(data), user, now)
        if draft is not None:
            add_revision(article, f"恢复第 {revision.number} 版（未发布）", user, draft.data, draft=True)
        _commit_only()
        return article
    was_public = article.is_public()
    article.apply_snapshot(data)
    article.updated_at = now
    article.updated_by_id = getattr(user, "id", None)
    add_revision(article, f"恢复第 {revision.number} 版", user)
    _commit(article, was_public)
    return article


# ---------------------------------------------------------------- FAQ


def save_faq(faq: Faq | None, question: str, answer: str, topic: str) -> Faq:
    """Create or update an FAQ entry (new entries go to the end of their topic)."""
    errors = {}
    if not question.strip():
        errors["question"] = "请填写问题。"
    if not answer.strip():
        errors["answer"] = "请填写回答。"
    if topic not in TOPICS:
        errors["topic"] = "请选择主题分类。"
    if errors:
        raise PolicyError(errors)
    if faq is None or faq.topic != topic:
        last = db.session.scalar(select(func.max(Faq.position)).where(Faq.topic == topic))
        position = (last or 0) + 1
    else:
        position = faq.position
    if faq is None:
        faq = Faq(question="", answer="", topic=topic)
        db.session.add(faq)
    faq.question, faq.answer, faq.topic, faq.position = question.strip(), answer.strip(), topic, position
    faq.updated_at = utcnow()
    db.session.flush()
    indexing.touch_faq(faq)
    db.session.commit()
    return faq


def delete_faq(faq: Faq) -> None:
    """Delete an FAQ entry (and drop it from search)."""
    indexing.touch_faq(faq)
    db.session.delete(faq)
    db.session.commit()


def move_faq(faq: Faq, direction: str) -> Faq:
    """Swap an FAQ entry with its neighbour above ("up") or below ("down") within its topic."""
    siblings = list(
        db.session.scalars(select(Faq).where(Faq.topic == faq.topic).order_by(Faq.position, Faq.id))
    )
    for i, item in enumerate(siblings):
        item.position = i + 1  # renumber: tolerate gaps and ties
    index = siblings.index(faq)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(siblings):
        siblings[index].position, siblings[other].position = (
            siblings[other].position,
            siblings[index].position,
        )
    db.session.commit()
    return faq


# ---------------------------------------------------------------- scheduled publishing

_release_lock = threading.Lock()
_last_release = {"at": 0.0}
RELEASE_INTERVAL = 30.0  # seconds between checks per process


def release_check_due() -> bool:
    """True when this process's throttled release check would run now (see ``release_due_articles``)."""
    return time.monotonic() - _last_release["at"] >= RELEASE_INTERVAL


def release_due_articles(force: bool = False) -> int:
    """Index scheduled articles whose ``publish_at`` has passed and apply due scheduled changes.

    Cheap and throttled per process. Scheduled changes to live articles (drafts with ``publish_at``)
    go live here, so until then the public page, search and the API keep the live version.

    Pages, the sitemap and the API decide visibility with the clock, so they are right the moment an
    item falls due; only the search index needs telling. This runs before the home, list, search,
    sitemap and API requests (at most every 30 s per process, see hooks.py) and from
    ``flask policies release`` (for cron); ``flask search reindex`` also picks
    such items up because the provider only loads public documents.
    """
    if not force:
        with _release_lock:
            if time.monotonic() - _last_release["at"] < RELEASE_INTERVAL:
                return 0
            _last_release["at"] = time.monotonic()
    now = utcnow()
    due = list(
        db.session.scalars(
            select(Article).where(
                Article.published.is_(True),
                Article.publish_at.is_not(None),
                Article.publish_at <= now,
                or_(Article.search_synced_at.is_(None), Article.search_synced_at < Article.publish_at),
            )
        )
    )
    for article in due:
        indexing.touch_article(article)
        article.search_synced_at = now
    changed = _apply_due_drafts(now)
    if due or changed:
        db.session.commit()
    return len(due) + changed


def _apply_due_drafts(now: datetime) -> int:
    """Make scheduled changes whose time has come live (a change that no longer validates is unscheduled)."""
    drafts = list(
        db.session.scalars(
            select(ArticleDraft).where(ArticleDraft.publish_at.is_not(None), ArticleDraft.publish_at <= now)
        )
    )
    applied = 0
    for draft in drafts:
        article = draft.article
        try:
            _apply_draft(article, None, "定时发布修改", now)
        except PolicyError as exc:
            draft.publish_at = None
            log.warning("policies: scheduled change of article %s not applied: %s", article.id, exc)
            continue
        indexing.touch_article(article)
        article.search_synced_at = now
        applied += 1
    return applied
