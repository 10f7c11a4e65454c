"""Client helpers for booking tests: walk the wizard steps, read the form token, race in a child process."""

import re

from app import create_app
from app.extensions import db
from app.hotline.booking.models import Slot

DETAILS = {
    "nickname": "王阿姨",
    "phone": "138 1234 1234",
    "description": "想聊聊家里的事",
    "safe_call_times": "上午",
    "may_leave_message": "no",
    "town": "明水街道",
}


def pick_slot(client, slot: Slot, topic: str = "other") -> None:
    """Steps 1–3 (topic, mode, time) with the test client, without checking the answers."""
    client.post("/hotline/book", data={"topic": topic})
    client.post("/hotline/book/mode", data={"mode": slot.mode})
    client.post("/hotline/book/time", data={"slot_id": slot.id})


def walk_to_check(client, slot: Slot, details: dict | None = None):
    """Go through steps 1–5 with the test client; returns the GET of the check page."""
    client.application.config["HOTLINE_MIN_FORM_SECONDS"] = 0
    assert client.post("/hotline/book", data={"topic": "family_dispute"}).status_code == 303
    assert client.post("/hotline/book/mode", data={"mode": slot.mode}).status_code == 303
    assert client.post("/hotline/book/time", data={"slot_id": slot.id}).status_code == 303
    client.get("/hotline/book/details")
    response = client.post("/hotline/book/details", data=details or DETAILS)
    assert response.status_code == 303, response.get_data(as_text=True)
    assert client.post("/hotline/book/consent", data={"consent": "y"}).status_code == 303
    return client.get("/hotline/book/check")


def form_token(html: str) -> str:
    """The one-time form token of the check page."""
    return re.search(r'name="form_token" type="hidden" value="([^"]+)"', html).group(1)


def concurrent_booking_worker(config: dict, slot_id: int, phone: str, ready, start, results) -> None:
    """Child process: walk the booking steps, wait for the start signal, then send the booking.

    Runs in its own process (own app, own database connection) so the requests really race.
    """
    app = create_app(config)
    outcome = ("error", "")
    try:
        with app.app_context():
            slot = db.session.get(Slot, slot_id)
            app.test_client_class = None
            client = app.test_client()
            app.config["WTF_CSRF_ENABLED"] = False
            walk_to_check(client, slot, dict(DETAILS, phone=phone))
            token = form_token(client.get("/hotline/book/check").get_data(as_text=True))
            db.session.remove()
            ready.put(phone)
            start.wait(60)
            response = client.post("/hotline/book/check", data={"form_token": token})
            html = response.get_data(as_text=True)
            outcome = (response.status_code, "这个时间刚被约满" in html and 'id="slot-picker"' in html)
    except Exception as exc:  # reported to the parent, which fails the test with it
        outcome = ("error", repr(exc))
        ready.put(phone)
    finally:
        with app.app_context():
            db.engine.dispose()
    results.put((phone, *outcome))
