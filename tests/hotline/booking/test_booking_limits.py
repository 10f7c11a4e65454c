"""Finding 1 (issue 15): booking limits keyed on what they protect, not one bucket for the whole district."""

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.hotline.booking import services
from app.hotline.booking.models import Booking
from tests.hotline.booking.flow import DETAILS, form_token, walk_to_check
from tests.hotline.factories import future_day


def _book(client, slot, phone):
    check = walk_to_check(client, slot, dict(DETAILS, phone=phone))
    return client.post("/hotline/book/check", data={"form_token": form_token(check.get_data(as_text=True))})


def test_residents_behind_one_address_are_not_one_bucket(client, create_slot):
    """Finding 1: eleven residents behind one carrier NAT can all book (the old limit was 10 per hour)."""
    slot = create_slot(capacity=20)
    statuses = [_book(client, slot, f"1391234{n:04d}").status_code for n in range(11)]
    assert statuses == [303] * 11


def test_limit_per_phone(client, app, create_slot):
    """Finding 1: a phone number that booked is limited on its own; another phone from the same address is not."""
    app.config["HOTLINE_BOOKING_PHONE_RATE_LIMIT"] = "1 per hour"
    slot = create_slot(capacity=5)
    assert _book(client, slot, "13912340001").status_code == 303
    # A second active booking is refused at step 4 (issue 11); the limit still counts after a cancellation.
    services.cancel_booking(db.session.scalar(select(Booking.reference)), "13912340001")
    again = _book(client, slot, "13912340001")
    assert again.status_code == 429 and "这个手机号码预约得太频繁" in again.get_data(as_text=True)
    assert _book(client, slot, "13912340002").status_code == 303


def test_limit_per_slot_day(client, app, create_slot):
    """Finding 1: one day's slots cannot be flooded; other days stay bookable."""
    app.config["HOTLINE_BOOKING_SLOT_DAY_RATE_LIMIT"] = "1 per day"
    day = future_day()
    slot = create_slot(day=day, capacity=5)
    other = create_slot(day=day + timedelta(days=1), capacity=5)
    assert _book(client, slot, "13912340001").status_code == 303
    assert _book(client, slot, "13912340002").status_code == 429
    assert _book(client, other, "13912340003").status_code == 303
