"""Fast public pages: compression, a page cache for anonymous GETs, ETag/304 and Cache-Control per page kind.

An anonymous visitor's public page (no session cookie) depends only on the URL, the 长辈模式 cookie and the
htmx request headers, so it is cached server-side under exactly those, plus the content generation: a
number in the database bumped in the same transaction as every change to public content (and once more
after the commit, when the search index has caught up). Every worker on every host reads it per request,
so a published edit shows on the next request everywhere. Everything else is ``private, no-store``
unless its view chose a header itself; a signed-in staff member always gets ``private, no-store``.
"""

import hashlib
import logging
from collections.abc import Callable
from itertools import chain
from typing import TypeVar

from flask import Flask, current_app, g, has_request_context, request
from flask.wrappers import Response
from flask_caching import Cache
from flask_caching.backends import NullCache
from flask_compress import Compress
from flask_compress.flask_compress import _choose_algorithm
from flask_login import current_user
from sqlalchemy import BigInteger, event, inspect, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column
from werkzeug.http import parse_cookie

from app.extensions import db, limiter
from app.web.front import GENERATION, MISSED, STORE, Entry, PageCacheFront
from app.web.headers import add_vary

log = logging.getLogger(__name__)
T = TypeVar("T")

cache = Cache()
compress = Compress()

# Endpoints whose anonymous GET answer is the same for everyone (given mode and htmx variant).
PUBLIC_PAGES = frozenset(
    {
        "web.home",
        "search.search_page",
        "policies.list_articles",
        "policies.faq",
        "policies.show_article",
        "hotline.intro",
        "places.list_places",
        "places.facet_counts",
        "places.show_place",
        "places.list_themes",
        "places.show_theme",
    }
)
# Tables whose rows appear on public pages: a change to any of them bumps the content generation.
PUBLIC_CONTENT_TABLES = frozenset(
    {
        "articles",
        "faqs",
        "place_names",
        "place_aliases",
        "place_sources",
        "place_photos",
        "place_themes",
        "themes",
        "towns",
        "place_categories",
        "place_eras",
        "place_protection_levels",
        "hotline_rules",
        "hotline_closures",
        "hotline_extra_workdays",
        "hotline_settings",
    }
)
# Columns of other tables that public pages show: a place page names its reviewer (users.display_name).
# A change to them bumps the generation too; other changes to those rows (a sign-in) do not.
PUBLIC_COLUMNS = {"users": ("display_name",)}
MAX_CACHED_QUERY = 512  # bytes of query string; longer URLs are answered normally but never cached
MAX_CACHED_BODY = 512 * 1024
PRIVATE = "private, no-store"
CHANGED_KEY = "zq_public_content_changed"


class ContentGeneration(db.Model):
    """One row: the number bumped by every commit that changes public content (the page-cache epoch)."""

    __tablename__ = "content_generation"
    __table_args__ = {"info": {"reference": True}}  # seeded by its migration; tests keep the row

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


_GENERATION = ContentGeneration.__table__


_READ_GENERATION_SQL = "SELECT value FROM content_generation WHERE id = 1"


def read_generation(engine: Engine) -> int:
    """The content generation every worker agrees on (0 when the row is missing).

    Read on a pooled DBAPI connection of its own, not through the ORM session or a SQLAlchemy
    ``Connection``: ~25 µs instead of ~80 µs (``engine.connect()``) or ~600 µs (the session), and a page
    cache hit costs little more than this read.
    """
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(_READ_GENERATION_SQL)
        row = cursor.fetchone()
        cursor.close()
    finally:
        connection.close()  # back to the pool (which ends the read transaction)
    return (row[0] if row else 0) or 0


def current_generation() -> int:
    """``read_generation`` on the current app's engine, read once per request.

    The front's read (``GENERATION`` in the environ) serves the rest of the request too: the page-cache
    key and every ``public_memo`` of a miss. A request that bumps the generation only makes the next
    request recompute, never serves stale content. Outside a request it reads afresh.
    """
    if not has_request_context():
        return read_generation(db.engine)
    environ = request.environ
    if GENERATION not in environ:
        environ[GENERATION] = read_generation(db.engine)
    return environ[GENERATION]


PUBLIC_MEMO_KEYS = 2048  # entries per memo name (e.g. one per place page); emptied when full
_UNSET = object()


