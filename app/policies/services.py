"""Policies services: save/publish/schedule/unpublish articles, restore revisions, FAQ changes, release.

Services own the transaction, raise ``PolicyError`` with Chinese messages keyed by form field, and tell
the search index about every change that may affect a public document.
"""

import re
import threading
import time
from datetime import datetime

from pypinyin import lazy_pinyin
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.policies import indexing
from app.policies.models import (
    KINDS,
    SNAPSHOT_FIELDS,
    TOPICS,
    VALIDITIES,
    VENUES,
    Article,
    ArticleRevision,
    Faq,
)
from app.policies.revisions import add_revision
from app.web.errors import DomainError
from app.web.time import as_utc, utcnow

DOC_NUMBER = re.compile(r"^[\u4e00-\u9fff]{1,12}〔(19|20)\d{2}〕\d{1,4}号$")
DOC_NUMBER_HINT = "格式如 章民发〔2023〕12号：发文机关代字 + 六角括号〔年份〕+ 序号 + “号”。"
RESERVED_SLUGS = {"faq", "new", "feed", "search"}


class PolicyError(DomainError):
    """A policies rule said no: ``errors`` holds a Chinese message per form field (None = the whole form)."""

    def __init__(self, errors: dict[str | None, str] | str, field: str | None = None):
        if isinstance(errors, str):
            errors = {field: errors}
        self.errors = errors
        super().__init__("; ".join(errors.values()), field=next(iter(errors)) if len(errors) == 1 else None)


# ---------------------------------------------------------------- slugs and validation


def make_slug(title: str, exclude_id: int | None = None) -> str:
    """Pinyin slug from the title (e.g. 关于彩礼 -> guan-yu-cai-li), unique among articles."""
    words = []
    for part in lazy_pinyin(title, errors=lambda chars: [chars]):
        words.extend(re.findall(r"[a-z0-9]+", part.lower()))
    base = ""
    for word in words:
        candidate = f"{base}-{word}" if base else word
        if len(candidate) > 60:
            break
        base = candidate
    base = base or "article"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or _slug_taken(slug, exclude_id):
        n += 1
        slug = f"{base}-{n}"
    return slug


def _slug_taken(slug: str, exclude_id: int | None) -> bool:
    stmt = select(Article.id).where(Article.slug == slug)
    if exclude_id is not None:
        stmt = stmt.where(Article.id != exclude_id)
    return db.session.scalar(stmt) is not None


def doc_number_problem(value: str) -> str | None:
    """Explain what is wrong with a 文号, suggesting the corrected form when it is close."""
    if DOC_NUMBER.match(value):
        return None
    fixed = re.sub(r"[\[【(（［]\s*((?:19|20)\d{2})\s*[\]】)）］]", r"〔\1〕", value.replace(" ", ""))
    if not fixed.endswith("号") and re.search(r"〔\d{4}〕\d+$", fixed):
        fixed += "号"
    if fixed != value and DOC_NUMBER.match(fixed):
        return f"文号格式不对，年份请用六角括号〔〕。您是不是要填“{fixed}”？"
    return f"文号格式不对。{DOC_NUMBER_HINT}"


def _validate(article: Article | None, data: dict) -> dict:
    """Check cross-field and database rules; return field -> message."""
    errors: dict[str | None, str] = {}
    kind = data["kind"]
    if kind not in KINDS:
        errors["kind"] = "请选择文章类型。"
    if not (data.get("title") or "").strip():
        errors["title"] = "请填写标题。"
    if data.get("topic") not in TOPICS:
        errors["topic"] = "请选择主题分类。"
    own_id = article.id if article is not None else None
    if kind == "policy":
        _check_policy_fields(data, errors)
    if data.get("doc_number") and "doc_number" not in errors:
        _check_doc_number(data["doc_number"], own_id, errors)
    if kind == "policy" and data.get("validity") in ("已修订", "已废止"):
        _check_replacement(data, own_id, errors)
    if kind == "interpretation":
        _check_interpreted_policy(data.get("policy_id"), errors)
    if kind == "news" and data.get("venue") not in VENUES:
        errors["venue"] = "活动动态请选择“七进”场所（机关、企业、农村、社区、学校、家庭、网络）。"
    return errors


def _check_policy_fields(data: dict, errors: dict) -> None:
    """A policy document needs a 文号, an issuer and a validity."""
    if not data.get("doc_number"):
        errors["doc_number"] = f"政策文件需要填写文号。{DOC_NUMBER_HINT}"
    if not data.get("issuer"):
        errors["issuer"] = "政策文件需要填写发文机关。"
    if data.get("validity") not in VALIDITIES:
        errors["validity"] = "请选择有效性。"


