"""Request-level guards against hostile input: NUL characters anywhere, out-of-range integers, bad hosts.

PostgreSQL refuses a NUL inside text and ``bigint`` overflows past 2^63: both used to surface as 500s.
One ``before_request`` hook answers them with a Chinese 400 (or 404 for an id in the path) before any view
runs, so every route, present and future, is covered. Untrusted ``Host`` headers (``TRUSTED_HOSTS``) get a
plain 400 without templates, since no URL can be built for such a request.
"""

from flask import Flask, request
from werkzeug.exceptions import NotFound, SecurityError

from app.web.errors import DomainError

MAX_ID = 2**31 - 1  # the largest id or page number any view needs (PostgreSQL ``integer``)
INTEGER_ARGS = {"page", "per_page", "id", "limit", "offset"}


class HostileInput(DomainError):
    """A request carrying a NUL character or an out-of-range number."""

    status = 400
    default = "请求中含有无效的字符或超出范围的数字，请检查后重试。"


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def _is_integer_arg(name: str) -> bool:
    return name in INTEGER_ARGS or name.endswith("_id")


def _out_of_range(raw: str) -> bool:
    text = raw.strip().lstrip("+-")
    return text.isdigit() and (len(text) > 10 or int(text) > MAX_ID)


def check_request() -> None:
    """Refuse NUL characters in path, query, form or JSON, and integers beyond ``MAX_ID``."""
    if "\x00" in request.path or _has_nul(request.view_args or {}):
        raise HostileInput()
    # A request without a body has no form, files or JSON: not parsing them saves most of this hook's
    # cost on every page view (issue 12).
    has_body = bool(request.content_length) or "Transfer-Encoding" in request.headers
    for source in (request.args, request.form) if has_body else (request.args,):
        for name, values in source.lists():
            if _has_nul(name) or _has_nul(values):
                raise HostileInput()
            if _is_integer_arg(name) and any(_out_of_range(v) for v in values):
                raise HostileInput("页码或编号超出范围。")
    if has_body and any("\x00" in (f.filename or "") for f in request.files.values()):
        raise HostileInput()
    if has_body and request.is_json and _has_nul(request.get_json(silent=True)):
        raise HostileInput()
    for value in (request.view_args or {}).values():
        if isinstance(value, int) and not -MAX_ID <= value <= MAX_ID:
            raise NotFound()


def _untrusted_host(error: SecurityError):
    return (
        "Bad Request: host not allowed / 主机名不被信任",
        400,
        {"Content-Type": "text/plain; charset=utf-8"},
    )


def init_app(app: Flask) -> None:
    """Register the guard before every request and the plain answer to untrusted hosts."""
    app.before_request(check_request)
    app.register_error_handler(SecurityError, _untrusted_host)
