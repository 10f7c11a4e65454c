"""Waitlist under real concurrency (separate processes; SQLite or PostgreSQL): no overbooking, one offer each."""

import time
from datetime import time as clock_time

from sqlalchemy import func, select

from app.extensions import db
from app.hotline.booking import waitlist
from app.hotline.booking.models import Booking, Slot, WaitlistEntry
from tests.hotline.booking.test_concurrency import _child_config
from tests.hotline.booking.waitlist_flow import race_worker
from tests.hotline.factories import future_day
from tests.processes import process_context


def _race(app, jobs: list[tuple[str, tuple]]) -> list[tuple]:
    db.session.remove()
    db.engine.dispose()  # no pooled connection may be inherited by the children
    ctx = process_context()
    ready, results, start = ctx.Queue(), ctx.Queue(), ctx.Event()
    config = _child_config(app)
    processes = [
        ctx.Process(target=race_worker, args=(config, action, args, ready, start, results))
        for action, args in jobs
    ]
    for process in processes:
        process.start()
    deadline = time.monotonic() + 120
    for _ in jobs:
        ready.get(timeout=max(1, deadline - time.monotonic()))
    start.set()
    outcomes = [results.get(timeout=max(1, deadline - time.monotonic())) for _ in jobs]
    for process in processes:
        process.join(timeout=30)
    assert not [o for o in outcomes if o[2].startswith("error")], outcomes
    return outcomes


def _join(day, phone):
    return waitlist.join_waitlist(
        waitlist.WaitlistInput(
            day=day, mode="phone", topic="other", nickname="候补", phone=phone, consent=True
        )
    )


def test_two_places_freed_at_once_go_to_two_people(app, book, create_slot):
    """Two cancellations at the same moment: the first two in line get one offer each, nobody gets two."""
    day = future_day()
    slots = [create_slot(day=day, at=clock_time(9)), create_slot(day=day, at=clock_time(10))]
    bookings = [book(slots[0], phone="13700000001"), book(slots[1], phone="13700000002")]
    entries = [_join(day, "13600000001").id, _join(day, "13600000002").id, _join(day, "13600000003").id]
    slot_ids = [s.id for s in slots]

    outcomes = _race(app, [("cancel", (b.reference, f"1370000000{n + 1}")) for n, b in enumerate(bookings)])

    assert [o[2] for o in outcomes] == ["ok", "ok"], outcomes
    statuses = [db.session.get(WaitlistEntry, i).status for i in entries]
    assert statuses == ["offered", "offered", "waiting"]
    offered = sorted(db.session.get(WaitlistEntry, i).offered_slot_id for i in entries[:2])
    assert offered == sorted(slot_ids)
    assert [db.session.get(Slot, i).booked for i in slot_ids] == [1, 1]


def test_an_offer_racing_a_booking_never_overbooks(app, book, create_slot):
    """A cancellation (offer to the waitlist) and a new booking of that slot at once: one place, one holder."""
    slot = create_slot(capacity=1)
    booking = book(slot, phone="13700000001")
    entry_id = _join(slot.local_start.date(), "13600000001").id
    slot_id = slot.id

    outcomes = _race(
        app, [("cancel", (booking.reference, "13700000001")), ("book", (slot_id, "13500000001"))]
    )

    fresh = db.session.get(Slot, slot_id)
    active = db.session.scalar(
        select(func.count())
        .select_from(Booking)
        .where(Booking.slot_id == slot_id, Booking.status == "booked")
    )
    offered = db.session.get(WaitlistEntry, entry_id).status == "offered"
    assert fresh.booked == active + int(offered) <= fresh.capacity, outcomes
