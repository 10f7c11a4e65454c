"""Shared fixtures: a migrated real database per test session, the app, clients, and factories.

The database is a SQLite file by default; set ``TEST_DATABASE_URL`` (CI does) to run the same suite on
PostgreSQL. The schema comes from the Alembic migrations, never from ``create_all()``, so every test
run also proves the migrations.

Parallel runs (pytest-xdist, ``-n 2``): every worker is a separate session with its own temporary
directory (SQLite file, search index, uploads, instance dir with the hotline key file) and its own
PostgreSQL database ``<TEST_DATABASE_URL's db>_<worker id>`` (``..._gw0``), created on the
``postgres`` maintenance database when missing and dropped when the worker's session ends.
"""

import contextlib
import os
import secrets
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pyotp
import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from flask_sqlalchemy import SQLAlchemy
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import config as config_module
from app import create_app
from app.accounts import mfa as second_factor
from app.accounts import sessions
from app.config import TestConfig
from app.extensions import db, limiter
from app.search import reset_index

# Issue 15: the second factor every test user that needs one is enrolled with (``make_user``), and a helper
# giving a valid code for it; ``login_as`` also opens a staff session record (bound to the first browser).
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(offset: int = 0, secret: str = TEST_TOTP_SECRET) -> str:
    """The TOTP code of ``secret`` now (``offset`` steps of 30 s later or earlier)."""
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(datetime.now(UTC)) + offset)


TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
# "gw0", "gw1", ... in a pytest-xdist worker; None in a plain run (the `worker_id` fixture says "master").
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")


class CsrfClient(FlaskClient):
    """A test client that adds a valid CSRF token to form POSTs (pass ``csrf=False`` to omit it)."""

    def csrf_token(self) -> str:
        with self.session_transaction() as sess:
            raw = sess.get("csrf_token")
            if not raw:
                raw = secrets.token_hex(20)
                sess["csrf_token"] = raw
        serializer = URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token")
        return serializer.dumps(raw)

    def open(self, *args, csrf: bool = True, **kwargs):
        # The ``app`` fixture keeps one app context pushed, so ``g`` would outlive a request and carry
        # Flask-Login's cached user (and CSRF state) into the next one. Start each request with a fresh g.
        if has_app_context():
            g.__dict__.clear()
        method = (kwargs.get("method") or "GET").upper()
        data = kwargs.get("data")
        if csrf and method in {"POST", "PUT", "PATCH", "DELETE"} and (data is None or isinstance(data, dict)):
            data = dict(data or {})
            data.setdefault("csrf_token", self.csrf_token())
            kwargs["data"] = data
        return super().open(*args, **kwargs)


# Every engine an app makes during a test (apps made by the test itself: a second worker, a production
# start-up check, a scratch database) is disposed when the test ends. Otherwise its pooled connections
# stay open until the garbage collector happens to delete them, in whatever later test is running, and
# psycopg's "deleted while still open" ResourceWarning fails that unrelated test.
_ENGINES: list = []
_make_engine = SQLAlchemy._make_engine


def _recording_make_engine(self, bind_key, options, app):
    engine = _make_engine(self, bind_key, options, app)
    _ENGINES.append(engine)
    return engine


SQLAlchemy._make_engine = _recording_make_engine


@pytest.fixture(autouse=True)
def _dispose_engines():
    """Dispose the engines made during this test. A session fixture first set up inside a test (the browser
    live server) has its engine disposed too: that only closes its idle pooled connections; it opens new
    ones when it needs them."""
    made_before = len(_ENGINES)
    yield
    for engine in _ENGINES[made_before:]:
        engine.dispose()
    del _ENGINES[made_before:]


@pytest.fixture(scope="session", autouse=True)
def _workdir():
    """This session's (this worker's) scratch directory; also the apps' instance dir.

    ``instance/`` would otherwise be the repository's, shared by parallel workers and a developer's
    running site (the hotline key file lives there). The environment variable reaches child processes.
    """
    path = Path(tempfile.mkdtemp(prefix=f"zq-test-{XDIST_WORKER or 'main'}-"))
    instance = path / "instance"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(config_module, "INSTANCE", instance)
        patch.setenv("INSTANCE_PATH", str(instance))
        yield path
    shutil.rmtree(path, ignore_errors=True)


def _postgres_admin(url):
    """An AUTOCOMMIT engine on the server's ``postgres`` maintenance database (CREATE/DROP DATABASE)."""
    return create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")


