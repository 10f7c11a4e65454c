"""Finding 12 (issue 15): the booking references a browser knows travel sealed, not readable in the cookie."""

import base64
import zlib

from sqlalchemy import select

from app.extensions import db
from app.hotline.booking.models import Booking
from tests.hotline.booking.flow import form_token, walk_to_check


def _cookie_payload(client) -> str:
    """The session cookie's readable payload (Flask signs it but does not encrypt it)."""
    cookie = client.get_cookie("session").value
    compressed = cookie.startswith(".")
    body = cookie.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    return (zlib.decompress(raw) if compressed else raw).decode("utf-8", "replace")


def test_booking_reference_is_not_readable_in_the_cookie(client, create_slot):
    """After booking, the cookie lets this browser manage the booking but does not show its reference."""
    check = walk_to_check(client, create_slot())
    client.post("/hotline/book/check", data={"form_token": form_token(check.get_data(as_text=True))})
    booking = db.session.scalar(select(Booking))
    payload = _cookie_payload(client)
    assert "hotline_refs" in payload
    assert booking.reference not in payload and booking.reference_display not in payload
    assert client.get(f"/hotline/bookings/{booking.reference}.ics").status_code == 200