def public_memo_for(name: str, key: object, compute: Callable[[], T]) -> T:
    """``compute()`` for ``key`` (a place code, an article id), kept in this app (process) until the
    content generation moves.

    For plain data derived from public content tables only (never from the clock or a user): the page
    cache's own invalidation rule, applied to a part of a page, so an uncached page need not repeat a
    costly aggregate (the home page's theme counts scan thousands of rows). Return plain values, not ORM
    objects, which would outlive their session. All the page-cache variants of a page (standard and
    长辈模式, full page and htmx fragments, three codings: up to 24 renderings) and its later misses share
    it. At most ``PUBLIC_MEMO_KEYS`` entries per ``name``; the memo starts afresh when the generation moves.
    """
    memos = current_app.extensions.setdefault("zq_public_memo_for", {})
    generation = current_generation()
    held = memos.get(name)
    if held is None or held[0] != generation or len(held[1]) >= PUBLIC_MEMO_KEYS:
        held = memos[name] = (generation, {})
    value = held[1].get(key, _UNSET)
    if value is _UNSET:
        value = held[1][key] = compute()
    return value


def public_memo(name: str, compute: Callable[[], T]) -> T:
    """``public_memo_for`` of a single thing (a page's one aggregate or list)."""
    return public_memo_for(name, None, compute)


def _bump(connection) -> None:
    """Add one to the generation on ``connection`` (creating the row when a test emptied the table)."""
    result = connection.execute(
        update(_GENERATION).where(_GENERATION.c.id == 1).values(value=_GENERATION.c.value + 1)
    )
    if result.rowcount == 0:
        connection.execute(_GENERATION.insert().values(id=1, value=1))


def _touches_public_content(session: Session) -> bool:
    dirty = session.dirty  # a property that builds its set on each read
    for obj in chain(session.new, dirty, session.deleted):
        if getattr(type(obj), "__tablename__", None) in PUBLIC_CONTENT_TABLES:
            return True
    return any(_shown_column_changed(obj) for obj in dirty)


def _shown_column_changed(obj) -> bool:
    """Whether a changed row of another table (``PUBLIC_COLUMNS``) changed a column public pages show."""
    shown = PUBLIC_COLUMNS.get(getattr(type(obj), "__tablename__", None))
    return bool(shown) and any(inspect(obj).attrs[column].history.has_changes() for column in shown)


def _after_flush(session: Session, _context) -> None:
    """Bump the generation inside the transaction that changes public content (atomic with it)."""
    if _touches_public_content(session):
        _bump(session.connection())
        session.info[CHANGED_KEY] = True


def _on_orm_execute(state) -> None:
    """Bulk ``update()``/``delete()`` statements on public tables bypass the flush: bump for them too."""
    if not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in PUBLIC_CONTENT_TABLES:
        _bump(state.session.connection())
        state.session.info[CHANGED_KEY] = True


def _after_commit(session: Session) -> None:
    """Bump once more after commit: the search index is written in an earlier ``after_commit`` hook.

    Without this, a search page rendered between the commit and the index update would be cached under
    the new generation with the old results.
    """
    if not session.info.pop(CHANGED_KEY, False):
        return
    try:
        with db.engine.begin() as connection:
            _bump(connection)
    except Exception:  # the content is committed; a failed second bump only delays search freshness
        log.exception("page cache: generation bump after commit failed")


def _after_rollback(session: Session) -> None:
    session.info.pop(CHANGED_KEY, None)


_HOOKS_INSTALLED = False


def _install_session_hooks() -> None:
    """Listen to every session once per process, after the search package's own hooks."""
    global _HOOKS_INSTALLED
    if not _HOOKS_INSTALLED:
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _on_orm_execute)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
        _HOOKS_INSTALLED = True


def has_session_cookie() -> bool:
    """True when the browser sent a session (staff sign-in, or a visitor who has used a form)."""
    return current_app.config["SESSION_COOKIE_NAME"] in request.cookies


def is_public_request() -> bool:
    """An anonymous GET of a public page: its answer is shared, so it carries nothing of a session."""
    return request.method in ("GET", "HEAD") and request.endpoint in PUBLIC_PAGES and not has_session_cookie()


def _is_public_get() -> bool:
    return request.method in ("GET", "HEAD") and request.endpoint in PUBLIC_PAGES


