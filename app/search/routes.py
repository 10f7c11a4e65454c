"""The public site-wide search page."""

from flask import request, url_for

from app.search.blueprint import bp
from app.search.documents import KIND_LABELS
from app.search.query import search
from app.web.render import render

PER_PAGE = 10
MAX_Q = 100


@bp.get("/search")
def search_page():
    """Search places, policy articles, FAQs and services; htmx gets just the results fragment."""
    q = (request.args.get("q") or "")[:MAX_Q]
    kind = request.args.get("kind") or ""
    if kind not in KIND_LABELS:
        kind = ""
    page = request.args.get("page", 1)
    exact = request.args.get("exact") == "1"  # 仍搜索: the resident's own text, no homophone correction
    result = None
    if q.strip():
        result = search(
            q,
            kinds=[kind] if kind else None,
            page=page,
            per_page=PER_PAGE,
            facets=("kind",),
            correct=not exact,
        )
    return render(
        "search/search_page.html",
        "search/_results.html",
        q=q,
        kind=kind,
        exact=exact,
        result=result,
        help_card=bool(result and result.help),
        kind_labels=KIND_LABELS,
        page_url=_page_url_builder(q, kind, exact),
        hit_meta=hit_meta,
    )


META_FIELDS = ("town", "category", "era", "validity", "topic")


def hit_meta(fields: dict) -> str:
    """A hit's meta line: town, category, era, validity, topic and year (``2024年``), those it has, joined
    by `` · `` ('' for none). The template escapes it."""
    parts = [str(value) for value in map(fields.get, META_FIELDS) if value]
    year = fields.get("year")
    if year:
        parts.append(f"{year}年")
    return " · ".join(parts)


def _page_url_builder(q: str, kind: str, exact: bool):
    """``page_url(n, k=kind)``: the URL of results page ``n`` in category ``k`` ('' for all), for the template.

    The same URL as ``url_for('search.search_page', q=q, kind=k or None, page=n if n > 1 else None,
    exact=1 if exact else None)``, which werkzeug builds in this order (a test compares them); the results
    build up to a dozen (categories, 加载更多, pagination), so ``q`` is encoded once and the rest (a category
    key, a number) is appended: none of them needs escaping.
    """
    base = url_for("search.search_page", q=q)
    tail = "&exact=1" if exact else ""

    def page_url(n: int, k: str = kind) -> str:
        if k and k not in KIND_LABELS:
            raise ValueError(f"unknown search category {k!r}")
        return f"{base}{f'&kind={k}' if k else ''}{f'&page={n}' if n > 1 else ''}{tail}"

    return page_url
