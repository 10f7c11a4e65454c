"""The accounts blueprint (sign-in, password, user administration)."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)
