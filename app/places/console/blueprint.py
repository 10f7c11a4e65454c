"""The archivist console blueprint (/console/places/) and who may use it."""

from flask import Blueprint

console_bp = Blueprint("places_console", __name__, url_prefix="/console/places")
STAFF = ("archivist", "admin")
