"""Policies services: save/publish/schedule/unpublish articles, revisions, FAQ, public queries.

Services own the transaction, raise ``PolicyError`` with Chinese messages keyed by form field, and tell
the search index about every change that may affect a public document.
"""

import difflib
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime

from pypinyin import lazy_pinyin
from sqlalchemy import and_, extract, func, or_, select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import utcnow
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
    as_utc,
)

DOC_NUMBER = re.compile(r"^[\u4e00-\u9fff]{1,12}〔(19|20)\d{2}〕\d{1,4}号$")
DOC_NUMBER_HINT = "格式如 章民发〔2023〕12号：发文机关代字 + 六角括号〔年份〕+ 序号 + “号”。"
RESERVED_SLUGS = {"faq", "new", "feed", "search"}
PER_PAGE = 10


class PolicyError(Exception):
    """A domain error with Chinese messages keyed by form field (None = the whole form)."""

    def __init__(self, errors: dict[str | None, str] | str, field: str | None = None):
        if isinstance(errors, str):
            errors = {field: errors}
        self.errors = errors
        super().__init__("; ".join(errors.values()))


# ---------------------------------------------------------------- public visibility


def public_clause(now: datetime | None = None):
    """SQL condition for "residents may see this": published and due."""
    now = now or utcnow()
    return and_(Article.published.is_(True), or_(Article.publish_at.is_(None), Article.publish_at <= now))


def get_public_article(slug: str) -> Article | None:
    """Return the public article with ``slug`` or None (drafts and future items are None)."""
    return db.session.scalar(select(Article).where(Article.slug == slug, public_clause()))


def public_articles_by_slug(slugs: list[str]) -> dict[str, Article]:
    """Map slug -> public article for those of ``slugs`` that are public."""
    if not slugs:
        return {}
    rows = db.session.scalars(select(Article).where(Article.slug.in_(slugs), public_clause()))
    return {a.slug: a for a in rows}


@dataclass
class ListPage:
    """One page of list results (articles with optional highlighted title/snippet per slug)."""

    items: list[Article]
    total: int
    page: int
    pages: int
    highlights: dict[str, tuple] = field(default_factory=dict)
    suggestion: str | None = None
    degraded: bool = False

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def browse_articles(
    kind: str | None = None,
    topic: str | None = None,
    validity: str | None = None,
    year: int | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> ListPage:
    """List public articles, newest first, filtered in the database (no query text)."""
    stmt = select(Article).where(public_clause())
    if kind:
        stmt = stmt.where(Article.kind == kind)
    if topic:
        stmt = stmt.where(Article.topic == topic)
    if validity:
        stmt = stmt.where(Article.validity == validity)
    if year:
        stmt = stmt.where(extract("year", Article.published_on) == year)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    pages = max(1, -(-total // per_page))
    stmt = stmt.order_by(Article.published_on.desc(), Article.id.desc())
    items = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)))
    return ListPage(items=items, total=total, page=page, pages=pages)


def search_public_articles(q: str, filters: dict, page: int = 1, per_page: int = PER_PAGE) -> ListPage:
    """Full-text search (titles, 文号, body; words, fragments, pinyin) through the search package.

    Hits are checked against the database, so an item unpublished a moment ago never shows even if the
    index has not caught up yet.
    """
    result = indexing.search_articles(q, filters, page, per_page)
    found = public_articles_by_slug([hit.id for hit in result.hits])
    items, highlights = [], {}
    for hit in result.hits:
        article = found.get(hit.id)
        if article is not None:
            items.append(article)
            highlights[article.slug] = (hit.title, hit.snippet)
    return ListPage(
        items=items,
        total=result.total,
        page=result.page,
        pages=max(1, result.pages),
        highlights=highlights,
        suggestion=result.suggestion,
        degraded=result.degraded,
    )


def list_public_articles(q: str, kind=None, topic=None, validity=None, year=None, page=1, per_page=PER_PAGE):
    """Search when there is query text, browse the database otherwise."""
    release_due_articles()
    if q:
        filters = {"article_kind": kind, "topic": topic, "validity": validity, "year": year}
        return search_public_articles(q, {k: v for k, v in filters.items() if v}, page, per_page)
    return browse_articles(kind, topic, validity, year, page, per_page)


def public_years() -> list[int]:
    """Years that have public articles (for the year filter), newest first."""
    rows = db.session.scalars(
        select(Article.published_on).where(public_clause(), Article.published_on.is_not(None))
    )
    return sorted({d.year for d in rows}, reverse=True)


