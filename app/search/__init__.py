"""Whoosh-backed site search (the only package that imports whoosh).

Public API (import only from ``app.search``)::

    register_provider(app, kind, load)   # load(ids | None) -> Iterable[SearchDocument], public docs only
    schedule(kind, id)                   # (re)index after the current transaction commits
    search(q, kinds=None, filters=None, page=1, per_page=20, sort="relevance", near=None, facets=(), correct=False)
    needs_help(text)                     # a distress word in ``text``: show templates/search/_help_card.html
"""

from flask import Flask

from app.search import cli, outbox, routes  # noqa: F401  (views register on bp)
from app.search.blueprint import bp
from app.search.distress import needs_help
from app.search.documents import KIND_LABELS, Hit, SearchDocument, SearchResult
from app.search.engine import (
    health,
    install_session_hooks,
    rebuild,
    register_provider,
    reset_index,
    schedule,
    state,
)
from app.search.query import search
from app.web.registry import get_registry

__all__ = [
    "KIND_LABELS",
    "Hit",
    "SearchDocument",
    "SearchResult",
    "bp",
    "init_app",
    "needs_help",
    "rebuild",
    "register_provider",
    "reset_index",
    "schedule",
    "search",
]


def init_app(app: Flask) -> None:
    """Register search hooks, routes, CLI and the health check."""
    state(app)
    install_session_hooks()
    app.register_blueprint(bp)
    app.cli.add_command(cli.search_cli)
    get_registry(app).health["search"] = lambda: {**health(app), **outbox.lag(app)}
    get_registry(app).warm_up.append(lambda: ["/search?q=彩礼"])