def _check_doc_number(doc_number: str, own_id: int | None, errors: dict) -> None:
    """A 文号 is well formed and used by no other article."""
    problem = doc_number_problem(doc_number)
    if problem:
        errors["doc_number"] = problem
        return
    stmt = select(Article).where(Article.doc_number == doc_number)
    if own_id is not None:
        stmt = stmt.where(Article.id != own_id)
    other = db.session.scalar(stmt)
    if other is not None:
        errors["doc_number"] = f"文号“{doc_number}”已被《{other.title}》使用，同一文号不能重复。"


def _check_replacement(data: dict, own_id: int | None, errors: dict) -> None:
    """A revised or repealed policy points at another, public policy (required when revised)."""
    replaced_by = data.get("replaced_by_id")
    if replaced_by:
        target = db.session.get(Article, replaced_by)
        if target is None or target.kind != "policy" or target.id == own_id:
            errors["replaced_by_id"] = "替代文件必须是另一份政策文件。"
        elif not target.is_public():
            errors["replaced_by_id"] = f"替代文件《{target.title}》还没有发布，请先发布它再关联。"
    elif data.get("validity") == "已修订":
        errors["replaced_by_id"] = "已修订的文件请选择修订后的新文件。"


def _check_interpreted_policy(policy_id: int | None, errors: dict) -> None:
    """An interpretation links to a public policy document."""
    if not policy_id:
        errors["policy_id"] = "政策解读需要关联所解读的政策文件。"
        return
    target = db.session.get(Article, policy_id)
    if target is None or target.kind != "policy":
        errors["policy_id"] = "请选择一份政策文件。"
    elif not target.is_public():
        errors["policy_id"] = f"《{target.title}》还是草稿或尚未到发布时间，只能关联已发布的政策文件。"


def _clean(data: dict) -> dict:
    """Normalise form data for one kind (fields of other kinds are cleared)."""
    cleaned = {name: data.get(name) for name in SNAPSHOT_FIELDS}
    for name in ("title", "summary", "plain_language", "body", "issuer", "source", "doc_number"):
        cleaned[name] = (cleaned.get(name) or "").strip()
    cleaned["doc_number"] = cleaned["doc_number"] or None
    kind = cleaned["kind"]
    if kind != "policy":
        cleaned.update(doc_number=None, validity=None, replaced_by_id=None)
    if cleaned.get("validity") == "现行有效":
        cleaned["replaced_by_id"] = None
    if kind != "interpretation":
        cleaned["policy_id"] = None
    if kind != "news":
        cleaned["venue"] = None
    return cleaned


# ---------------------------------------------------------------- saving


def _commit(article: Article, was_public: bool) -> None:
    """Tell search when the article is or was public, then commit (unique races become errors)."""
    if was_public or article.is_public() or article.is_scheduled():
        indexing.touch_article(article)
        article.search_synced_at = utcnow()
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise PolicyError(
            {None: "保存时发生冲突：文号或网址刚被占用，或这篇文章正被他人同时保存。请刷新后重试。"}
        ) from exc


def save_article(article: Article | None, data: dict, action: str, user, publish_at: datetime | None = None):
    """Create or update an article; ``action`` is save (keep state; new = draft), publish or schedule."""
    data = _clean(data)
    if article is not None:
        data["kind"] = article.kind  # the kind is fixed once created
    errors = _validate(article, data)
    now = utcnow()
    if action == "schedule":
        if publish_at is None:
            errors["publish_at"] = "请选择定时发布的时间。"
        elif as_utc(publish_at) <= now:
            errors["publish_at"] = "定时发布的时间必须晚于现在；要马上发布请点“立即发布”。"
    if errors:
        raise PolicyError(errors)
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


def unpublish_article(article: Article, user) -> Article:
    """Take an article off the public site (it becomes a draft again; its slug stays)."""
    was_public = article.is_public() or article.is_scheduled()
    article.unpublish()
    article.updated_at = utcnow()
    add_revision(article, "撤回发布", user)
    _commit(article, was_public)
    return article


def restore_revision(article: Article, revision: ArticleRevision, user) -> Article:
    """Put an earlier version's content back; this is itself saved as a new revision."""
    if revision.article_id != article.id:
        raise PolicyError("这个版本不属于这篇文章。")
    data = dict(revision.data)
    data["kind"] = article.kind
    errors = _validate(article, _clean(data))
    if errors:
        raise PolicyError({None: f"无法恢复第 {revision.number} 版：{'；'.join(errors.values())}"})
    was_public = article.is_public()
    article.apply_snapshot(_clean(data))
    article.updated_at = utcnow()
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
    """Index scheduled articles whose ``publish_at`` has passed; cheap and throttled per process.

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
    if due:
        db.session.commit()
    return len(due)
