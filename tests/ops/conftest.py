"""Fixtures for operations tests: a second, empty database and upload folder, and an app bound to them."""

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
from tests.hotline.conftest import book, create_rule, create_slot  # noqa: F401  (hotline factories as fixtures here too)


@pytest.fixture
def scratch_database_url(app_config, tmp_path):
    """An empty database of the same engine as the test database (dropped afterwards)."""
    url = make_url(app_config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    name = f"{url.database}_scratch"  # .ci/run drops any such database a killed run leaves behind
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def other_app(app, app_config, scratch_database_url, tmp_path):
    """``other_app(**config)``: an app on the empty scratch database with its own uploads and index."""
    made = []

    def factory(**overrides):
        config = dict(
            app_config,
            SQLALCHEMY_DATABASE_URI=scratch_database_url,
            UPLOAD_DIR=str(tmp_path / "restored-uploads"),
            SEARCH_INDEX_DIR=str(tmp_path / "restored-index"),
        )
        config.update(overrides)
        other = create_app(config)
        made.append(other)
        return other

    yield factory
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()
