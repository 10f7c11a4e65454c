"""Receivers of the booking signals: keep each booking's case in step, inside the booking's transaction."""

from app.hotline.booking.models import Booking, Slot
from app.hotline.cases import services


def booking_created(booking: Booking, urgent: bool = False, **_) -> None:
    """A resident booked: open the case (flushes; the booking commits)."""
    services.open_case_for_booking(booking, urgent)


def booking_moved(booking: Booking, old_slot: Slot | None = None, **_) -> None:
    """A resident moved the booking: the case follows and its timeline says so."""
    services.on_booking_rescheduled(booking, old_slot)


def booking_cancelled(booking: Booking, **_) -> None:
    """A resident cancelled: recorded on the case timeline."""
    services.on_booking_cancelled(booking)
