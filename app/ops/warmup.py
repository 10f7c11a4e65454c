"""Warm-up: render the main public pages once when a server process starts (issue 12).

A fresh gunicorn worker answered its first search in 120–230 ms against ~1 ms later: jieba loads its
dictionary, the search index opens its searcher, and templates and SQL statements are compiled on first
use. Workers are recycled every ``max_requests`` requests (gunicorn.conf.py), so without this the first
visitors after every start and every recycle paid for it, and it set the 99th percentile latency.

``gunicorn.conf.py`` calls ``warm_up`` from ``post_worker_init``, before the worker accepts connections.
Each feature lists its paths in the registry (``Registry.warm_up``). The views run inside a request
context without the per-request hooks: no access-log line, no metrics, no page-cache entry, no session.
A page that fails is logged and skipped; the worker starts all the same.
"""

import logging
from time import perf_counter

from flask import Flask
from werkzeug.exceptions import HTTPException

from app.web.registry import get_registry

log = logging.getLogger(__name__)
BUDGET_SECONDS = 15.0  # stop warming after this long: a slow database must not hold a worker back


def warm_up(app: Flask, budget: float = BUDGET_SECONDS) -> list[tuple[str, int, float]]:
    """Render each registered warm-up path once; ``(path, status, ms)`` for each (status 0: it failed)."""
    started = perf_counter()
    try:
        with app.app_context():
            paths = [path for provider in get_registry(app).warm_up for path in provider()]
    except Exception:
        log.warning("warm-up: could not list the pages", exc_info=True)
        return []
    base_url = _base_url(app)
    done = []
    for path in paths:
        if perf_counter() - started > budget:
            log.warning("warm-up: stopped after %.0f s, %d page(s) left", budget, len(paths) - len(done))
            break
        began = perf_counter()
        try:
            with app.test_request_context(path, base_url=base_url, headers={"Accept-Encoding": "gzip"}):
                status = app.make_response(app.dispatch_request()).status_code
        except HTTPException as exc:
            status = exc.code or 0
        except Exception:
            log.warning("warm-up: %s failed", path.split("?")[0], exc_info=True)
            status = 0
        done.append((path, status, (perf_counter() - began) * 1000))
    log.info("warm-up: %d page(s) in %.0f ms", len(done), (perf_counter() - started) * 1000)
    other = [f"{path.split('?')[0]} {status}" for path, status, _ms in done if status != 200]
    if other:  # e.g. 400 for a host the app does not trust: that page was not warmed
        log.warning("warm-up: %d page(s) did not answer 200: %s", len(other), ", ".join(other))
    return done


def _base_url(app: Flask) -> str:
    """A URL the app answers to: production trusts only its own host name (``TRUSTED_HOSTS``)."""
    trusted = app.config.get("TRUSTED_HOSTS") or []
    host = next((h.lstrip(".") for h in trusted if h.strip(".")), None)
    if host:
        return f"https://{host}/"
    return app.config.get("SITE_URL") or "http://localhost/"
