"""Flask extensions, created unbound and wired to the app in ``create_app``; the limiter's key functions."""

import hashlib
import hmac

import flask_login
from flask import current_app, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from htmx_flask import Htmx
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Deterministic constraint names so Alembic migrations behave the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class LoginManager(flask_login.LoginManager):
    """Flask-Login's manager, without the session-protection hash when there is no session to protect.

    Flask-Login hashes the client's address and user agent (SHA-512) before it looks whether the session
    is empty, and then skips the check for an empty one: every anonymous page view paid ~40 µs for
    nothing (issue 12). A session with anything in it is checked exactly as before.
    """

    def _session_protection_failed(self) -> bool:
        if not session:
            return False
        return super()._session_protection_failed()


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
htmx = Htmx()
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)


def client_address() -> str:
    """The client's address: ``remote_addr``, which ProxyFix rewrites only behind PROXY_FIX_TRUSTED proxies."""
    return get_remote_address() or "unknown"


def keyed_digest(*parts: str) -> str:
    """A short keyed hash (HMAC-SHA256 with SECRET_KEY) so limiter storage holds no names or numbers."""
    message = "\x1f".join(parts).encode("utf-8", "replace")
    return hmac.new(current_app.secret_key.encode(), message, hashlib.sha256).hexdigest()[:32]


def login_account_key() -> str:
    """Limiter key for sign-in attempts on one account, from any address."""
    name = (request.form.get("username") or "").strip().lower()[:40]
    return "acct:" + keyed_digest("login", name)


def login_account_address_key() -> str:
    """Limiter key for sign-in attempts on one account from one address (growing delays)."""
    name = (request.form.get("username") or "").strip().lower()[:40]
    return "acct-addr:" + keyed_digest("login", name, client_address())
