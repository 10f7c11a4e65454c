"""Hotline factories as fixtures: each returns a callable that creates rows in the test database.

``create_slot``, ``create_rule``, ``booking_input``, ``book`` (booking side); ``make_booking_case``,
``phone_in`` (cases). The functions themselves are in ``tests.hotline.factories`` (browser tests use them).
"""

import pytest

from tests.hotline import factories


@pytest.fixture
def create_slot(app):
    """``create_slot(day=None, at=time(9), mode="phone", capacity=1, **kw) -> Slot`` (committed)."""
    return factories.create_slot


@pytest.fixture
def create_rule(app):
    """``create_rule(weekday, start=09:00, end=11:00, mode="phone", capacity=1, minutes=30)``."""
    return factories.create_rule


@pytest.fixture
def booking_input(app):
    """``booking_input(slot, **overrides) -> BookingInput`` with a resident's usual answers."""
    return factories.booking_input


@pytest.fixture
def book(app):
    """``book(slot, **overrides) -> Booking`` through ``services.book_slot`` (opens the case too)."""
    return factories.book


@pytest.fixture
def make_booking_case(app):
    """``make_booking_case(start=None, **fields) -> (Booking, Case)``: a booking at any time, past ones too."""
    return factories.make_booking_case


@pytest.fixture
def phone_in(app):
    """``phone_in(user, **overrides) -> Case``: a phone-in case opened by ``user``."""
    return factories.phone_in
