"""URL helpers."""

from urllib.parse import urlsplit

from flask import Flask, current_app, request, url_for


def safe_next(target: str | None, default: str | None = None) -> str | None:
    """Return ``target`` only when it is a local absolute path (no scheme, host, or ``//``)."""
    if not target:
        return default
    target = target.strip()
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


URL_MEMO_LIMIT = 4096
# Endpoints whose URL values are public identifiers of published content (file names, codes, slugs): their
# URLs may be kept. Any other URL with values is built every time, so a booking reference, an import token
# or someone's search words never stay in the process's memory after the request.
REMEMBERED_WITH_VALUES = frozenset(
    {"static", "places.show_place", "places.show_theme", "places.photo_file", "policies.show_article"}
)


def remembered_url_for(endpoint: str, **values) -> str:
    """``url_for`` for templates, remembered per app: a page builds 25-40 URLs, most of them the same on
    every request (navigation, static files), at ~10 µs each through werkzeug's URL builder.

    A relative URL depends only on the endpoint, its values and the script root (the static hash is fixed
    per app, ``assets.init_app``), so those are the key. Only URLs without values, or with the public
    identifiers of ``REMEMBERED_WITH_VALUES``, are kept; relative endpoints (``.name``, which depend on the
    current blueprint), external, anchored or method-specific URLs and unhashable values are built every
    time. The memo is emptied when it reaches ``URL_MEMO_LIMIT`` entries. A hit costs ~2 µs: one look at
    the request and the app each (context-local proxies cost ~1 µs a look).
    """
    if endpoint.startswith("."):
        return url_for(endpoint, **values)
    if values:
        if endpoint not in REMEMBERED_WITH_VALUES or any(name.startswith("_") for name in values):
            return url_for(endpoint, **values)
        items: object = (endpoint, *sorted(values.items()))  # names are unique: values are never compared
        try:
            hash(items)
        except TypeError:  # an unhashable value
            return url_for(endpoint, **values)
    else:
        items = endpoint
    memo = current_app._get_current_object().extensions["zq_url_memo"]  # noqa: SLF001
    key = (request._get_current_object().root_path, items)  # noqa: SLF001
    url = memo.get(key)
    if url is None:
        url = url_for(endpoint, **values)
        if len(memo) >= URL_MEMO_LIMIT:
            memo.clear()
        memo[key] = url
    return url


def init_app(app: Flask) -> None:
    app.extensions["zq_url_memo"] = {}
    app.jinja_env.globals["url_for"] = remembered_url_for
