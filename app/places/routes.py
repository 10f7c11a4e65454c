"""places routes."""

from app.places import bp  # noqa: F401
