"""The call list of a closed day: the bookings to move, with 拨打 links for counselors.

Counselors see each resident's full number in a ``tel:`` link (they call from the list); that read is
recorded in the access log like a case read, once per case and page view. Admins manage the schedule but
never read personal data: they see masked numbers only.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.hotline.blueprint import bp
from app.hotline.booking import calendar
from app.hotline.booking.models import Closure
from app.hotline.cases.models import AccessLog, Case
from app.hotline.cases.routes import no_store
from app.web.access import role_required
from app.web.render import render
from app.web.time import utcnow


@bp.get("/console/hotline/schedule/closures/<int:closure_id>/calls")
@role_required("counselor", "admin")
def closure_calls(closure_id: int):
    """The bookings on a closed day that still need a move: who to call, with the case of each."""
    closure = db.session.get(Closure, closure_id) or abort(404)
    bookings = calendar.bookings_to_move(closure.closed_on)
    ids = [booking.id for booking in bookings]
    cases = (
        {c.booking_id: c for c in db.session.scalars(select(Case).where(Case.booking_id.in_(ids)))}
        if ids
        else {}
    )
    can_call = Case.can_view(current_user)
    if can_call and cases:
        now = utcnow()
        db.session.add_all(
            AccessLog(user_id=current_user.id, case_id=case.id, action="call_list", at=now)
            for case in cases.values()
        )
        db.session.commit()
    rows = [(booking, cases.get(booking.id)) for booking in bookings]
    return no_store(
        render("hotline/console/closure_calls.html", closure=closure, rows=rows, can_call=can_call)
    )
