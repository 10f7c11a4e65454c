"""Result building shared by the index path and the database fallback: hits, pages, facet lists."""

import math

from app.search.documents import Hit
from app.search.highlight import Needles, mark, snippet

FILTER_FIELDS = {
    "town": "town",
    "category": "category",
    "era": "era",
    "theme": "theme",
    "topic": "topic",
    "validity": "validity",
    "year": "year",
    "article_kind": "article_kind",
    "kind": "kind",
}


def page_count(total: int, per_page: int) -> int:
    return max(1, math.ceil(total / per_page))


def facet_list(counts: dict) -> list[tuple[str, int]]:
    items = [(str(k), int(v)) for k, v in counts.items() if k not in (None, "")]
    return sorted(items, key=lambda kv: (-kv[1], kv[0]))


def make_hit(data: dict, score: float, needles: Needles) -> Hit:
    return Hit(
        kind=data.get("kind", ""),
        id=str(data.get("id", "")),
        score=float(score or 0.0),
        url=data.get("url", ""),
        title=mark(data.get("title", ""), needles, pinyin=True),
        snippet=snippet(data, needles),
        fields={k: v for k, v in data.items() if k not in ("body",)},
    )
