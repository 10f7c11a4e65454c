"""Integration with the booking side: book, move and cancel through its services and see the case follow."""

from datetime import time

from sqlalchemy import select

from app.extensions import db
from app.hotline.booking import services
from app.hotline.cases.models import Case


def test_booking_opens_case_and_timeline_follows_the_resident(app, book, create_slot):
    """A real booking opens one case; the resident's reschedule and cancellation appear on its timeline."""
    first = create_slot(at=time(9, 0))
    second = create_slot(at=time(10, 0))
    booking = book(first, description="他喝了酒就打我")
    case = db.session.scalar(select(Case).where(Case.booking_id == booking.id))
    assert case is not None and case.priority == "紧急" and case.status == "待受理"
    assert case.scheduled_at == first.start_at
    services.reschedule_booking(booking.reference, "13812341234", second.id)
    services.cancel_booking(booking.reference, "13812341234")
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.scheduled_at == second.start_at
    kinds = [event.kind for event in case.events]
    assert kinds[:2] == ["cancelled", "rescheduled"]
    assert case.masked_phone == "138****1234"
