"""Archivist console for the 红色地名 archive: /console/places/ (archivists and admins).
Views are thin: parse a form, check access (decorator + model predicate), call one service, render.
entries: list, create, edit; review: workflow and history; photos; io: import and export."""

from flask import Flask

from app.places.console import entries, io, photos, review  # noqa: F401  (views register on console_bp)
from app.places.console.blueprint import STAFF, console_bp

__all__ = ["STAFF", "console_bp", "init_app"]


def init_app(app: Flask) -> None:
    """Attach the console views to ``console_bp`` and register it."""
    app.register_blueprint(console_bp)
