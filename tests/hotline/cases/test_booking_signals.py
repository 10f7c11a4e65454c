"""Booking → cases through signals: book, move and cancel and see the case follow, in one transaction."""

import ast
from datetime import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

import app as app_package
from app.extensions import db
from app.hotline import signals
from app.hotline.booking import services
from app.hotline.booking.models import Booking, Slot
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


def test_a_failing_receiver_fails_the_booking_and_rolls_it_back(app, book, create_slot):
    """The case is opened inside the booking's transaction: if that fails, no booking and no place is kept."""

    def broken(booking, **extra):
        raise RuntimeError("case management is down")

    slot = create_slot(at=time(9, 0))
    signals.booking_created.connect(broken)
    try:
        with pytest.raises(RuntimeError):
            book(slot)
    finally:
        signals.booking_created.disconnect(broken)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 0
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0
    assert db.session.get(Slot, slot.id).booked == 0
    assert book(slot).status == "booked"  # and the place is still there


def test_booking_code_never_imports_case_management():
    """Booking tells cases what happened only through ``app.hotline.signals``."""
    booking_dir = Path(app_package.__file__).parent / "hotline" / "booking"
    for path in booking_dir.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom | ast.Import):
                names = (
                    [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                )
                assert not any(n.startswith("app.hotline.cases") for n in names), path.name
