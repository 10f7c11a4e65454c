"""Places test factories as fixtures (the plain functions live in ``tests/places/samples.py``).

- ``place_data(**overrides)``: a valid entry dict in the shape ``services.save_place`` accepts.
- ``make_place(author, **overrides)``: a draft saved through the services (with a revision).
- ``publish(place, author, reviewer)``: submit and approve by a second archivist.
- ``add_place(name, *, code, status="published", ...)``: a row built directly, indexed after commit.
"""

import pytest

from tests.places import samples


@pytest.fixture
def place_data():
    return samples.place_data


@pytest.fixture
def make_place(app):
    return samples.make_place


@pytest.fixture
def publish(app):
    return samples.publish


@pytest.fixture
def add_place(app):
    return samples.add_place
