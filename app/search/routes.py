"""The public site-wide search page."""

from flask import request

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
    )
