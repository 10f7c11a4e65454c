"""Feature package: places (filled in by its issue)."""

from flask import Blueprint, Flask

bp = Blueprint("places", __name__)


def init_app(app: Flask) -> None:
    """Register the places routes, models and hooks."""
    from app.places import models, routes  # noqa: F401

    app.register_blueprint(bp)
