"""The one ``policies`` blueprint: public pages (routes) and the editor console register views on it."""

from flask import Blueprint

bp = Blueprint("policies", __name__)
