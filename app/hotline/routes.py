"""hotline routes."""

from app.hotline import bp  # noqa: F401
