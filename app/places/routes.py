"""Public places pages: search and browse, place page, themes, photos and GeoJSON (published only)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlencode

from flask import abort, current_app, jsonify, request, send_from_directory, url_for
from sqlalchemy import select

from app.extensions import db
from app.places import queries
from app.places.blueprint import bp
from app.places.models import Photo, PlaceName
from app.search import needs_help
from app.web.caching import public_memo_for
from app.web.render import render, wants_fragment

_PHOTO_NAME = re.compile(r"^([0-9a-f]{8,64})(?:-(\d{2,4}))?\.jpg$")


def _search_args() -> dict:
    """The search parameters from the query string, cleaned (unknown sort → relevance)."""
    args = request.args
    params = {
        **queries.clean_filters(args),
        "near": (args.get("near") or "").strip()[:60],
        "sort": args.get("sort") or "",
        "facets": "1" if args.get("facets") == "1" else "",
    }
    if params["sort"] not in queries.SORTS:
        params["sort"] = "relevance"
    if params["near"] and params["sort"] == "relevance":
        params["sort"] = "distance"  # picking "离哪里近" means: sort by distance from there
    try:
        params["page"] = max(1, min(int(args.get("page", 1)), 500))
    except ValueError:
        params["page"] = 1
    return params


# werkzeug's URL builder encodes query values with ``urlencode`` and these safe characters (werkzeug.urls).
_QUERY_SAFE = "!$'()*,/:;?@"


def _url_with(params: dict, base: str | None = None, **changes) -> str:
    """The /places/ URL for ``params`` with ``changes`` applied (empty and default values dropped), encoded
    as ``url_for`` encodes it: from a remembered ``base`` it costs a fraction of the URL builder, which
    cannot keep URLs holding visitors' search words."""
    merged = {**params, **changes}
    if merged.get("sort") == "relevance":
        merged["sort"] = ""
    if merged.get("page") == 1:
        merged["page"] = ""
    query = urlencode([(k, v) for k, v in merged.items() if v not in ("", None)], safe=_QUERY_SAFE)
    base = base or url_for("places.list_places")
    return f"{base}?{query}" if query else base


def _list_response(params: dict, show_facets: bool):
    """The search page (or its htmx fragment); facet counts only when ``show_facets``."""
    more = params["page"] > 1 and wants_fragment()  # 加载更多: items only, no facet counts needed
    result, rows, (near, near_label, sort) = queries.run_search(
        params, facets=queries.FACETS if show_facets and not more else ()
    )
    distances = {}
    if near:
        for code, row in rows.items():
            if row.latitude is not None and row.longitude is not None:
                distances[code] = queries.distance_km(near, (row.latitude, row.longitude))
    base = url_for("places.list_places")
    context = {
        "params": params,
        "result": result,
        "help_card": needs_help(params["q"]),
        "rows": rows,
        "distances": distances,
        "near_label": near_label,
        "effective_sort": sort,
        "sorts": queries.SORTS,
        "url_with": lambda **changes: _url_with(params, base, **changes),
        "facets_url": _url_with(params, url_for("places.facet_counts"), page=1, sort="", facets=""),
        "next_url": _url_with(params, base, page=params["page"] + 1)
        if params["page"] < result.pages
        else None,
        "prev_url": _url_with(params, base, page=params["page"] - 1) if params["page"] > 1 else None,
    }
    if wants_fragment():
        context["announce"] = True  # update the screen-reader status line outside the swapped area
    else:
        context["choices"] = queries.filter_choices()
    # 加载更多 asks for page N>1 with htmx: answer only the next items plus a new button.
    fragment = "places/_more.html" if more else "places/_results.html"
    response = render("places/place_list.html", fragment, **context)
    if wants_fragment() and params["page"] == 1:
        # Push the clean URL (percent-encoded, so the header stays ASCII) rather than the raw form query.
        response.headers["HX-Push-Url"] = _url_with(params, base)
    return response


