"""红色地名 archive: place names, aliases, photos, revisions, review workflow, import and export.
Public pages and GeoJSON on ``bp``; the archivist console on ``console.console_bp`` (/console/places/).
init_app registers both, the ``flask places`` CLI, the search provider and the registry entries."""

from flask import Flask

from app.places import console, demo, queries, routes, search_docs  # noqa: F401  (views register on bp)
from app.places.blueprint import bp
from app.places.cli import places_cli
from app.web.caching import public_memo
from app.web.registry import ConsoleEntry, HomeSection, SitemapEntry, get_registry


def warm_up_paths() -> list[str]:
    """The list, a search (jieba's dictionary and the index) and the first entry's page."""
    paths = ["/places/", "/places/?q=烈士"]
    code = queries.first_published_code()
    return [*paths, f"/places/{code}"] if code else paths


def init_app(app: Flask) -> None:
    """Register the places routes, console, CLI, search provider and registry entries."""
    app.register_blueprint(bp)
    console.init_app(app)
    search_docs.init_app(app)
    app.cli.add_command(places_cli)

    def sitemap_entries():
        for code, updated_at in queries.sitemap_rows():
            yield SitemapEntry(loc=f"/places/{code}", lastmod=updated_at.date() if updated_at else None)
        themes = queries.themes_with_counts()
        if themes:
            yield SitemapEntry(loc="/places/themes/")
        for theme, _count in themes:
            yield SitemapEntry(loc=f"/places/themes/{theme.slug}")

    def home_context() -> dict:
        return public_memo("places.home", queries.home_summary)

    registry = get_registry(app)
    registry.sitemap.append(sitemap_entries)
    registry.home.append(HomeSection("places/_home.html", home_context, order=30))
    registry.warm_up.append(warm_up_paths)
    registry.demo.append(("20-places", demo.load))
    registry.console.append(
        ConsoleEntry(
            "红色地名档案",
            "places_console.list_places",
            console.STAFF,
            "条目编辑、审核、照片、导入导出",
            order=30,
        )
    )
