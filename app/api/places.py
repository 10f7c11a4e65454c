"""API v1: published red place names (search/list and one entry)."""

from flask import abort, jsonify, request, url_for

from app.api.blueprint import bp
from app.places import queries

PER_PAGE = 20


def _summary(place, hit=None) -> dict:
    """The list representation of a place (``hit`` adds the highlighted snippet as plain text)."""
    return {
        "code": place.code,
        "name": place.name,
        "pinyin": place.pinyin,
        "category": place.category.name if place.category else None,
        "town": place.town.name if place.town else None,
        "village": place.village or None,
        "era": place.era.name if place.era else None,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "snippet": hit.snippet.striptags() if hit is not None and hit.snippet else None,
        "url": url_for("places.show_place", code=place.code, _external=True),
    }


def _detail(place) -> dict:
    data = _summary(place)
    data.pop("snippet")
    data.update(
        {
            "pinyin_plain": place.pinyin_plain,
            "address": place.address or None,
            "protection_level": place.protection_level.name if place.protection_level else None,
            "aliases": [{"name": a.name, "kind": a.kind} for a in place.aliases],
            "origin": place.origin,
            "history": place.history,
            "story": place.story,
            "persons": list(place.persons or []),
            "events": list(place.events or []),
            "themes": [t.name for t in place.themes],
            "sources": [
                {"citation": s.citation, "url": s.url or None, "note": s.note or None} for s in place.sources
            ],
            "photos": [
                {
                    "url": url_for("places.photo_file", name=p.filename, _external=True),
                    "thumbnail_url": url_for("places.photo_file", name=p.thumb_filename, _external=True),
                    "caption": p.caption,
                    "credit": p.credit or None,
                    "width": p.width,
                    "height": p.height,
                }
                for p in place.photos
            ],
            "published_at": place.published_at.isoformat() if place.published_at else None,
            "updated_at": place.updated_at.isoformat() if place.updated_at else None,
        }
    )
    return data


@bp.get("/places")
def api_list_places():
    """Search or list published places: ?q=&town=&category=&era=&theme=&page=."""
    args = request.args
    try:
        page = int(args.get("page", 1))
    except ValueError:
        abort(400)
    if page < 1 or page > 500:
        abort(400)
    params = {
        **queries.clean_filters(args),
        "near": "",
        "sort": "relevance",
        "page": page,
    }
    result, rows, _near = queries.run_search(params, per_page=PER_PAGE, rows=queries.places_by_codes)
    items = [_summary(rows[hit.id], hit) for hit in result.hits if hit.id in rows]
    return jsonify(
        {
            "items": items,
            "total": result.total,
            "page": result.page,
            "pages": result.pages,
            "per_page": result.per_page,
            "facets": {
                key: [{"value": v, "count": c} for v, c in values] for key, values in result.facets.items()
            },
        }
    )


@bp.get("/places/<code>")
def api_get_place(code: str):
    """One published place with its full record."""
    place = queries.published_place(code)
    if place is None:
        abort(404)
    return jsonify(_detail(place))


_STRING = {"type": "string"}
_NULLABLE_STRING = {"type": ["string", "null"]}
_NULLABLE_NUMBER = {"type": ["number", "null"]}

OPENAPI_SCHEMAS: dict = {
    "PlaceSummary": {
        "type": "object",
        "required": ["code", "name", "pinyin", "category", "url"],
        "properties": {
            "code": {"type": "string", "example": "ZQ-0001"},
            "name": _STRING,
            "pinyin": {"type": "string", "description": "Tone-marked pinyin, one syllable per character"},
            "category": _STRING,
            "town": _NULLABLE_STRING,
            "village": _NULLABLE_STRING,
            "era": _NULLABLE_STRING,
            "latitude": {**_NULLABLE_NUMBER, "description": "WGS-84"},
            "longitude": {**_NULLABLE_NUMBER, "description": "WGS-84"},
            "snippet": {**_NULLABLE_STRING, "description": "Matching text (plain) for a query"},
            "url": {"type": "string", "format": "uri"},
        },
    },
    "PlaceList": {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/PlaceSummary"}},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "pages": {"type": "integer"},
            "per_page": {"type": "integer"},
            "facets": {
                "type": "object",
                "description": "Counts per town, category, era and theme",
                "additionalProperties": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"value": _STRING, "count": {"type": "integer"}},
                    },
                },
            },
        },
    },
    "Place": {
        "allOf": [
            {"$ref": "#/components/schemas/PlaceSummary"},
            {
                "type": "object",
                "properties": {
                    "pinyin_plain": _STRING,
                    "address": _NULLABLE_STRING,
                    "protection_level": _NULLABLE_STRING,
                    "aliases": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"name": _STRING, "kind": {"enum": ["曾用名", "俗称", "简称"]}},
                        },
                    },
                    "origin": _STRING,
                    "history": _STRING,
                    "story": _STRING,
                    "persons": {"type": "array", "items": _STRING},
                    "events": {"type": "array", "items": _STRING},
                    "themes": {"type": "array", "items": _STRING},
                    "sources": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "citation": _STRING,
                                "url": _NULLABLE_STRING,
                                "note": _NULLABLE_STRING,
                            },
                        },
                    },
                    "photos": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "url": _STRING,
                                "thumbnail_url": _STRING,
                                "caption": _STRING,
                                "credit": _NULLABLE_STRING,
                                "width": {"type": "integer"},
                                "height": {"type": "integer"},
                            },
                        },
                    },
                    "published_at": {"type": ["string", "null"], "format": "date-time"},
                    "updated_at": {"type": ["string", "null"], "format": "date-time"},
                },
            },
        ]
    },
}


def _query_param(name: str, description: str, schema: dict | None = None) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or _STRING,
    }


_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}

OPENAPI_PATHS: dict = {
    "/places": {
        "get": {
            "summary": "Search published red place names",
            "description": "Full-text search over names, aliases, pinyin (full or initials), people, events and "
            "stories. Without q, lists every published place. Only published entries appear.",
            "parameters": [
                _query_param("q", "Search text (Chinese, pinyin or initials)"),
                _query_param("town", "镇街, e.g. 明水街道"),
                _query_param("category", "类别, e.g. 革命遗址"),
                _query_param("era", "时期, e.g. 抗日战争时期"),
                _query_param("theme", "专题, e.g. 黄河地名文化"),
                _query_param(
                    "page", "Page number (20 per page)", {"type": "integer", "minimum": 1, "maximum": 500}
                ),
            ],
            "responses": {
                "200": {
                    "description": "One page of matches",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PlaceList"}}},
                },
                "400": {"description": "Invalid parameter", "content": _ERROR},
            },
        }
    },
    "/places/{code}": {
        "get": {
            "summary": "One published red place name",
            "parameters": [
                {
                    "name": "code",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "example": "ZQ-0001"},
                }
            ],
            "responses": {
                "200": {
                    "description": "The place",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Place"}}},
                },
                "404": {"description": "Unknown or unpublished code", "content": _ERROR},
            },
        }
    },
}
