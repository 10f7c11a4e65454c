"""What policies contribute to shared pages: sitemap, home section, console tile, demo loader."""

import logging

from flask import Flask, request
from sqlalchemy import select

from app.extensions import db
from app.web.registry import ConsoleEntry, HomeSection, SitemapEntry, get_registry

log = logging.getLogger(__name__)


def sitemap_entries():
    """Public articles and the FAQ page (never drafts or scheduled items)."""
    from app.policies.models import Article
    from app.policies.queries import public_clause

    yield SitemapEntry(loc="/policies/")
    yield SitemapEntry(loc="/policies/faq")
    for slug, updated in db.session.execute(select(Article.slug, Article.updated_at).where(public_clause())):
        yield SitemapEntry(loc=f"/policies/{slug}", lastmod=updated.date() if updated else None)


def home_context() -> dict:
    """Latest news and in-force policies for the home page."""
    from app.policies import queries

    return {"news": queries.latest_news(3), "policies": queries.in_force_policies(4)}


def load_demo() -> None:
    """Registry demo loader (imports the demo module only when it runs)."""
    from app.policies.demo import load

    load()


def release_due_before_request() -> None:
    """Hand due scheduled articles to search before pages that list or search them (throttled)."""
    path = request.path
    if request.method == "GET" and (
        path in ("/", "/search", "/sitemap.xml") or path.startswith(("/policies", "/api/v1/policies"))
    ):
        from app.policies.queries import release_due_articles

        try:
            release_due_articles()
        except Exception:  # never let housekeeping break a page
            db.session.rollback()
            log.exception("policies: releasing due scheduled articles failed")


def register(app: Flask) -> None:
    """Hook policies into the shared registry and the request cycle."""
    app.before_request(release_due_before_request)
    registry = get_registry(app)
    registry.sitemap.append(sitemap_entries)
    registry.home.append(HomeSection("policies/_home.html", home_context, order=10))
    registry.console.append(
        ConsoleEntry(
            "婚俗改革政策", "policies.console_list", ("editor",), "发布政策文件、解读、动态和倡议", 10
        )
    )
    registry.console.append(
        ConsoleEntry("常见问题", "policies.console_faq", ("editor",), "编辑和排序常见问题", 11)
    )
    registry.demo.append(("10-policies", load_demo))
