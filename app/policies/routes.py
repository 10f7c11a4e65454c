"""policies routes."""

from app.policies import bp  # noqa: F401
