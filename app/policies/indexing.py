"""The policies side of search: providers for "article" and "faq", change notices, and queries.

Only public articles are ever handed to the index. Search itself (and its database fallback when the
index is unavailable) belongs to ``app.search``.
"""

from flask import Flask
from sqlalchemy import select

from app import search
from app.extensions import db
from app.policies.models import Article, Faq
from app.policies.rendering import plain_text
from app.search import SearchDocument


def article_document(article: Article) -> SearchDocument:
    """Build the SearchDocument of a public article."""
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


def faq_document(faq: Faq) -> SearchDocument:
    """Build the SearchDocument of an FAQ entry."""
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
    stmt = select(Article).where(Article.public_clause())
    if ids is not None:
        stmt = stmt.where(Article.slug.in_(ids))
    for article in db.session.scalars(stmt):
        yield article_document(article)


def load_faqs(ids: list[str] | None):
    """Provider: every FAQ entry (FAQ entries are always public), or those among ``ids``."""
    stmt = select(Faq)
    if ids is not None:
        wanted = [int(i) for i in ids if str(i).isdigit()]
        stmt = stmt.where(Faq.id.in_(wanted or [-1]))
    for faq in db.session.scalars(stmt):
        yield faq_document(faq)


def register(app: Flask) -> None:
    """Register both providers with the search package."""
    search.register_provider(app, "article", load_articles)
    search.register_provider(app, "faq", load_faqs)


def touch_article(article: Article) -> None:
    """Ask search to re-read this article after commit (it is dropped if no longer public)."""
    if article.slug:
        search.schedule("article", article.slug)


def touch_faq(faq: Faq) -> None:
    """Ask search to re-read this FAQ entry after commit."""
    if faq.id is not None:
        search.schedule("faq", str(faq.id))


def search_articles(q: str, filters: dict, page: int, per_page: int):
    """Search public articles (``app.search`` answers ``degraded`` results itself when its index is down)."""
    return search.search(q, kinds=["article"], filters=filters, page=page, per_page=per_page)


def search_faqs(q: str):
    """Search FAQ entries."""
    return search.search(q, kinds=["faq"], page=1, per_page=100)
