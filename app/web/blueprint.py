"""The site-wide blueprint (home, elder mode, health, sitemap, robots)."""

from flask import Blueprint

bp = Blueprint("web", __name__)
