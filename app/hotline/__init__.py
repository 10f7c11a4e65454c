"""Feature package: hotline (filled in by its issue)."""

from flask import Blueprint, Flask

bp = Blueprint("hotline", __name__)


def init_app(app: Flask) -> None:
    """Register the hotline routes, models and hooks."""
    from app.hotline import models, routes  # noqa: F401

    app.register_blueprint(bp)