@contextlib.contextmanager
def _postgres_database(url, name: str, *, fresh: bool):
    """Database ``name`` on ``url``'s server (emptied first when ``fresh``), dropped afterwards; yields its URL."""
    admin = _postgres_admin(url)
    with admin.connect() as conn:
        if fresh:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(_workdir):
    """The session's database: a SQLite file in the workdir, or TEST_DATABASE_URL (per xdist worker)."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{_workdir / 'test.db'}"
        return
    url = make_url(TEST_DATABASE_URL)
    if not XDIST_WORKER or url.get_backend_name() != "postgresql":
        yield TEST_DATABASE_URL
        return
    with _postgres_database(url, f"{url.database}_{XDIST_WORKER}", fresh=False) as worker_url:
        yield worker_url


@pytest.fixture
def other_app(app_config):
    """Factory ``other_app(**overrides)``: another app on the test config with settings changed (disposed after)."""
    made = []

    def factory(**overrides):
        other = create_app({**app_config, **overrides})
        made.append(other)
        return other

    yield factory
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def scratch_database_url(app_config, tmp_path):
    """An empty database of the same engine as the test database, dropped afterwards.

    On PostgreSQL it is ``<test db>_scratch`` (per xdist worker; .ci/run drops any a killed run left behind).
    """
    url = make_url(app_config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'scratch.db'}"
        return
    with _postgres_database(url, f"{url.database}_scratch", fresh=True) as scratch_url:
        yield scratch_url


def _reset_postgres_schema(app) -> None:
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def _migrated(database_url, _workdir):
    """Run every migration once on an empty database."""
    from flask_migrate import upgrade

    app = create_app(_config(database_url, _workdir))
    if database_url.startswith("postgresql"):
        _reset_postgres_schema(app)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return database_url


def _config(database_url: str, workdir: Path) -> dict:
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config.update(
        SQLALCHEMY_DATABASE_URI=database_url,
        SEARCH_INDEX_DIR=str(workdir / "search-index"),
        UPLOAD_DIR=str(workdir / "uploads"),
    )
    return config


@pytest.fixture(scope="session")
def app_config(_migrated, _workdir) -> dict:
    """The configuration of every test app (migrated test DB, temporary index and upload dirs)."""
    return _config(_migrated, _workdir)


def _clean_tables() -> None:
    """Empty every table except reference tables seeded by migrations (``info={"reference": True}``)."""
    tables = [t for t in reversed(db.metadata.sorted_tables) if not t.info.get("reference")]
    with db.engine.begin() as conn:
        for table in tables:
            conn.execute(table.delete())


@pytest.fixture
def app(_migrated, _workdir):
    """A fresh application bound to the migrated test database; tables emptied after each test."""
    app = create_app(_config(_migrated, _workdir))
    with app.app_context():
        limiter.reset()
        reset_index(app)  # the index dir is shared by the session: start each test with an empty index
        yield app
        db.session.remove()
        _clean_tables()
        db.engine.dispose()


@pytest.fixture
def client(app) -> CsrfClient:
    app.test_client_class = CsrfClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """Factory: ``make_user(roles=("editor",), username=None, password=...)`` -> User."""
    from app.accounts import services

    counter = {"n": 0}

    def factory(roles=("admin",), username=None, password="correct-horse-battery", mfa=None, **flags):
        counter["n"] += 1
        name = username or f"{'-'.join(roles) or 'user'}{counter['n']}"
        user = services.create_user(name, password, list(roles), display_name=f"测试{counter['n']}", **flags)
        if mfa if mfa is not None else second_factor.required_for(user):  # enrol TEST_TOTP_SECRET
            user.totp_secret, user.totp_enrolled_at = TEST_TOTP_SECRET, datetime.now(UTC)
            db.session.commit()
        return user

    return factory


@pytest.fixture
def login_as(client, make_user):
    """Sign the test client in as a new user with ``role`` (or several roles); returns the user."""

    def do_login(*roles, **kwargs):
        user = make_user(roles=roles or ("admin",), **kwargs)
        token = sessions.create_record(user, agent=None)
        with client.session_transaction() as sess:
            sess["_user_id"] = user.get_id()
            sess[sessions.SESSION_KEY] = token
            sess["_fresh"] = True
            sess.permanent = True
        return user

    return do_login
