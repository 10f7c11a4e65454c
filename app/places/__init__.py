"""Feature package: places (红色地名 archive).

Interface summary (engineer A: public side; engineer B: console side)
-------------------------------------------------------------------
models (``app.places.models``)
  Reference tables (seeded by migration 0004, ``info={"reference": True}``): ``Category`` (name, code,
  position), ``Era``, ``ProtectionLevel``, ``Town`` (name, short_name, latitude, longitude: the 18 镇街),
  ``Theme`` (name, slug, description; archivists may add more).
  ``PlaceName``: code "ZQ-0001", name, pinyin (tones, "míng shuǐ"), pinyin_plain ("mingshui"),
  category/town/era/protection_level (FK + relationship), village, address, longitude/latitude (WGS-84),
  origin 来历, history 沿革, story 红色故事, persons/events (JSON lists of str), status ∈ draft/in_review/
  published/archived, author, reviewer, reviewed_at, review_comment, created_at/updated_at/published_at;
  relationships aliases (``PlaceAlias`` name+kind ∈ ALIAS_KINDS), sources (``Source`` citation/url/note),
  photos (``Photo`` filename/thumb_filename in UPLOAD_DIR/places/, caption, credit, position, sizes),
  themes (M2M ``place_themes``), revisions (``PlaceRevision`` snapshot JSON, author, note, newest first).
  Transitions on the model raise ``PlaceStateError`` (Chinese message): ``submit()``,
  ``approve(reviewer, comment="")``, ``send_back(reviewer, comment)``, ``archive()``, ``reopen()``,
  ``publish_directly()``; predicates ``can_edit(user)``, ``can_review(user)``; ``snapshot()`` → dict.
reference (``app.places.reference``)
  ``ReferenceMatcher()`` with ``.town(v)``, ``.category(v)``, ``.era(v)``, ``.protection_level(v)``,
  ``.theme(v)`` → row or None (明水 → 明水街道, 埠村镇 → 埠村街道, traditional/full-width tolerated);
  ``all_towns()``, ``all_categories()``, ``all_eras()``, ``all_protection_levels()``, ``all_themes()``.
pinyin (``app.places.pinyin``)
  ``tone_pinyin(name)``, ``plain_pinyin(name)``, ``initials(name)``, ``display_pinyin(name)``.
search (``app.places.search_docs``)
  ``schedule_place(place)``: call inside the service transaction after any change that may affect the
  public view (publish, edit of a published entry, archive, delete); the index updates after commit.
queries (``app.places.queries``, public read side)
  ``published_place(code)``, ``places_by_codes``, ``related_places``, ``themes_with_counts``,
  ``geojson_features``; ``filter_choices()`` caches the search form's reference options for 60 s, so call
  ``forget_choices()`` after creating or renaming a theme or reference row.
demo (``app.places.demo``, text templates in ``demo_entries``)
  ``load()`` is the "20-places" demo loader; ``generate(n)`` + ``build_place(entry, refs)`` build entries.
photos
  Files live in ``UPLOAD_DIR/places/``; public route ``places.photo_file`` serves them by stored name
  (published places only).
"""

import importlib.util

from flask import Blueprint, Flask

bp = Blueprint("places", __name__)


def init_app(app: Flask) -> None:
    """Register the places routes, models and hooks."""
    from app.places import models, routes, search_docs  # noqa: F401
    from app.web.registry import HomeSection, SitemapEntry, get_registry

    app.register_blueprint(bp)
    search_docs.init_app(app)
    # The archivist console (engineer B) registers its own blueprint, CLI and console tile.
    if importlib.util.find_spec("app.places.console") is not None:
        from app.places import console

        console.init_app(app)
    registry = get_registry(app)

    def sitemap_entries():
        from app.places import queries

        for code, updated_at in queries.sitemap_rows():
            yield SitemapEntry(loc=f"/places/{code}", lastmod=updated_at.date() if updated_at else None)
        themes = queries.themes_with_counts()
        if themes:
            yield SitemapEntry(loc="/places/themes/")
        for theme, _count in themes:
            yield SitemapEntry(loc=f"/places/themes/{theme.slug}")

    registry.sitemap.append(sitemap_entries)

    def home_context() -> dict:
        from app.places import queries

        return {"place_count": queries.published_count(), "place_themes": queries.themes_with_counts()}

    registry.home.append(HomeSection("places/_home.html", home_context, order=30))

    def load_demo():
        from app.places import demo

        demo.load()

    registry.demo.append(("20-places", load_demo))
