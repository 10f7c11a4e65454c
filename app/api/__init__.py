"""Read-only JSON API v1 and its OpenAPI document."""

from flask import Flask

from app.api import openapi, places, policies  # noqa: F401  (views register on bp)
from app.api.blueprint import bp


def init_app(app: Flask) -> None:
    """Register the API routes (CSRF does not apply: the API is GET-only)."""
    app.register_blueprint(bp)