def interpretations_of(policy: Article) -> list[Article]:
    """Public interpretations linked to ``policy``."""
    stmt = select(Article).where(
        Article.policy_id == policy.id, Article.kind == "interpretation", public_clause()
    )
    return list(db.session.scalars(stmt.order_by(Article.published_on.desc())))


def related_news(article: Article, limit: int = 3) -> list[Article]:
    """Public news and initiatives on the same topic."""
    stmt = (
        select(Article)
        .where(public_clause(), Article.kind.in_(("news", "initiative")), Article.topic == article.topic)
        .where(Article.id != article.id)
        .order_by(Article.published_on.desc(), Article.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def related_faqs(topic: str, limit: int = 5) -> list[Faq]:
    """FAQ entries on ``topic`` in their editor-chosen order."""
    return list(db.session.scalars(select(Faq).where(Faq.topic == topic).order_by(Faq.position).limit(limit)))


def latest_news(limit: int = 3) -> list[Article]:
    """The newest public news items."""
    stmt = (
        select(Article)
        .where(public_clause(), Article.kind == "news")
        .order_by(Article.published_on.desc(), Article.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def in_force_policies(limit: int = 5) -> list[Article]:
    """The newest public policy documents that are in force."""
    stmt = (
        select(Article)
        .where(public_clause(), Article.kind == "policy", Article.validity == "现行有效")
        .order_by(Article.published_on.desc(), Article.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def public_article(article_id: int | None) -> Article | None:
    """The article with ``article_id`` when it is public (for links between documents)."""
    if article_id is None:
        return None
    article = db.session.get(Article, article_id)
    return article if article is not None and article.is_public() else None


# ---------------------------------------------------------------- scheduled publishing

_release_lock = threading.Lock()
_last_release = {"at": 0.0}
RELEASE_INTERVAL = 30.0  # seconds between checks per process


def release_due_articles(force: bool = False) -> int:
    """Index scheduled articles whose ``publish_at`` has passed; cheap and throttled per process.

    Pages, the sitemap and the API decide visibility with the clock, so they are right the moment an
    item falls due; only the search index needs telling. This runs on list/search/API requests (at most
    every 30 s per process) and from ``flask policies release``; ``flask search reindex`` also picks
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
    doc_number = data.get("doc_number")
    if kind == "policy":
        if not doc_number:
            errors["doc_number"] = f"政策文件需要填写文号。{DOC_NUMBER_HINT}"
        if not data.get("issuer"):
            errors["issuer"] = "政策文件需要填写发文机关。"
        if data.get("validity") not in VALIDITIES:
            errors["validity"] = "请选择有效性。"
    if doc_number and "doc_number" not in errors:
        problem = doc_number_problem(doc_number)
        if problem:
            errors["doc_number"] = problem
        else:
            stmt = select(Article).where(Article.doc_number == doc_number)
            if own_id is not None:
                stmt = stmt.where(Article.id != own_id)
            other = db.session.scalar(stmt)
            if other is not None:
                errors["doc_number"] = f"文号“{doc_number}”已被《{other.title}》使用，同一文号不能重复。"
    if kind == "policy" and data.get("validity") in ("已修订", "已废止"):
        replaced_by = data.get("replaced_by_id")
        if replaced_by:
            target = db.session.get(Article, replaced_by)
            if target is None or target.kind != "policy" or target.id == own_id:
                errors["replaced_by_id"] = "替代文件必须是另一份政策文件。"
            elif not target.is_public():
                errors["replaced_by_id"] = f"替代文件《{target.title}》还没有发布，请先发布它再关联。"
        elif data.get("validity") == "已修订":
            errors["replaced_by_id"] = "已修订的文件请选择修订后的新文件。"
    if kind == "interpretation":
        policy_id = data.get("policy_id")
        if not policy_id:
            errors["policy_id"] = "政策解读需要关联所解读的政策文件。"
        else:
            target = db.session.get(Article, policy_id)
            if target is None or target.kind != "policy":
                errors["policy_id"] = "请选择一份政策文件。"
            elif not target.is_public():
                errors["policy_id"] = (
                    f"《{target.title}》还是草稿或尚未到发布时间，只能关联已发布的政策文件。"
                )
    if kind == "news" and data.get("venue") not in VENUES:
        errors["venue"] = "活动动态请选择“七进”场所（机关、企业、农村、社区、学校、家庭、网络）。"
    return errors


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


def _add_revision(article: Article, action: str, user) -> ArticleRevision:
    number = (
        db.session.scalar(
            select(func.max(ArticleRevision.number)).where(ArticleRevision.article_id == article.id)
        )
        or 0
    ) + 1
    revision = ArticleRevision(
        article=article,
        number=number,
        action=action,
        data=article.snapshot(),
        author_id=getattr(user, "id", None),
        author_name=getattr(user, "display_name", "") or "",
    )
    db.session.add(revision)
    return revision


def _commit(article: Article, was_public: bool) -> None:
    """Tell search when the article is or was public, then commit (unique races become errors)."""
    if was_public or article.is_public() or article.is_scheduled():
        indexing.touch_article(article)
        article.search_synced_at = utcnow()
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise PolicyError({"doc_number": "文号或网址已被其他文章占用，请检查后重试。"}) from exc


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
    _add_revision(article, label, user)
    _commit(article, was_public)
    return article


def unpublish_article(article: Article, user) -> Article:
    """Take an article off the public site (it becomes a draft again; its slug stays)."""
    was_public = article.is_public() or article.is_scheduled()
    article.unpublish()
    article.updated_at = utcnow()
    _add_revision(article, "撤回发布", user)
    _commit(article, was_public)
    return article


def publish_article(article: Article, user) -> Article:
    """Publish an existing article now (re-validating its links)."""
    return save_article(article, article.snapshot(), "publish", user)


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
    _add_revision(article, f"恢复第 {revision.number} 版", user)
    _commit(article, was_public)
    return article


# ---------------------------------------------------------------- diffs


@dataclass
class FieldDiff:
    """The difference in one field between two revisions: lines tagged equal/insert/delete."""

    name: str
    label: str
    lines: list[tuple[str, str]]


FIELD_LABELS = {
    "kind": "类型",
    "title": "标题",
    "summary": "摘要",
    "plain_language": "这对我意味着什么",
    "body": "正文",
    "topic": "主题分类",
    "doc_number": "文号",
    "issuer": "发文机关",
    "written_on": "成文日期",
    "published_on": "发布日期",
    "validity": "有效性",
    "replaced_by_id": "替代文件",
    "policy_id": "解读的文件",
    "venue": "七进场所",
    "source": "来源",
}


def diff_revisions(old: ArticleRevision, new: ArticleRevision) -> list[FieldDiff]:
    """Line diff per changed field (plain text; the template escapes it)."""
    diffs = []
    for name in SNAPSHOT_FIELDS:
        before = "" if old.data.get(name) is None else str(old.data.get(name))
        after = "" if new.data.get(name) is None else str(new.data.get(name))
        if before == after:
            continue
        lines = []
        for line in difflib.ndiff(before.splitlines(), after.splitlines()):
            tag = line[:2]
            if tag == "? ":
                continue
            lines.append(({"  ": "equal", "- ": "delete", "+ ": "insert"}[tag], line[2:]))
        diffs.append(FieldDiff(name, FIELD_LABELS[name], lines))
    return diffs


# ---------------------------------------------------------------- FAQ


def faqs_by_topic(ids: list[int] | None = None) -> list[tuple[str, list[Faq]]]:
    """FAQ grouped by topic in the fixed topic order (optionally only ``ids``)."""
    stmt = select(Faq).order_by(Faq.position, Faq.id)
    if ids is not None:
        stmt = stmt.where(Faq.id.in_(ids or [-1]))
    groups: dict[str, list[Faq]] = {}
    for faq in db.session.scalars(stmt):
        groups.setdefault(faq.topic, []).append(faq)
    order = TOPICS + sorted(set(groups) - set(TOPICS))
    return [(topic, groups[topic]) for topic in order if topic in groups]


def search_faq_ids(q: str) -> list[int]:
    """Ids of FAQ entries matching ``q`` (through the search package)."""
    result = indexing.search_faqs(q)
    return [int(hit.id) for hit in result.hits if hit.id.isdigit()]


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


# ---------------------------------------------------------------- console queries


def console_articles(kind: str | None = None, state: str | None = None, q: str = "") -> list[Article]:
    """Every article for the editor list, newest change first."""
    stmt = select(Article).order_by(Article.updated_at.desc(), Article.id.desc())
    if kind in KINDS:
        stmt = stmt.where(Article.kind == kind)
    if state == "draft":
        stmt = stmt.where(Article.published.is_(False))
    elif state == "public":
        stmt = stmt.where(public_clause())
    elif state == "scheduled":
        stmt = stmt.where(Article.published.is_(True), Article.publish_at > utcnow())
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(Article.title.like(like), Article.doc_number.like(like)))
    return list(db.session.scalars(stmt))


def policy_choices() -> list[Article]:
    """Every policy document (editors pick interpretation targets and replacements from these)."""
    return list(db.session.scalars(select(Article).where(Article.kind == "policy").order_by(Article.title)))


def today() -> date:
    return utcnow().date()
