"""Receivers of the booking signals: keep each booking's case in step, inside the booking's transaction."""

from app.hotline.booking.models import Booking, Slot, WaitlistEntry
from app.hotline.cases import reminders, services


def booking_created(booking: Booking, urgent: bool = False, waitlist_case_id: int | None = None, **_) -> None:
    """A resident booked: open the case, or take over the waitlist offer's case (flushes; booking commits)."""
    if waitlist_case_id and reminders.take_over_waitlist_case(booking, waitlist_case_id):
        return
    services.open_case_for_booking(booking, urgent)


def booking_moved(booking: Booking, old_slot: Slot | None = None, **_) -> None:
    """A resident moved the booking: the case follows and its timeline says so."""
    services.on_booking_rescheduled(booking, old_slot)


def booking_cancelled(booking: Booking, **_) -> None:
    """A resident cancelled: recorded on the case timeline."""
    services.on_booking_cancelled(booking)


def booking_needs_move(booking: Booking, reason: str = "", **_) -> None:
    """The booking's day was closed: a reminder call on its case."""
    reminders.on_booking_needs_move(booking, reason)


def waitlist_offered(entry: WaitlistEntry, **_) -> None:
    """A waiting resident was offered a place: a reminder call (and the case it lives on)."""
    reminders.on_waitlist_offered(entry)


def waitlist_lapsed(entry: WaitlistEntry, **_) -> None:
    """An offer passed unanswered: on the case timeline."""
    reminders.on_waitlist_lapsed(entry)
