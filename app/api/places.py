"""API v1: places endpoints (filled in by the places issue)."""

OPENAPI_PATHS: dict = {}
OPENAPI_SCHEMAS: dict = {}
