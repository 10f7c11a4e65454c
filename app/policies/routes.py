"""Public policies pages: the filtered/searchable list, a document page, and the FAQ."""

from flask import abort, request, url_for

from app.policies import queries
from app.policies.blueprint import bp
from app.policies.models import KINDS, TOPICS, VALIDITIES
from app.search import needs_help
from app.web.caching import public_memo_for
from app.web.render import render, wants_fragment

Q_MAX = 100


def list_filters() -> dict:
    """Read the list filters from the query string, ignoring values that are not on offer."""
    args = request.args
    year = args.get("year", "")
    page = args.get("page", "1")
    status = args.get("status") or args.get("validity") or ""
    return {
        "q": (args.get("q") or "").strip()[:Q_MAX],
        "kind": args.get("kind") if args.get("kind") in KINDS else "",
        "topic": args.get("topic") if args.get("topic") in TOPICS else "",
        "status": status if status in VALIDITIES else "",
        "year": int(year) if year.isdigit() and 1990 <= int(year) <= 2100 else None,
        "page": min(int(page), 1000) if page.isdigit() and int(page) > 0 else 1,
    }


def _list_url(filters: dict, page: int) -> str:
    params = {k: v for k, v in filters.items() if v and k != "page"}
    if page > 1:
        params["page"] = page
    return url_for("policies.list_articles", **params)


@bp.get("/policies/")
def list_articles():
    """List public articles with filters and search; fragments for live search and "加载更多"."""
    filters = list_filters()
    result = queries.list_public_cards(
        filters["q"], filters["kind"], filters["topic"], filters["status"], filters["year"], filters["page"]
    )
    context = {
        "filters": filters,
        "result": result,
        "help_card": needs_help(filters["q"]),
        "years": queries.kept_until_due("policies.years", None, queries.public_years),
        "kinds": KINDS,
        "topics": TOPICS,
        "validities": VALIDITIES,
        "page_url": lambda page: _list_url(filters, page),
        "next_url": _list_url(filters, result.page + 1) if result.has_next else None,
    }
    # 加载更多 asks for page N>1 with htmx: answer only the next items plus a new control.
    more = filters["page"] > 1 and wants_fragment()
    fragment = "policies/_more.html" if more else "policies/_results.html"
    return render("policies/article_list.html", fragment, **context)


@bp.get("/policies/faq")
def faq():
    """FAQ grouped by topic; with ``q`` only the matching questions (fragment for live search)."""
    q = (request.args.get("q") or "").strip()[:Q_MAX]
    groups = queries.faqs_by_topic(queries.search_faq_ids(q) if q else None)
    return render("policies/faq_list.html", "policies/_faq_results.html", q=q, groups=groups)


# Longer slugs are never made (validation.make_slug); such a URL is looked up without being remembered.
MEMO_SLUG_MAX = 200


@bp.get("/policies/<slug>")
def show_article(slug: str):
    """Show one public article with its metadata, interpretations, related FAQ and news."""
    if len(slug) <= MEMO_SLUG_MAX:
        article, policy, replacement = public_memo_for("policies.article", slug, lambda: _published(slug))
    else:
        article, policy, replacement = _published(slug)
    if article is None or not article.is_due():
        abort(404)
    return render(
        "policies/article_detail.html",
        article=article,
        policy=policy if policy is not None and policy.is_due() else None,
        replacement=replacement if replacement is not None and replacement.is_due() else None,
        **public_memo_for("policies.related", article.id, lambda: _related(article)),
    )


def _published(slug: str) -> tuple:
    """The published article ``slug`` and the published documents it links to (plain values, kept until
    public content changes; whether each is due yet is checked per request)."""
    article = queries.published_article(slug)
    if article is None:
        return None, None, None
    policy = queries.published_link(article.policy_id) if article.kind == "interpretation" else None
    replacement = queries.published_link(article.replaced_by_id) if article.is_superseded else None
    return article, policy, replacement


def _related(article) -> dict:
    """The article page's lists (plain values, kept until public content changes)."""
    return {
        "interpretations": queries.interpretations_of(article) if article.kind == "policy" else [],
        "faqs": queries.related_faqs(article.topic),
        "news": queries.related_news(article),
    }
