"""Feature package: api (filled in by its issue)."""

from flask import Blueprint, Flask

bp = Blueprint("api", __name__)


def init_app(app: Flask) -> None:
    """Register the api routes, models and hooks."""
    from app.api import models, routes  # noqa: F401

    app.register_blueprint(bp)
