"""Child-process workers for the waitlist race tests (importable by the forkserver)."""

from app import create_app
from app.extensions import db
from app.hotline.booking import services, waitlist
from tests.hotline.factories import booking_input


def race_worker(config: dict, action: str, args: tuple, ready, start, results) -> None:
    """Wait for the start signal, then cancel a booking, accept an offer or book a slot; report the outcome."""
    app = create_app(config)
    outcome = "error"
    try:
        with app.app_context():
            db.session.remove()
            ready.put(action)
            start.wait(60)
            try:
                if action == "cancel":
                    services.cancel_booking(*args)
                elif action == "accept":
                    waitlist.accept_offer(*args)
                else:
                    slot_id, phone = args
                    services.book_slot(booking_input(db.session.get(services.Slot, slot_id), phone=phone))
                outcome = "ok"
            except services.HotlineError as exc:
                outcome = type(exc).__name__
    except Exception as exc:  # reported to the parent, which fails the test with it
        outcome = f"error {exc!r}"
        ready.put(action)
    finally:
        with app.app_context():
            db.engine.dispose()
    results.put((action, args, outcome))
