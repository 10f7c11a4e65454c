"""Feature package: policies (filled in by its issue)."""

from flask import Blueprint, Flask

bp = Blueprint("policies", __name__)


def init_app(app: Flask) -> None:
    """Register the policies routes, models and hooks."""
    from app.policies import models, routes  # noqa: F401

    app.register_blueprint(bp)
