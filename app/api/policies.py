"""API v1: public policies (published and due items only)."""

from flask import abort, jsonify, request, url_for

from app.api.blueprint import bp
from app.policies import queries
from app.policies.models import KINDS, TOPICS, VALIDITIES
from app.policies.rendering import render_markdown

PER_PAGE = 20


def _summary(article) -> dict:
    return {
        "slug": article.slug,
        "kind": article.kind,
        "kind_label": article.kind_label,
        "title": article.title,
        "summary": article.summary,
        "topic": article.topic,
        "doc_number": article.doc_number,
        "issuer": article.issuer or None,
        "written_on": article.written_on.isoformat() if article.written_on else None,
        "published_on": article.published_on.isoformat() if article.published_on else None,
        "validity": article.validity,
        "venue": article.venue,
        "url": url_for("policies.show_article", slug=article.slug, _external=True),
    }


def _bad_request(message: str):
    response = jsonify({"error": {"status": 400, "title": "请求有误", "message": message}})
    response.status_code = 400
    return response


@bp.get("/policies")
def list_policies():
    """List public articles (search with ``q``; filter by kind, topic, status, year; paged)."""
    args = request.args
    q = (args.get("q") or "").strip()[:100]
    kind, topic, status = args.get("kind") or None, args.get("topic") or None, args.get("status") or None
    if kind and kind not in KINDS:
        return _bad_request(f"kind 只能是 {', '.join(KINDS)} 之一。")
    if topic and topic not in TOPICS:
        return _bad_request(f"topic 只能是 {'、'.join(TOPICS)} 之一。")
    if status and status not in VALIDITIES:
        return _bad_request(f"status 只能是 {'、'.join(VALIDITIES)} 之一。")
    year = args.get("year") or None
    if year is not None and not (year.isdigit() and 1990 <= int(year) <= 2100):
        return _bad_request("year 应是四位年份，例如 2024。")
    page = args.get("page") or "1"
    if not page.isdigit() or not 1 <= int(page) <= 1000:
        return _bad_request("page 应是 1 到 1000 之间的整数。")
    result = queries.list_public_articles(
        q, kind, topic, status, int(year) if year else None, int(page), PER_PAGE
    )
    return jsonify(
        {
            "items": [_summary(a) for a in result.items],
            "total": result.total,
            "page": result.page,
            "pages": result.pages,
            "per_page": PER_PAGE,
        }
    )


@bp.get("/policies/<slug>")
def get_policy(slug: str):
    """One public article with its body rendered to sanitised HTML."""
    article = queries.get_public_article(slug)
    if article is None:
        abort(404)
    data = _summary(article)
    data.update(
        plain_language=article.plain_language,
        body_markdown=article.body,
        body_html=str(render_markdown(article.body)),
        policy=(p.slug if (p := queries.public_article(article.policy_id)) else None),
        replaced_by=(r.slug if (r := queries.public_article(article.replaced_by_id)) else None),
    )
    return jsonify(data)


_ARTICLE_PROPERTIES = {
    "slug": {"type": "string", "description": "网址标识（拼音，发布后不变）"},
    "kind": {"type": "string", "enum": list(KINDS)},
    "kind_label": {"type": "string", "examples": ["政策文件"]},
    "title": {"type": "string"},
    "summary": {"type": "string"},
    "topic": {"type": "string", "enum": TOPICS},
    "doc_number": {"type": ["string", "null"], "description": "文号，如 章民发〔2023〕12号"},
    "issuer": {"type": ["string", "null"], "description": "发文机关"},
    "written_on": {"type": ["string", "null"], "format": "date", "description": "成文日期"},
    "published_on": {"type": ["string", "null"], "format": "date", "description": "发布日期"},
    "validity": {
        "type": ["string", "null"],
        "enum": [*VALIDITIES, None],
        "description": "有效性（仅政策文件）",
    },
    "venue": {"type": ["string", "null"], "description": "“七进”场所（仅活动动态）"},
    "url": {"type": "string", "format": "uri"},
}

OPENAPI_SCHEMAS: dict = {
    "PolicySummary": {"type": "object", "properties": _ARTICLE_PROPERTIES},
    "PolicyList": {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/PolicySummary"}},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "pages": {"type": "integer"},
            "per_page": {"type": "integer"},
        },
    },
    "PolicyDetail": {
        "allOf": [
            {"$ref": "#/components/schemas/PolicySummary"},
            {
                "type": "object",
                "properties": {
                    "plain_language": {"type": "string", "description": "这对我意味着什么（Markdown）"},
                    "body_markdown": {"type": "string"},
                    "body_html": {"type": "string", "description": "sanitised HTML"},
                    "policy": {"type": ["string", "null"], "description": "slug of the interpreted policy"},
                    "replaced_by": {"type": ["string", "null"], "description": "slug of the replacement"},
                },
            },
        ]
    },
}

_ERROR = {
    "description": "错误",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}

OPENAPI_PATHS: dict = {
    "/policies": {
        "get": {
            "summary": "婚俗改革政策、解读、动态和倡议（仅已发布）",
            "parameters": [
                {
                    "name": "q",
                    "in": "query",
                    "schema": {"type": "string"},
                    "description": "关键词、文号或拼音",
                },
                {"name": "kind", "in": "query", "schema": {"type": "string", "enum": list(KINDS)}},
                {"name": "topic", "in": "query", "schema": {"type": "string", "enum": TOPICS}},
                {"name": "status", "in": "query", "schema": {"type": "string", "enum": VALIDITIES}},
                {"name": "year", "in": "query", "schema": {"type": "integer"}},
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
            ],
            "responses": {
                "200": {
                    "description": "一页结果",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PolicyList"}}},
                },
                "400": _ERROR,
            },
        }
    },
    "/policies/{slug}": {
        "get": {
            "summary": "一篇已发布的文章",
            "parameters": [{"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {
                "200": {
                    "description": "文章",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/PolicyDetail"}}
                    },
                },
                "404": _ERROR,
            },
        }
    },
}
