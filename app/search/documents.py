"""Plain data types of the search API (no whoosh here, so callers never depend on it)."""

import datetime
from dataclasses import dataclass, field

from markupsafe import Markup

KIND_LABELS = {"place": "地名", "article": "政策文章", "faq": "常见问题", "service": "办事服务"}
FACET_FIELDS = ("kind", "town", "category", "era", "theme", "topic", "validity", "year", "article_kind")


@dataclass
class SearchDocument:
    """One public item as the index sees it; providers build these from their models."""

    kind: str  # "place" | "article" | "faq" | "service"
    id: str  # place code / article slug / faq id as str
    title: str
    url: str
    aliases: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    summary: str = ""
    body: str = ""
    town: str | None = None
    category: str | None = None
    era: str | None = None
    themes: list[str] = field(default_factory=list)
    topic: str | None = None
    validity: str | None = None
    year: int | None = None
    article_kind: str | None = None
    lat: float | None = None
    lon: float | None = None
    sort_key: str = ""
    date: datetime.date | None = None

    @property
    def uid(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass
class Hit:
    kind: str
    id: str
    score: float
    url: str
    title: Markup  # escaped, then <mark>ed
    snippet: Markup
    fields: dict = field(default_factory=dict)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


@dataclass
class SearchResult:
    hits: list[Hit]
    total: int
    page: int
    per_page: int
    pages: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    suggestion: str | None = None
    degraded: bool = False
    query: str = ""  # the normalised query that was run
    help: bool = False  # the query contains a distress word: show the help card first
    corrected: str | None = None  # the same-pinyin correction whose results these are
    original: str | None = None  # what the resident typed, when ``corrected``
    groups: list = field(default_factory=list)  # the word groups that were matched
    complete: int = 0  # how many documents have every word (the rest have most of them)

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1
