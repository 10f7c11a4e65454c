"""Policies read queries: what residents may see (``Article.public_clause``), lists, search, console lists."""

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple, TypeVar

from sqlalchemy import bindparam, extract, func, or_, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.policies import indexing
from app.policies.models import KINDS, TOPICS, Article, ArticleDraft, ArticleLabels, Faq, is_due
from app.web.caching import public_memo, public_memo_for
from app.web.time import as_utc, utcnow

PER_PAGE = 10
T = TypeVar("T")


def get_public_article(slug: str) -> Article | None:
    """Return the public article with ``slug`` or None (drafts and future items are None)."""
    return db.session.scalar(select(Article).where(Article.slug == slug, Article.public_clause()))


def public_articles_by_slug(slugs: list[str]) -> dict[str, Article]:
    """Map slug -> public article for those of ``slugs`` that are public."""
    if not slugs:
        return {}
    rows = db.session.scalars(select(Article).where(Article.slug.in_(slugs), Article.public_clause()))
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


# ---------------------------------------------------------------- the public pages' plain rows
# The public list and article pages read plain column values into small frozen dataclasses: no ORM
# identity map, no eager-loaded relationships, and the list never reads bodies. The API and the tests keep
# the ORM functions above and below (``browse_articles``, ``get_public_article`` ...).


@dataclass(frozen=True, slots=True)
class ArticleCard(ArticleLabels):
    """What one card of the public list shows."""

    slug: str
    kind: str
    title: str
    summary: str | None
    doc_number: str | None
    issuer: str | None
    published_on: date | None
    validity: str | None
    venue: str | None


_CARD_COLUMNS = (
    Article.slug,
    Article.kind,
    Article.title,
    Article.summary,
    Article.doc_number,
    Article.issuer,
    Article.published_on,
    Article.validity,
    Article.venue,
)


def _browse_conditions(kind=None, topic=None, validity=None, year=None, now=None) -> list:
    """The list filters (None: not filtered) and the public clause, as SQL conditions."""
    conditions = [Article.public_clause(now)]
    if kind is not None:
        conditions.append(Article.kind == kind)
    if topic is not None:
        conditions.append(Article.topic == topic)
    if validity is not None:
        conditions.append(Article.validity == validity)
    if year is not None:
        conditions.append(extract("year", Article.published_on) == year)
    return conditions


# The cards statements are built once per set of filters in use, with bound parameters for the filter values,
# the time and the page: building a select costs more than running it (~0.3 ms against ~0.15 ms).
_FILTER_NAMES = ("kind", "topic", "validity", "year")
_NOW = bindparam("now", type_=Article.publish_at.type)
_card_statements: dict[tuple[bool, ...], tuple] = {}


def _cards_statements(used: tuple[bool, ...]) -> tuple:
    """(page of cards with the total, the count alone) for the filters marked in ``used``."""
    statements = _card_statements.get(used)
    if statements is None:
        params = (bindparam(name) if on else None for name, on in zip(_FILTER_NAMES, used, strict=True))
        conditions = _browse_conditions(*params, now=_NOW)
        page = (
            select(*_CARD_COLUMNS, func.count().over())
            .where(*conditions)
            .order_by(Article.published_on.desc(), Article.id.desc())
            .limit(bindparam("limit"))
            .offset(bindparam("offset"))
        )
        statements = _card_statements[used] = (page, select(func.count(Article.id)).where(*conditions))
    return statements


