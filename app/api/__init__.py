"""Read-only JSON API v1 and its OpenAPI document."""

from flask import Blueprint, Flask

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def init_app(app: Flask) -> None:
    """Register the API routes (CSRF does not apply: the API is GET-only)."""
    from app.api import openapi, places, policies  # noqa: F401

    app.register_blueprint(bp)
