"""The one ``hotline`` blueprint: booking and cases register their views on it (endpoints ``hotline.*``)."""

from flask import Blueprint

bp = Blueprint("hotline", __name__)
