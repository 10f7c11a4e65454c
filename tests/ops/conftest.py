"""Fixtures for operations tests: a second, empty database and upload folder, and an app bound to them."""

import pytest

from app import create_app
from app.extensions import db
from tests.hotline.conftest import book, create_rule, create_slot  # noqa: F401  (hotline factories as fixtures here too)


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
