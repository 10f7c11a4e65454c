"""Factories for hotline booking tests (Indico-style: sensible defaults, override what matters)."""

from datetime import date, datetime, time, timedelta

from app.extensions import db
from app.hotline import services
from app.hotline.models import LOCAL_TZ, AvailabilityRule, Slot
from app.web.time import local_now


def future_day(days: int = 2) -> date:
    """A local day safely inside the booking window (past the minimum notice)."""
    return local_now().date() + timedelta(days=days)


def create_slot(
    day: date | None = None, at: time = time(9, 0), mode: str = "phone", capacity: int = 1, **kw
) -> Slot:
    """A slot on ``day`` (default: the day after tomorrow) at local time ``at``."""
    day = day or future_day()
    start = datetime.combine(day, at, tzinfo=LOCAL_TZ)
    slot = Slot(
        start_at=start.astimezone(LOCAL_TZ),
        end_at=(start + timedelta(minutes=30)).astimezone(LOCAL_TZ),
        mode=mode,
        capacity=capacity,
        **kw,
    )
    db.session.add(slot)
    db.session.commit()
    return slot


def create_rule(weekday: int, start=time(9, 0), end=time(11, 0), mode="phone", capacity=1, minutes=30):
    rule = AvailabilityRule(
        weekday=weekday, start_time=start, end_time=end, slot_minutes=minutes, capacity=capacity, mode=mode
    )
    db.session.add(rule)
    db.session.commit()
    return rule


def booking_input(slot: Slot, **overrides) -> services.BookingInput:
    values = dict(
        topic="family_dispute",
        mode=slot.mode,
        slot_id=slot.id,
        nickname="王阿姨",
        phone="13812341234",
        description="想聊聊家里的事",
        safe_call_times="上午",
        may_leave_message=False,
        consent=True,
    )
    values.update(overrides)
    return services.BookingInput(**values)


def book(slot: Slot, **overrides):
    """Book ``slot`` through the service."""
    return services.book_slot(booking_input(slot, **overrides))


DETAILS = {
    "nickname": "王阿姨",
    "phone": "138 1234 1234",
    "description": "想聊聊家里的事",
    "safe_call_times": "上午",
    "may_leave_message": "no",
    "town": "明水街道",
}


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
    import re

    return re.search(r'name="form_token" type="hidden" value="([^"]+)"', html).group(1)


def concurrent_booking_worker(config: dict, slot_id: int, phone: str, ready, start, results) -> None:
    """Child process: walk the booking steps, wait for the start signal, then send the booking.

    Runs in its own process (own app, own database connection) so the requests really race.
    """
    from app import create_app

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
