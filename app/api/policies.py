"""API v1: policies endpoints (filled in by the policies issue)."""

OPENAPI_PATHS: dict = {}
OPENAPI_SCHEMAS: dict = {}
