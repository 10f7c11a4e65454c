"""What policies contribute to shared pages (sitemap entries, home section) and the before-request release hook."""

import logging

from flask import request
from sqlalchemy import select

from app.extensions import db
from app.policies import queries
from app.policies.models import Article
from app.policies.services import release_check_due, release_due_articles
from app.web.registry import SitemapEntry

log = logging.getLogger(__name__)


def sitemap_entries():
    """Public articles and the FAQ page (never drafts or scheduled items)."""
    yield SitemapEntry(loc="/policies/")
    yield SitemapEntry(loc="/policies/faq")
    for slug, updated in db.session.execute(
        select(Article.slug, Article.updated_at).where(Article.public_clause())
    ):
        yield SitemapEntry(loc=f"/policies/{slug}", lastmod=updated.date() if updated else None)


def home_context() -> dict:
    """Latest news and in-force policies for the home page (plain values, kept until content changes or a
    scheduled article falls due)."""
    return queries.kept_until_due(
        "policies.home",
        None,
        lambda: {"news": queries.latest_news(3), "policies": queries.in_force_policies(4)},
    )


def _lists_articles(path: str) -> bool:
    return path in ("/", "/search", "/sitemap.xml") or path.startswith(("/policies", "/api/v1/policies"))


def release_pending(path: str) -> bool:
    """Page-cache bypass (issue 12): the release check is due, so this request must run the hook below.

    A release bumps the content generation, which is what retires cached pages made before the item fell due.
    """
    return _lists_articles(path) and release_check_due()


def release_due_before_request() -> None:
    """Hand due scheduled articles to search before pages that list or search them (throttled)."""
    if request.method == "GET" and _lists_articles(request.path):
        try:
            release_due_articles()
        except Exception:  # never let housekeeping break a page
            db.session.rollback()
            log.exception("policies: releasing due scheduled articles failed")