@bp.get("/places/")
def list_places():
    """Search and browse published place names (fragment for live search and 加载更多).

    Facet counts cost a second pass over every match, so they are computed only when asked for:
    ``facets=1`` (the no-JS link in the collapsed panel) or the panel's lazy ``/places/facets`` request.
    """
    params = _search_args()
    return _list_response(params, show_facets=params["facets"] == "1")


@bp.get("/places/facets")
def facet_counts():
    """Facet counts for a search: the panel body for htmx, else the search page with the panel open."""
    params = _search_args()
    if not wants_fragment():
        return _list_response({**params, "facets": "1"}, show_facets=True)
    result, _rows, _near = queries.run_search({**params, "page": 1}, per_page=1, rows=lambda codes: {})
    base = url_for("places.list_places")
    return render(
        "places/place_list.html",
        "places/_facets.html",
        params=params,
        result=result,
        url_with=lambda **changes: _url_with(params, base, **changes),
    )


CODE_MAX = PlaceName.__table__.c.code.type.length  # longer codes cannot exist


@bp.get("/places/<code>")
def show_place(code: str):
    """Show one published place with its story, photos, sources and related places (plain values)."""
    if len(code) > CODE_MAX:  # no such entry; not remembered
        abort(404)
    place = public_memo_for("places.page", code, lambda: queries.place_page(code))
    if place is None:
        abort(404)
    base = url_for("places.list_places")
    return render(
        "places/place_detail.html",
        place=place,
        search_link=lambda **args: _url_with({}, base, **args),  # persons, events, 镇街: 5-10 links
        related=public_memo_for("places.related", place.code, lambda: queries.related_places(place)),
    )


@bp.get("/places/themes/")
def list_themes():
    """List the themed collections (专题) that have published entries."""
    return render("places/theme_list.html", themes=queries.themes_with_counts())


@bp.get("/places/themes/<slug>")
def show_theme(slug: str):
    """Show one theme and its published entries in pinyin order."""
    theme = queries.theme_by_slug(slug)
    if theme is None:
        abort(404)
    try:
        page = max(1, int(request.args.get("page", 1)))
    except ValueError:
        page = 1
    places, total = queries.theme_places(theme, page)
    if not total:
        abort(404)
    pages = max(1, -(-total // 30))
    if page > pages:
        abort(404)
    return render("places/theme_detail.html", theme=theme, places=places, total=total, page=page, pages=pages)


@bp.get("/places/<code>/photos/<int:photo_id>")
def show_photo(code: str, photo_id: int):
    """One photo of a published place on its own page: large image, caption, source and a way back."""
    place = queries.published_place(code)
    photos = list(place.photos) if place else []
    index = next((i for i, photo in enumerate(photos) if photo.id == photo_id), None)
    if index is None:
        abort(404)
    return render(
        "places/photo_page.html",
        place=place,
        photo=photos[index],
        number=index + 1,
        total=len(photos),
        prev_photo=photos[index - 1] if index else None,
        next_photo=photos[index + 1] if index + 1 < len(photos) else None,
    )


@bp.get("/places/photos/<name>")
def photo_file(name: str):
    """Serve a stored photo or thumbnail of a published place (random names; nothing else)."""
    match = _PHOTO_NAME.match(name)
    if not match:
        abort(404)
    stem = match.group(1)
    photo = db.session.scalars(
        select(Photo).join(PlaceName).where(Photo.filename == f"{stem}.jpg", PlaceName.status == "published")
    ).first()
    if photo is None:
        abort(404)
    directory = Path(current_app.config["UPLOAD_DIR"]) / "places"
    if not (directory / name).is_file():
        abort(404)
    response = send_from_directory(directory, name, mimetype="image/jpeg", max_age=7 * 24 * 3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/places.geojson")
def places_geojson():
    """GeoJSON FeatureCollection of every published place with coordinates."""
    response = jsonify({"type": "FeatureCollection", "features": queries.geojson_features()})
    response.mimetype = "application/geo+json"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.cache_control.public = True
    response.cache_control.max_age = 300  # 10k features are ~4 MB; let clients and proxies reuse them briefly
    return response
