"""Extension points that feature packages fill in from their ``init_app``.

Features register here instead of editing shared views, so the home page, the sitemap and the health
check grow with each feature without touching ``app/web``.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date


@dataclass
class SitemapEntry:
    loc: str  # absolute path, e.g. "/policies/xxx"
    lastmod: date | None = None


@dataclass
class HomeSection:
    template: str  # a fragment template rendered on the home page
    context: Callable[[], dict]  # returns the template's context
    order: int = 50


@dataclass
class ConsoleEntry:
    label: str  # shown on /console/
    endpoint: str  # url_for target
    roles: tuple[str, ...]  # who sees it
    description: str = ""
    order: int = 50


@dataclass
class Registry:
    sitemap: list[Callable[[], Iterable[SitemapEntry]]] = field(default_factory=list)
    home: list[HomeSection] = field(default_factory=list)
    health: dict[str, Callable[[], dict]] = field(default_factory=dict)
    console: list[ConsoleEntry] = field(default_factory=list)
    # (sort key, loader): each feature's idempotent demo loader, run by `flask demo load`.
    demo: list[tuple[str, Callable[[], None]]] = field(default_factory=list)
    # Issue 12: page-cache hits are answered before Flask (app/web/front.py). Observers see each such
    # answer (access log, metrics); a bypass predicate (path -> bool) sends a request through Flask when a
    # before-request hook owes housekeeping for that path.
    early_answer: list[Callable] = field(default_factory=list)
    cache_bypass: list[Callable[[str], bool]] = field(default_factory=list)
    # Public paths each feature renders once when a server process starts (app/ops/warmup.py), so the
    # first visitors after a start or a worker recycle do not pay for loading dictionaries and indexes.
    warm_up: list[Callable[[], Iterable[str]]] = field(default_factory=list)


def get_registry(app) -> Registry:
    """Return the app's registry, creating it on first use."""
    return app.extensions.setdefault("zq_registry", Registry())
