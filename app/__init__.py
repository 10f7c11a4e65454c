"""Application factory for the Zhangqiu civil-affairs bureau site."""

from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from app import accounts, api, demo, hotline, ops, places, policies, search, web
from app import config as config_module
from app.extensions import csrf, db, htmx, limiter, login_manager, migrate
from app.web import assets, caching, guards

ROOT = Path(__file__).resolve().parent.parent


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """Give every SQLite connection WAL, a busy timeout and enforced foreign keys."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Site(Flask):
    """Flask, with ``ensure_sync`` answered once per function.

    Flask asks ``inspect.iscoroutinefunction`` about every hook and view on every request: ~20 hooks
    here, ~3 µs each (issue 12). The functions are fixed once the app is set up, so the answer is kept.
    """

    SYNC_MEMO_LIMIT = 4096  # hooks, views and error handlers number in the hundreds

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._sync_functions: dict = {}

    def ensure_sync(self, func):
        try:
            return self._sync_functions[func]
        except KeyError:
            sync = super().ensure_sync(func)
            if len(self._sync_functions) < self.SYNC_MEMO_LIMIT:
                self._sync_functions[func] = sync
            return sync
        except TypeError:  # an unhashable callable: asked every time, as Flask does
            return super().ensure_sync(func)


def create_app(config: dict | type | None = None) -> Flask:
    """Create and configure the Flask application."""
    app = Site(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(config_module.INSTANCE),
        instance_relative_config=True,
    )
    app.config.from_object(config_module.Config)
    if isinstance(config, type):
        app.config.from_object(config)
    elif isinstance(config, dict):
        app.config.update(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    config_module.finalize(app.config, Path(app.instance_path))
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # SQLite file locking does the queueing; a small pool avoids idle handles.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 10}}
    ops.configure_logging(app)  # JSON lines with request ids when LOG_FORMAT=json (production default)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)

    web.init_app(app)
    guards.init_app(app)  # issue 15: NUL / out-of-range integers -> 400 before any view
    accounts.init_app(app)
    search.init_app(app)
    policies.init_app(app)
    hotline.init_app(app)
    places.init_app(app)
    api.init_app(app)

    demo.init_app(app)
    ops.init_app(app)  # last: production start-up checks need every model
    # Page cache and compression after every feature: its lookup runs first, compression last (issue 12).
    caching.init_app(app)  # wraps app.wsgi_app in the page cache's front (app/web/front.py)
    assets.init_app(app)
    # Outermost: the front sees the client's address, scheme and host as ProxyFix restores them.
    if app.config.get("PROXY_FIX_TRUSTED"):  # only behind that many proxies: else X-Forwarded-* is ignored
        n = app.config["PROXY_FIX_TRUSTED"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_prefix=n)  # type: ignore[method-assign]
    return app
