"""The OpenAPI 3.1 document, assembled from each feature's paths and schemas."""

from flask import jsonify

from app.api import places as places_api
from app.api import policies as policies_api
from app.api.blueprint import bp


def build_document() -> dict:
    """Return the OpenAPI document for /api/v1."""
    paths: dict = {}
    schemas: dict = {
        "Error": {
            "type": "object",
            "properties": {
                "error": {
                    "type": "object",
                    "properties": {
                        "status": {"type": "integer"},
                        "title": {"type": "string"},
                        "message": {"type": "string"},
                    },
                }
            },
        }
    }
    for module in (policies_api, places_api):
        paths.update(module.OPENAPI_PATHS)
        schemas.update(module.OPENAPI_SCHEMAS)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "章丘区民政局公开数据接口",
            "version": "1.0.0",
            "description": "Read-only JSON API: published policies and red place names. Only published items appear.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {"schemas": schemas},
    }


@bp.get("/openapi.json")
def openapi_document():
    """Serve the OpenAPI document."""
    return jsonify(build_document())
