"""Archivist console for the 红色地名 archive: /console/places/ (archivists and admins).
Views are thin: parse a form, check access (decorator + model predicate), call one service, render.
entries: list, create, edit; review: workflow and history; photos; io: import and export."""

from flask import Blueprint, Flask

console_bp = Blueprint("places_console", __name__, url_prefix="/console/places")
STAFF = ("archivist", "admin")


def init_app(app: Flask) -> None:
    """Attach the console views to ``console_bp`` and register it."""
    from app.places.console import entries, io, photos, review  # noqa: F401  (views attach to console_bp)

    app.register_blueprint(console_bp)
