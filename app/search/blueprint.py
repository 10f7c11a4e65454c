"""The site-wide search page blueprint (/search)."""

from flask import Blueprint

bp = Blueprint("search", __name__)