def _skip_limiter_on_public_pages(app: Flask) -> None:
    """Public pages carry no rate limit (every limit in the app guards a POST: sign-in, second factor,
    booking), so Flask-Limiter's before-request check is not run for them at all.

    A ``limiter.request_filter`` only empties the list of limits: the check still resolves the view,
    evaluates the (empty) list and fills its request context, ~40 µs per uncached page view.
    """
    check = limiter._check_request_limit  # noqa: SLF001 (the hook Flask-Limiter registered)
    hooks = app.before_request_funcs.setdefault(None, [])
    for index, hook in enumerate(hooks):
        if hook == check:

            def check_unless_public_page() -> None:
                if not _is_public_get():
                    check()

            hooks[index] = check_unless_public_page
            return
    raise RuntimeError("Flask-Limiter's before-request check was not found (limiter.init_app first)")


def _variant(environ: dict, cookies) -> str:
    """Which of a page's forms the request gets: mode cookie, htmx headers and coding, never mixed."""
    mode = "elder" if cookies.get("elder") == "1" else "standard"
    hx = "".join(
        "1" if environ.get(h) == "true" else "0"
        for h in ("HTTP_HX_REQUEST", "HTTP_HX_BOOSTED", "HTTP_HX_HISTORY_RESTORE_REQUEST")
    )
    encoding = _choose_algorithm(compress.enabled_algorithms, environ.get("HTTP_ACCEPT_ENCODING", ""))
    return f"{mode}|{hx}|{encoding or 'identity'}"


def page_key(environ: dict, generation: int, cookies=None) -> str | None:
    """The cache key of a request (from its WSGI environ alone), or None when it is never cached."""
    query = environ.get("QUERY_STRING", "")
    if len(query) > MAX_CACHED_QUERY:
        return None
    cookies = parse_cookie(environ) if cookies is None else cookies
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    raw = f"{generation}|{_variant(environ, cookies)}|{path}|{query}"
    return "page:" + hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def _page_key() -> str | None:
    return page_key(request.environ, current_generation(), request.cookies)


def cache_enabled(app: Flask) -> bool:
    return bool(app.extensions.get("zq_page_cache_on"))


def serve_cached_page():
    """before_request: answer an anonymous public GET from the page cache (304 when the ETag matches).

    Hits normally never get here (``app.web.front`` answers them before Flask); this serves the requests
    the front leaves to Flask on purpose, e.g. when a before-request hook owes housekeeping. A miss the
    front already looked up is not looked up again (with Redis, that was a second round trip per miss).
    """
    g.page_cache_key = None
    if not cache_enabled(current_app) or not is_public_request():
        return None
    missed = request.environ.get(MISSED)
    if missed is not None:  # the front looked this very key up (the same environ, the same generation)
        g.page_cache_key = missed
        return None
    key = _page_key()
    if key is None:
        return None
    entry = cache.get(key)
    if not isinstance(entry, Entry):
        g.page_cache_key = key
        return None
    g.page_cache_hit = True
    response = Response(entry.body, status=entry.status, headers=entry.headers)
    return response.make_conditional(request)


def set_cache_headers(response: Response) -> Response:
    """after_request (before compression): Cache-Control per page kind; ETag and 304 for public pages.

    Headers are written as strings (``add_vary``, no ``response.cache_control`` object), and the
    conditional check runs only when the browser asked a conditional question: ~0.1 ms per page.
    """
    if g.get("page_cache_hit") or request.endpoint == "static":
        return response
    headers = response.headers
    if has_session_cookie() and current_user.is_authenticated:
        if "no-store" not in headers.get("Cache-Control", ""):
            headers["Cache-Control"] = PRIVATE
        return response
    if not is_public_request():
        headers.setdefault("Cache-Control", PRIVATE)
        return response
    add_vary(response, "Cookie", "HX-Request")
    if response.status_code != 200 or response.is_streamed:
        headers["Cache-Control"] = "no-store"
        return response
    if "no-store" in headers.get("Cache-Control", ""):
        return response  # the view keeps browsers from storing it (hotline pages); the server cache still may
    headers["Cache-Control"] = f"public, max-age={current_app.config['PAGE_MAX_AGE']}"
    response.add_etag()  # compression suffixes it (``"…:gzip"``); ``answer_conditional`` compares it last
    return response


CONDITIONAL_HEADERS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
)


