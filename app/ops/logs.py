"""Logs an operator can use: JSON lines, a request id on every line, one access line per request.

The access line holds time, request id, method, route (the URL rule, never the path or query: paths
carry booking references and queries carry search terms), status, duration and the staff user's id.
Nothing from a form or a query string is logged, so hotline callers' data never reaches a log.
``X-Request-ID`` from nginx is kept when it looks like an id, else one is made; the response echoes it.
"""

import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, current_app, g, has_request_context, request
from flask_login import current_user

from app.ops.settings import apply_defaults
from app.web.front import EarlyAnswer
from app.web.registry import get_registry

_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
access_log = logging.getLogger("app.access")


def _id_from(incoming: str) -> str:
    return incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex


def request_id() -> str | None:
    """The current request's id (None outside a request)."""
    if not has_request_context():
        return None
    current = g.get("request_id")
    if current is None:
        current = g.request_id = _id_from(request.environ.get("HTTP_X_REQUEST_ID", ""))
    return current


class RequestIdFilter(logging.Filter):
    """Attach ``request_id`` to every record logged during a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:  # the access line and an early answer pass their own
            record.request_id = request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, extra ``fields``."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if getattr(record, "request_id", None):
            entry["request_id"] = record.request_id
        entry.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"


def configure(app: Flask) -> None:
    """Set up the root logger once per process: JSON (``LOG_FORMAT=json``) or text, with request ids."""
    apply_defaults(app)
    root = logging.getLogger()
    level = getattr(logging, str(app.config.get("LOG_LEVEL", "INFO")).upper(), logging.INFO)
    root.setLevel(level)
    handler = next((h for h in root.handlers if getattr(h, "zq_handler", False)), None)
    if handler is None:
        handler = logging.StreamHandler()
        handler.zq_handler = True  # type: ignore[attr-defined]
        handler.addFilter(RequestIdFilter())
        root.addHandler(handler)
    json_logs = app.config.get("LOG_FORMAT", "text") == "json"
    handler.setFormatter(JsonFormatter() if json_logs else logging.Formatter(TEXT_FORMAT))


def _user_id() -> int | None:
    if "_login_user" not in g and current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        return None  # no session and nobody loaded a user: anonymous, without loading one (issue 12)
    try:
        return int(current_user.id) if current_user.is_authenticated else None
    except (TypeError, ValueError, AttributeError):
        return None


def _log_access(fields: dict, rid: str | None) -> None:
    """``access_log.info`` without ``Logger.findCaller``: the caller is always this line (issue 12)."""
    if not access_log.isEnabledFor(logging.INFO):
        return
    extra = {"fields": fields} if rid is None else {"fields": fields, "request_id": rid}
    args = (fields["method"], fields["route"], fields["status"])
    record = access_log.makeRecord(
        access_log.name, logging.INFO, __file__, 0, "%s %s %s", args, None, "_log_access", extra
    )
    access_log.handle(record)


def log_early_answer(answer: EarlyAnswer) -> None:
    """The same access line and request id for a page-cache hit answered before Flask (app/web/front.py)."""
    rid = _id_from(answer.environ.get("HTTP_X_REQUEST_ID", ""))
    duration_ms = round((time.perf_counter() - answer.started) * 1000, 1)
    fields = {"method": answer.method, "route": answer.route, "status": answer.status}
    _log_access({**fields, "duration_ms": duration_ms}, rid)
    answer.headers.append(("X-Request-ID", rid))


def init_app(app: Flask) -> None:
    """Log one access line per request and echo the request id."""
    configure(app)
    get_registry(app).early_answer.append(log_early_answer)

    def _start():
        g.log_started = time.perf_counter()
        request_id()

    # First of all before-request hooks: a request refused by an earlier hook (CSRF) is timed too.
    app.before_request_funcs.setdefault(None, []).insert(0, _start)

    @app.after_request
    def _access(response):
        started = g.get("log_started")
        duration_ms = round((time.perf_counter() - started) * 1000, 1) if started else None
        req = request._get_current_object()  # noqa: SLF001 (one proxy look instead of four)
        rule = req.url_rule
        fields = {
            "method": req.method,
            "route": rule.rule if rule is not None else "<unmatched>",
            "status": response.status_code,
            "duration_ms": duration_ms,
        }
        user_id = _user_id()
        if user_id is not None:
            fields["user_id"] = user_id
        rid = request_id()
        _log_access(fields, rid)
        response.headers["X-Request-ID"] = rid
        return response
