"""The ops blueprint (a leaf module the views import)."""

from flask import Blueprint

bp = Blueprint("ops", __name__)