def browse_cards(
    kind: str | None = None,
    topic: str | None = None,
    validity: str | None = None,
    year: int | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> ListPage:
    """``browse_articles`` as cards, in one statement: the total comes with the rows (a window count).

    Only a page past the end (no rows, so no total) asks for the count on its own.
    """
    filters = zip(_FILTER_NAMES, (kind, topic, validity, year), strict=True)
    values = {name: value for name, value in filters if value}
    page_stmt, count_stmt = _cards_statements(tuple(name in values for name in _FILTER_NAMES))
    values["now"] = utcnow()
    rows = db.session.execute(page_stmt, {**values, "limit": per_page, "offset": (page - 1) * per_page}).all()
    if rows:
        total = rows[0][-1]
    elif page > 1:
        total = db.session.scalar(count_stmt, values) or 0
    else:
        total = 0
    items = [ArticleCard(*row[:-1]) for row in rows]
    return ListPage(items=items, total=total, page=page, pages=max(1, -(-total // per_page)))


_CARDS_BY_SLUG = select(*_CARD_COLUMNS).where(
    Article.slug.in_(bindparam("slugs", expanding=True)), Article.public_clause(_NOW)
)


def public_cards_by_slug(slugs: list[str]) -> dict[str, ArticleCard]:
    """Map slug -> card for those of ``slugs`` that are public."""
    if not slugs:
        return {}
    rows = db.session.execute(_CARDS_BY_SLUG, {"slugs": list(slugs), "now": utcnow()})
    return {row.slug: ArticleCard(*row) for row in rows}


def list_public_cards(q: str, kind=None, topic=None, validity=None, year=None, page=1, per_page=PER_PAGE):
    """``list_public_articles`` as cards (the public list page); without search words, kept (``schedule_step``).

    The page kept is shared by every request that asks for it: read it, never change it.
    """
    if q:
        filters = _search_filters(kind, topic, validity, year)
        return _search_public(q, filters, page, per_page, public_cards_by_slug)
    key = (kind, topic, validity, year, page, per_page)
    return kept_until_due(
        "policies.cards", key, lambda: browse_cards(kind, topic, validity, year, page, per_page)
    )


def scheduled_times() -> tuple[datetime, ...]:
    """When the published articles that are not yet due fall due, earliest first."""
    stmt = (
        select(Article.publish_at)
        .where(Article.published.is_(True), Article.publish_at > utcnow())
        .order_by(Article.publish_at)
    )
    return tuple(as_utc(at) for at in db.session.scalars(stmt))


def schedule_step(now: datetime) -> int:
    """How many of the scheduled articles (as of this content generation) have fallen due by ``now``."""
    return bisect_right(public_memo("policies.scheduled", scheduled_times), now)


def kept_until_due(name: str, key: object, compute: Callable[[], T]) -> T:
    """``public_memo_for`` for what compares release times with the clock (the public list, the home page's
    links, the year filter): kept per content generation and per ``schedule_step``.

    A scheduled article falls due with no change to any row, so the generation does not move then, but the
    step does: a kept list is right from the moment an item falls due, not only once the release check
    (``services.release_due_articles``, every 30 s) has indexed it and moved the generation. ``compute``
    reads the clock after the step was taken, so it never lists less than the step says is due.
    """
    return public_memo_for(name, (key, schedule_step(utcnow())), compute)


@dataclass(frozen=True, slots=True)
class PublishedArticle(ArticleLabels):
    """A published article's page fields, due or not: ``is_due()`` is checked per request, so it may be
    kept for the content generation (a scheduled item shows once its time has come, with no change to
    the row)."""

    id: int
    kind: str
    title: str
    slug: str
    summary: str | None
    plain_language: str | None
    body: str | None
    topic: str
    doc_number: str | None
    issuer: str | None
    written_on: date | None
    published_on: date | None
    validity: str | None
    replaced_by_id: int | None
    policy_id: int | None
    venue: str | None
    source: str | None
    publish_at: datetime | None

    def is_due(self, now: datetime | None = None) -> bool:
        return is_due(self.publish_at, now or utcnow())


class PublishedLink(NamedTuple):
    """A link to another published article (an interpretation's policy, a replacement), due or not."""

    slug: str
    title: str
    doc_number: str | None
    publish_at: datetime | None

    def is_due(self, now: datetime | None = None) -> bool:
        return is_due(self.publish_at, now or utcnow())


def published_link(article_id: int | None) -> PublishedLink | None:
    """The link to the published article ``article_id``, due or not (check ``is_due``)."""
    if article_id is None:
        return None
    stmt = select(Article.slug, Article.title, Article.doc_number, Article.publish_at).where(
        Article.id == article_id, Article.published.is_(True)
    )
    row = db.session.execute(stmt).first()
    return PublishedLink(*row) if row is not None else None


_PAGE_COLUMNS = tuple(getattr(Article, name) for name in PublishedArticle.__dataclass_fields__)


def published_article(slug: str) -> PublishedArticle | None:
    """The published article with ``slug``, due or not (check ``is_due``)."""
    stmt = select(*_PAGE_COLUMNS).where(Article.slug == slug, Article.published.is_(True))
    row = db.session.execute(stmt).first()
    return PublishedArticle(*row) if row is not None else None


def browse_articles(
    kind: str | None = None,
    topic: str | None = None,
    validity: str | None = None,
    year: int | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> ListPage:
    """``browse_cards`` as entities (the API): newest first, filtered in the database (no query text)."""
    cards = browse_cards(kind, topic, validity, year, page, per_page)
    found = public_articles_by_slug([card.slug for card in cards.items])
    items = [found[card.slug] for card in cards.items if card.slug in found]
    return ListPage(items=items, total=cards.total, page=cards.page, pages=cards.pages)


def search_public_articles(q: str, filters: dict, page: int = 1, per_page: int = PER_PAGE) -> ListPage:
    """Full-text search (titles, 文号, body; words, fragments, pinyin) through the search package.

    Hits are checked against the database, so an item unpublished a moment ago never shows even if the
    index has not caught up yet.
    """
    return _search_public(q, filters, page, per_page, public_articles_by_slug)


def _search_public(q: str, filters: dict, page: int, per_page: int, by_slug) -> ListPage:
    result = indexing.search_articles(q, filters, page, per_page)
    found = by_slug([hit.id for hit in result.hits])
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
    if q:
        return search_public_articles(q, _search_filters(kind, topic, validity, year), page, per_page)
    return browse_articles(kind, topic, validity, year, page, per_page)


def _search_filters(kind, topic, validity, year) -> dict:
    filters = {"article_kind": kind, "topic": topic, "validity": validity, "year": year}
    return {k: v for k, v in filters.items() if v}


def public_years() -> list[int]:
    """Years that have public articles (for the year filter), newest first."""
    rows = db.session.scalars(
        select(Article.published_on).where(Article.public_clause(), Article.published_on.is_not(None))
    )
    return sorted({d.year for d in rows}, reverse=True)


class ArticleLink(NamedTuple):
    """What a list of links to articles shows: the link, the title, the document number and the date."""

    slug: str
    title: str
    doc_number: str | None
    published_on: date | None


# Lists of links (the home page, an article's related lists) show the link, the document number and the
# date: never read the bodies for them.
_LINK_COLUMNS = (Article.slug, Article.title, Article.doc_number, Article.published_on)


def _links(*conditions, limit: int | None) -> list[ArticleLink]:
    stmt = (
        select(*_LINK_COLUMNS)
        .where(Article.public_clause(), *conditions)
        .order_by(Article.published_on.desc(), Article.id.desc())
        .limit(limit)
    )
    return [ArticleLink(*row) for row in db.session.execute(stmt)]


def interpretations_of(policy: Article) -> list[ArticleLink]:
    """Public interpretations linked to ``policy``, newest first."""
    return _links(Article.policy_id == policy.id, Article.kind == "interpretation", limit=None)


def related_news(article: Article, limit: int = 3) -> list[ArticleLink]:
    """Public news and initiatives on the same topic."""
    kinds = Article.kind.in_(("news", "initiative"))
    return _links(kinds, Article.topic == article.topic, Article.id != article.id, limit=limit)


class FaqItem(NamedTuple):
    question: str
    answer: str


def related_faqs(topic: str, limit: int = 5) -> list[FaqItem]:
    """FAQ entries on ``topic`` in their editor-chosen order."""
    stmt = select(Faq.question, Faq.answer).where(Faq.topic == topic).order_by(Faq.position).limit(limit)
    return [FaqItem(*row) for row in db.session.execute(stmt)]


def latest_news(limit: int = 3) -> list[ArticleLink]:
    """The newest public news items."""
    return _links(Article.kind == "news", limit=limit)


def in_force_policies(limit: int = 5) -> list[ArticleLink]:
    """The newest public policy documents that are in force."""
    return _links(Article.kind == "policy", Article.validity == "现行有效", limit=limit)


def public_article(article_id: int | None) -> Article | None:
    """The article with ``article_id`` when it is public (for links between documents)."""
    if article_id is None:
        return None
    article = db.session.get(Article, article_id)
    return article if article is not None and article.is_public() else None


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


# ---------------------------------------------------------------- console queries


def console_articles(kind: str | None = None, state: str | None = None, q: str = "") -> list[Article]:
    """Every article for the editor list, newest change (pending drafts included) first."""
    changed = func.coalesce(ArticleDraft.updated_at, Article.updated_at)
    stmt = (
        select(Article)
        .outerjoin(ArticleDraft, ArticleDraft.article_id == Article.id)
        .options(selectinload(Article.draft))
        .order_by(changed.desc(), Article.id.desc())
    )
    if kind in KINDS:
        stmt = stmt.where(Article.kind == kind)
    if state == "draft":
        stmt = stmt.where(Article.published.is_(False))
    elif state == "public":
        stmt = stmt.where(Article.public_clause())
    elif state == "scheduled":
        stmt = stmt.where(Article.published.is_(True), Article.publish_at > utcnow())
    elif state == "pending":
        stmt = stmt.where(ArticleDraft.id.is_not(None))
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(Article.title.like(like), Article.doc_number.like(like)))
    return list(db.session.scalars(stmt))


def policy_choices() -> list[Article]:
    """Every policy document (editors pick interpretation targets and replacements from these)."""
    return list(db.session.scalars(select(Article).where(Article.kind == "policy").order_by(Article.title)))
