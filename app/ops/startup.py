"""Fail fast in production: refuse to start, saying why, when the database or the hotline key is wrong.

Run at the end of ``create_app`` when ``APP_ENV=production`` (gunicorn workers and every CLI command),
so a wrong ``DATABASE_URL`` or ``HOTLINE_DATA_KEY`` stops the service with one clear line instead of a
site that answers 200 on the home page and 500 on the next.
"""

from cryptography.fernet import Fernet, InvalidToken
from flask import Flask
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.hotline import privacy


class StartupError(RuntimeError):
    """The app must not start; the message says what to fix."""


def _reason(exc: Exception) -> str:
    orig = getattr(exc, "orig", None) or exc
    return (str(orig).strip().splitlines() or [type(orig).__name__])[0][:300]


def check_database() -> None:
    """The database answers ``SELECT 1``."""
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        url = db.engine.url.render_as_string(hide_password=True)
        raise StartupError(f"database unreachable ({url}): {_reason(exc)}") from exc


def check_hotline_key() -> None:
    """``HOTLINE_DATA_KEY`` decrypts a sample of every encrypted column that holds data."""
    existing = set(inspect(db.engine).get_table_names())
    for table in db.metadata.sorted_tables:
        if table.name not in existing:
            continue  # a database before `flask db upgrade`: nothing to check yet
        for column in table.columns:
            if not isinstance(column.type, privacy.EncryptedText):
                continue
            raw = table.c[column.name].cast(db.Text)
            with db.engine.connect() as conn:
                token = conn.execute(select(raw).where(raw.is_not(None)).limit(1)).scalar()
            if token is None:
                continue
            try:
                privacy.decrypt(token)
            except (InvalidToken, ValueError) as exc:
                raise StartupError(
                    f"HOTLINE_DATA_KEY cannot decrypt stored data ({table.name}.{column.name}): "
                    "wrong key, or the old key was removed before `flask hotline rotate-key` finished"
                ) from exc


def check_key_configured(app: Flask) -> None:
    """``HOTLINE_DATA_KEY`` is set (production never falls back to a generated key file) and well formed."""
    keys = [k.strip() for k in (app.config.get("HOTLINE_DATA_KEY") or "").split(",") if k.strip()]
    if not keys:
        raise StartupError(
            "HOTLINE_DATA_KEY must be set in production (APP_ENV=production); generate one with: "
            "python3 -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
        )
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except ValueError as exc:
            raise StartupError(f"HOTLINE_DATA_KEY: key {position} is not a valid Fernet key ({exc})") from exc


def check(app: Flask) -> None:
    """Every production start-up check, in order; raises ``StartupError`` naming the first failure."""
    check_key_configured(app)
    with app.app_context():
        try:
            check_database()
            check_hotline_key()
        finally:
            db.engine.dispose()  # never hand a pre-fork connection to gunicorn workers
