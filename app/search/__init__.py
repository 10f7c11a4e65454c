"""Whoosh-backed search (the only package that imports whoosh). Filled in by the search issue."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register search hooks, routes and CLI."""
