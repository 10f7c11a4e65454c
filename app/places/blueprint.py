"""The public places blueprint (/places/)."""

from flask import Blueprint

bp = Blueprint("places", __name__)
