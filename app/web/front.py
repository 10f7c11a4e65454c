"""The page cache's front door: a WSGI middleware that answers page-cache hits before Flask (issue 12).

A hit for an anonymous public GET used to run every per-request hook first (host check, NUL guard,
limiter, request id, access log, metrics, session, security headers): 1.8–3.5 ms, against a cached body
that is ready to send. Here the hit is answered from the WSGI environ alone, and the answer is the very
one Flask sent on the miss: the stored entry is the final status, headers and body as they left the app
(security headers, ``Vary``, ``ETag``, ``Cache-Control``, ``Content-Encoding``), so a hit cannot differ
from a miss. What must still happen for every request happens here too:

- the host check (``TRUSTED_HOSTS`` and werkzeug's host validation): a doubtful host goes to Flask;
- ``If-None-Match`` / ``If-Modified-Since``: answered with 304 by werkzeug's ``make_conditional``;
- the access-log line, request id and metrics: observers registered by features
  (``Registry.early_answer``, see ``app/ops``) get every early answer;
- housekeeping a before-request hook owes (``Registry.cache_bypass``, e.g. releasing scheduled articles):
  such a request goes through Flask.

Only requests that can be public at all are looked up: GET/HEAD, no body, no session or remember
cookie (a signed-in or form-using browser always goes through Flask), a query string of bounded length.
An entry is stored only for what Flask itself marked storable (``caching.store_page``): the key and the
route are Flask's, computed after every before-request hook, so a page is never filed under a key it
was not rendered for.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from time import perf_counter

from flask import Flask
from werkzeug.exceptions import SecurityError
from werkzeug.http import parse_cookie
from werkzeug.wrappers import Response
from werkzeug.wsgi import get_host

from app.web.registry import get_registry

log = logging.getLogger(__name__)
STORE = "zq.page_cache.store"  # environ key: (cache key, endpoint, route) set by Flask for a storable page
GENERATION = "zq.page_cache.generation"  # environ key: the content generation read once for this request
HIT = "zq.page_cache.hit"  # environ key: set when the front answered (tests and the access log read it)
MISSED = "zq.page_cache.missed"  # environ key: the key the front looked up in vain (Flask need not again)
PER_REQUEST_HEADERS = frozenset({"content-length", "x-request-id", "date", "server"})


@dataclass
class EarlyAnswer:
    """What an observer learns of an answer given before Flask; it may add response headers."""

    environ: dict
    method: str
    endpoint: str
    route: str
    status: int
    started: float
    headers: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Entry:
    """A stored page: the final answer as it left the app, and the view that made it."""

    status: str
    headers: list[tuple[str, str]]
    body: bytes
    endpoint: str
    route: str


class PageCacheFront:
    """WSGI middleware in front of ``app.wsgi_app``: page-cache hits never reach Flask."""

    def __init__(self, app: Flask, wsgi_app, key_for: Callable[[dict], str | None], backend):
        self.app = app
        self.wsgi_app = wsgi_app
        self.key_for = key_for  # environ -> cache key, or None when this request must not be looked up
        self.backend = backend
        config = app.config
        self.skip_cookies = (
            config["SESSION_COOKIE_NAME"],
            config.get("REMEMBER_COOKIE_NAME", "remember_token"),
        )
        self.registry = get_registry(app)

    def __call__(self, environ: dict, start_response) -> Iterable[bytes]:
        started = perf_counter()
        entry = self._lookup(environ)
        if entry is not None:
            return self._answer(environ, start_response, entry, started)
        captured: list = []

        def capture(status, headers, exc_info=None):
            captured[:] = [status, headers]
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, capture)
        store = environ.get(STORE)
        if store is None or not captured:
            return body
        return self._store(store, captured, body)

    def _eligible(self, environ: dict) -> bool:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return False
        if environ.get("CONTENT_LENGTH") not in (None, "", "0") or "HTTP_TRANSFER_ENCODING" in environ:
            return False  # a GET with a body: Flask's guards read it
        if "HTTP_COOKIE" in environ:
            cookies = parse_cookie(environ)
            if any(name in cookies for name in self.skip_cookies):
                return False
        try:
            get_host(environ, self.app.config["TRUSTED_HOSTS"])
        except SecurityError:
            return False  # Flask answers an untrusted or malformed host with its plain 400
        path = environ.get("PATH_INFO", "")
        return not any(bypass(path) for bypass in self.registry.cache_bypass)

    def _lookup(self, environ: dict) -> Entry | None:
        if not self._eligible(environ):
            return None
        key = self.key_for(environ)
        if key is None:
            return None
        try:
            entry = self.backend.get(key)
        except Exception:  # a cache outage (Redis down) must not take pages down: Flask renders
            log.warning("page cache: lookup failed", exc_info=True)
            return None
        if not isinstance(entry, Entry):
            environ[MISSED] = key
            return None
        return entry

    def _answer(self, environ: dict, start_response, entry: Entry, started: float) -> Iterable[bytes]:
        environ[HIT] = True
        conditional = "HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ
        if conditional:
            response = Response(entry.body, status=entry.status, headers=entry.headers)
            response.make_conditional(environ)
            status, headers = response.status, response.headers.to_wsgi_list()
            body = [] if response.status_code == 304 else [entry.body]
        else:
            status, body = entry.status, [entry.body]
            headers = [*entry.headers, ("Content-Length", str(len(entry.body)))]
        answer = EarlyAnswer(
            environ, environ["REQUEST_METHOD"], entry.endpoint, entry.route, int(status[:3]), started
        )
        for observe in self.registry.early_answer:
            observe(answer)
        start_response(status, headers + answer.headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else body

    def _store(self, store: tuple[str, str, str], captured: list, body: Iterable[bytes]) -> Iterable[bytes]:
        """Keep the answer exactly as it leaves the app (minus per-request headers) for the next visitor."""
        key, endpoint, route = store
        status, headers = captured
        try:
            data = b"".join(body)
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
        if status.startswith("200") and not any(name.lower() == "set-cookie" for name, _ in headers):
            kept = [(name, value) for name, value in headers if name.lower() not in PER_REQUEST_HEADERS]
            try:
                self.backend.set(key, Entry(status, kept, data, endpoint, route))
            except Exception:  # the page is answered all the same; only the next visitor pays
                log.warning("page cache: store failed", exc_info=True)
        return [data]