def answer_conditional(response: Response) -> Response:
    """after_request (the last one, after compression): 304 (or 412) when the browser's copy is current.

    Flask-Compress would run ``make_conditional`` on every answer (``COMPRESS_EVALUATE_CONDITIONAL_REQUEST``,
    turned off here): ~25 µs per page for requests that ask nothing. Here only a conditional request is
    evaluated, against the final ETag (with the coding's suffix).
    """
    environ = request.environ
    if (
        environ["REQUEST_METHOD"] in ("GET", "HEAD")
        and not response.is_streamed
        and any(name in environ for name in CONDITIONAL_HEADERS)
    ):
        response.make_conditional(request)
    return response


def store_page(response: Response) -> Response:
    """after_request (after compression): mark a fresh 200 public page to be kept for the next visitor.

    The front (``app.web.front``) stores it once the answer has left the app, with every header the
    later hooks add (security headers), so a hit answers exactly what this miss answered.
    """
    key = g.get("page_cache_key")
    if not key or g.get("page_cache_hit") or request.method != "GET":
        return response
    if response.status_code != 200 or response.is_streamed or "Set-Cookie" in response.headers:
        return response
    if len(response.get_data()) > MAX_CACHED_BODY:
        return response
    route = request.url_rule.rule if request.url_rule is not None else "<unmatched>"
    request.environ[STORE] = (key, request.endpoint, route)
    return response


def _cache_config(app: Flask) -> dict:
    """Flask-Caching settings from ``CACHE_URL``: per-process memory by default, Redis in production."""
    url = app.config.get("CACHE_URL") or "simple"
    config = {
        "CACHE_DEFAULT_TIMEOUT": app.config["PAGE_CACHE_SECONDS"],
        "CACHE_KEY_PREFIX": "zq:",
        "CACHE_THRESHOLD": app.config["PAGE_CACHE_THRESHOLD"],
    }
    if url.startswith(("redis://", "rediss://", "unix://")):
        config.update(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=url)
    elif url in {"null", "none", "off"}:
        config.update(CACHE_TYPE="NullCache", CACHE_NO_NULL_WARNING=True)
    else:
        config.update(CACHE_TYPE="SimpleCache")
    return config


def init_app(app: Flask) -> None:
    """Wire compression, the page cache and the cache headers (call after every feature's init_app)."""
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    # Streamed answers (static files) are not compressed on the fly: their .br/.gz copies are made at
    # setup (app/web/assets.py), and Flask-Compress's streaming wrapper would leave the file open.
    app.config.setdefault("COMPRESS_STREAMS", False)
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    mimetypes = ["text/html", "text/css", "text/plain", "text/xml", "text/javascript", "text/calendar"]
    mimetypes += ["application/javascript", "application/json", "application/geo+json", "application/xml"]
    app.config.setdefault("COMPRESS_MIMETYPES", [*mimetypes, "image/svg+xml"])
    cache.init_app(app, config=_cache_config(app))
    backend = app.extensions["cache"][cache]
    app.extensions["zq_page_cache_on"] = bool(app.config["PAGE_CACHE_SECONDS"]) and not isinstance(
        backend, NullCache
    )
    app.config.setdefault("COMPRESS_EVALUATE_CONDITIONAL_REQUEST", False)  # answer_conditional does it
    # Hooks run in reverse order of registration: set_cache_headers, then compression, then store_page,
    # then answer_conditional.
    app.after_request(answer_conditional)
    app.after_request(store_page)
    compress.init_app(app)
    app.after_request(set_cache_headers)
    _skip_limiter_on_public_pages(app)
    # Last before_request: the guards, request ids and the policies' scheduled release run first.
    app.before_request(serve_cached_page)
    _install_session_hooks()
    if cache_enabled(app):
        with app.app_context():
            engine = db.engine
        database_errors = (SQLAlchemyError, engine.dialect.loaded_dbapi.Error)

        def key_for(environ: dict) -> str | None:
            try:
                environ[GENERATION] = generation = read_generation(engine)
                return page_key(environ, generation)
            except database_errors:
                return None  # the database is down: Flask answers (and reports) it

        app.wsgi_app = PageCacheFront(app, app.wsgi_app, key_for, backend)  # type: ignore[method-assign]

    @app.context_processor
    def inject_public_page():
        return {"public_page": is_public_request()}
