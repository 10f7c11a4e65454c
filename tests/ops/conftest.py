"""Fixtures for operations tests: a second, empty database and upload folder, and an app bound to them."""

import pytest

from tests.hotline.conftest import book, create_rule, create_slot  # noqa: F401  (hotline factories as fixtures here too)


@pytest.fixture
def other_app(app, other_app, scratch_database_url, tmp_path):
    """``other_app(**config)``: an app on the empty scratch database with its own uploads and index."""

    def factory(**overrides):
        config = dict(
            SQLALCHEMY_DATABASE_URI=scratch_database_url,
            UPLOAD_DIR=str(tmp_path / "restored-uploads"),
            SEARCH_INDEX_DIR=str(tmp_path / "restored-index"),
        )
        return other_app(**{**config, **overrides})

    return factory
