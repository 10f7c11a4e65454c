"""The policies side of search: providers for "article" and "faq", change notices, and queries.

Only public articles are ever handed to the index. Queries fall back to a simple database LIKE search
(marked ``degraded``) if the search package is unavailable, so the list page never fails.
"""

import logging
from dataclasses import dataclass, field
from types import SimpleNamespace

from flask import Flask
from markupsafe import Markup, escape
from sqlalchemy import or_, select

from app.extensions import db

log = logging.getLogger(__name__)


def _search_api():
    """The search package's public API, or None when it is not available."""
    try:
        from app import search as api

        api.schedule  # noqa: B018  (probe: the API exists)
    except (ImportError, AttributeError):
        return None
    return api


def article_document(article):
    """Build the SearchDocument of a public article."""
    from app.policies.rendering import plain_text
    from app.search import SearchDocument

    keywords = [article.kind_label]
    if article.issuer:
        keywords.append(article.issuer)
    if article.venue:
        keywords.append(f"进{article.venue}")
    return SearchDocument(
        kind="article",
        id=article.slug,
        title=article.title,
        url=f"/policies/{article.slug}",
        aliases=[article.doc_number] if article.doc_number else [],
        keywords=keywords,
        summary=" ".join(filter(None, [article.summary, plain_text(article.plain_language)])),
        body=plain_text(article.body),
        topic=article.topic,
        validity=article.validity,
        year=article.published_on.year if article.published_on else None,
        article_kind=article.kind,
        sort_key=article.slug,
        date=article.published_on,
    )


def faq_document(faq):
    """Build the SearchDocument of an FAQ entry."""
    from app.policies.rendering import plain_text
    from app.search import SearchDocument

    return SearchDocument(
        kind="faq",
        id=str(faq.id),
        title=faq.question,
        url=f"/policies/faq#faq-{faq.id}",
        body=plain_text(faq.answer),
        topic=faq.topic,
        keywords=[faq.topic],
    )


def load_articles(ids: list[str] | None):
    """Provider: every public article, or the public ones among ``ids`` (slugs)."""
    from app.policies.models import Article
    from app.policies.queries import public_clause

    stmt = select(Article).where(public_clause())
    if ids is not None:
        stmt = stmt.where(Article.slug.in_(ids))
    for article in db.session.scalars(stmt):
        yield article_document(article)


def load_faqs(ids: list[str] | None):
    """Provider: every FAQ entry (FAQ entries are always public), or those among ``ids``."""
    from app.policies.models import Faq

    stmt = select(Faq)
    if ids is not None:
        wanted = [int(i) for i in ids if str(i).isdigit()]
        stmt = stmt.where(Faq.id.in_(wanted or [-1]))
    for faq in db.session.scalars(stmt):
        yield faq_document(faq)


def register(app: Flask) -> None:
    """Register both providers with the search package."""
    api = _search_api()
    if api is None:
        log.warning("search package unavailable: policies are not indexed")
        return
    api.register_provider(app, "article", load_articles)
    api.register_provider(app, "faq", load_faqs)


def touch_article(article) -> None:
    """Ask search to re-read this article after commit (it is dropped if no longer public)."""
    api = _search_api()
    if api is not None and article.slug:
        api.schedule("article", article.slug)


def touch_faq(faq) -> None:
    """Ask search to re-read this FAQ entry after commit."""
    api = _search_api()
    if api is not None and faq.id is not None:
        api.schedule("faq", str(faq.id))


@dataclass
class _FallbackResult:
    hits: list
    total: int
    page: int
    per_page: int
    pages: int
    suggestion: str | None = None
    degraded: bool = True
    facets: dict = field(default_factory=dict)


def _like_articles(q: str, filters: dict, page: int, per_page: int) -> _FallbackResult:
    from app.policies.models import Article
    from app.policies.queries import public_clause

    like = f"%{q}%"
    stmt = select(Article).where(
        public_clause(),
        or_(
            Article.title.like(like),
            Article.doc_number.like(like),
            Article.summary.like(like),
            Article.body.like(like),
        ),
    )
    column = {"article_kind": Article.kind, "topic": Article.topic, "validity": Article.validity}
    for key, value in filters.items():
        if key in column:
            stmt = stmt.where(column[key] == value)
    rows = [
        a
        for a in db.session.scalars(stmt)
        if not filters.get("year") or (a.published_on and a.published_on.year == filters["year"])
    ]
    chunk = rows[(page - 1) * per_page : page * per_page]
    hits = [SimpleNamespace(id=a.slug, title=escape(a.title), snippet=Markup("")) for a in chunk]
    return _FallbackResult(hits, len(rows), page, per_page, max(1, -(-len(rows) // per_page)))


def search_articles(q: str, filters: dict, page: int, per_page: int):
    """Search public articles through the search package (database LIKE if it is unavailable)."""
    api = _search_api()
    if api is not None:
        try:
            return api.search(q, kinds=["article"], filters=filters, page=page, per_page=per_page)
        except Exception:  # search must never take the list page down
            log.exception("article search failed; falling back to the database")
    return _like_articles(q, filters, page, per_page)


def search_faqs(q: str):
    """Search FAQ entries (database LIKE if the search package is unavailable)."""
    api = _search_api()
    if api is not None:
        try:
            return api.search(q, kinds=["faq"], page=1, per_page=100)
        except Exception:
            log.exception("faq search failed; falling back to the database")
    from app.policies.models import Faq

    like = f"%{q}%"
    rows = db.session.scalars(select(Faq).where(or_(Faq.question.like(like), Faq.answer.like(like))))
    hits = [SimpleNamespace(id=str(f.id), title=escape(f.question), snippet=Markup("")) for f in rows]
    return _FallbackResult(hits, len(hits), 1, 100, 1)
