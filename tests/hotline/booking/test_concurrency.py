"""No double booking: 50 separate processes race for the last place; exactly one gets it.

Runs on whichever database the suite uses (SQLite by default, PostgreSQL with TEST_DATABASE_URL).
"""

import time

import pytest
from sqlalchemy import select

from app.config import TestConfig
from app.extensions import db
from app.hotline.booking.models import Booking, Slot
from tests.hotline.booking.flow import concurrent_booking_worker
from tests.processes import process_context

WORKERS = 50


def _child_config(app) -> dict:
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    for key in (
        "SQLALCHEMY_DATABASE_URI",
        "SEARCH_INDEX_DIR",
        "UPLOAD_DIR",
        "SECRET_KEY",
        "HOTLINE_DATA_KEY",
    ):
        config[key] = app.config.get(key)
    config["HOTLINE_MIN_FORM_SECONDS"] = 0
    return config


@pytest.mark.slow
def test_fifty_processes_race_for_the_last_place(app, book, create_slot):
    """Of 50 concurrent bookings for the last place, exactly one succeeds; 49 get 这个时间刚被约满 + picker."""
    slot = create_slot(capacity=3)
    create_slot(at=slot.local_start.time().replace(hour=10))  # another free time for the refreshed picker
    book(slot, phone="13700000001")
    book(slot, phone="13700000002")
    slot_id = slot.id
    db.session.remove()
    db.engine.dispose()  # no pooled connection may be inherited by the children

    ctx = process_context()  # forkserver: fast like fork, but no inherited SQLite state
    ready, results, start = ctx.Queue(), ctx.Queue(), ctx.Event()
    phones = [f"135{n:08d}" for n in range(WORKERS)]
    config = _child_config(app)
    processes = [
        ctx.Process(target=concurrent_booking_worker, args=(config, slot_id, phone, ready, start, results))
        for phone in phones
    ]
    for process in processes:
        process.start()
    deadline = time.monotonic() + 300
    for _ in phones:
        ready.get(timeout=max(1, deadline - time.monotonic()))
    start.set()
    outcomes = [results.get(timeout=max(1, deadline - time.monotonic())) for _ in phones]
    for process in processes:
        process.join(timeout=30)

    errors = [o for o in outcomes if o[1] == "error"]
    assert not errors, errors
    winners = [o for o in outcomes if o[1] == 303]
    losers = [o for o in outcomes if o[1] == 409]
    assert len(winners) == 1, outcomes
    assert len(losers) == WORKERS - 1 and all(o[2] for o in losers), outcomes
    fresh = db.session.get(Slot, slot_id)
    assert fresh.booked == fresh.capacity == 3
    count = db.session.scalar(select(db.func.count()).select_from(Booking).where(Booking.slot_id == slot_id))
    assert count == 3
