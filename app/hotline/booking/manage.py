"""Public hotline pages after booking: the calendar file, and find/cancel/move with reference + phone.

A booking is opened with its reference AND phone number (POST, rate limited, one neutral message for
any mismatch); the pair is then kept encrypted in the session for 20 minutes so later steps need no
personal data in URLs.
"""

from flask import abort, current_app, make_response, redirect, request, session, url_for

from app.extensions import db, limiter
from app.hotline.blueprint import bp
from app.hotline.booking import services, waitlist, wizard
from app.hotline.booking.forms import ConfirmForm, FindForm, TimeForm
from app.hotline.booking.models import Slot
from app.hotline.booking.waitlist_pages import WAITLIST_KEY, remember_entry
from app.hotline.privacy import mask_phone, seal, unseal
from app.web.render import render

# --- calendar file ------------------------------------------------------------------------------------


@bp.get("/hotline/bookings/<reference>.ics")
def booking_ics(reference: str):
    """A neutral calendar entry for a booking this browser has just made or opened."""
    booking = services.find_booking_by_reference(reference)
    if booking is None or booking.reference not in wizard.known_refs() or not booking.is_active:
        abort(404)
    response = make_response(services.booking_ics(booking, request.host))
    response.mimetype = "text/calendar"
    response.headers["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    return response


# --- find and manage ----------------------------------------------------------------------------------


def _manage_limit() -> str:
    return current_app.config["HOTLINE_MANAGE_RATE_LIMIT"]


def _failed(response) -> bool:
    return response.status_code == 404


def _remember_manage(booking, phone: str) -> None:
    session[wizard.MANAGE_KEY] = seal({"ref": booking.reference, "phone": phone})
    wizard.remember_ref(booking.reference)


def _managed():
    """The booking opened on /hotline/manage in this browser in the last 20 minutes."""
    data = unseal(session.get(wizard.MANAGE_KEY), max_age=wizard.MANAGE_MAX_AGE)
    if not data:
        return None, None
    try:
        return services.find_booking(data["ref"], data["phone"]), data["phone"]
    except services.BookingNotFound:
        return None, None


def _show_booking(booking, message: str | None = None, status: int = 200):
    can_change = booking.can_change()
    return render(
        "hotline/manage_booking.html",
        booking=booking,
        masked_phone=mask_phone(booking.phone),
        can_change=can_change,
        move_options=services.next_free_slots(booking) if can_change and booking.needs_move else [],
        form=ConfirmForm(formdata=None),
        message=message,
        message_ok=status < 400,  # ``status`` itself is the response's, not the template's
        status=status,
    )


def _find(form, template: str, **ctx):
    if form.validate_on_submit():
        try:
            booking = services.find_booking(form.reference.data, form.phone.data)
        except services.BookingNotFound as exc:
            try:  # the same form opens a waitlist entry by its reference
                entry = waitlist.find_entry(form.reference.data, form.phone.data)
            except waitlist.WaitlistNotFound:
                return render(template, form=form, error=exc.message, status=404, **ctx)
            remember_entry(entry, form.phone.data)
            return redirect(url_for("hotline.waitlist_entry"), code=303)
        _remember_manage(booking, form.phone.data)
        return redirect(url_for("hotline.manage_booking"), code=303)
    status = 422 if request.method == "POST" else 200
    return render(template, form=form, error=None, status=status, **ctx)


@bp.route("/hotline/manage", methods=["GET", "POST"])
@limiter.limit(
    _manage_limit, methods=["POST"], deduct_when=_failed, error_message="查询次数太多，请 10 分钟后再试。"
)
def manage():
    """Find a booking with its reference and phone number (one neutral message for any mismatch)."""
    return _find(FindForm(), "hotline/manage_find.html")


@bp.route("/hotline/bookings/<reference>", methods=["GET", "POST"])
@limiter.limit(
    _manage_limit, methods=["POST"], deduct_when=_failed, error_message="查询次数太多，请 10 分钟后再试。"
)
def booking_detail(reference: str):
    """Open a booking from its reference link: the phone number is asked for (POST) before anything shows."""
    form = FindForm(data={"reference": reference})
    if request.method == "POST":
        form = FindForm()
        form.reference.data = reference
    return _find(form, "hotline/booking_find.html", reference=reference)


@bp.get("/hotline/manage/booking")
def manage_booking():
    """The booking found on /hotline/manage, masked."""
    booking, _phone = _managed()
    if booking is None:
        return redirect(url_for("hotline.manage"), code=303)
    return _show_booking(booking)


@bp.route("/hotline/manage/move", methods=["GET", "POST"])
def manage_move():
    """Move the booking to another free time of the same kind."""
    booking, phone = _managed()
    if booking is None:
        return redirect(url_for("hotline.manage"), code=303)
    if not booking.can_change():
        return _show_booking(booking, services.BookingLocked.default, status=409)
    form = TimeForm()
    error, status, day = None, 200, wizard.parse_day(request.args.get("date"))
    if form.validate_on_submit():
        try:
            booking = services.reschedule_booking(booking.reference, phone, form.slot_id.data)
        except services.HotlineError as exc:
            error, status = exc.message, exc.status
            target = db.session.get(Slot, form.slot_id.data)
            day = target.local_start.date() if target else None
        else:
            return _show_booking(booking, f"已改到 {booking.slot.label}。")
    elif request.method == "POST":
        error, status = "请选择一个新的时间。", 422
    ctx = wizard.picker(booking.mode, day, exclude_slot=booking.slot_id)
    return render(
        "hotline/manage_move.html",
        booking=booking,
        form=form,
        error=error,
        status=status,
        chosen=None,
        picker_url=url_for("hotline.manage_move"),
        exclude=booking.slot_id,
        **ctx,
    )


@bp.route("/hotline/manage/cancel", methods=["GET", "POST"])
def manage_cancel():
    """Ask, then cancel the booking and free its place."""
    booking, phone = _managed()
    if booking is None:
        return redirect(url_for("hotline.manage"), code=303)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.cancel_booking(booking.reference, phone)
        except services.HotlineError as exc:
            return _show_booking(booking, exc.message, status=exc.status)
        session.pop(wizard.MANAGE_KEY, None)
        return render("hotline/manage_cancelled.html")
    if not booking.can_change():
        return _show_booking(booking, services.BookingLocked.default, status=409)
    return render("hotline/manage_cancel.html", booking=booking, form=form)


@bp.post("/hotline/manage/leave")
def manage_leave():
    """Forget the opened booking in this browser."""
    session.pop(wizard.MANAGE_KEY, None)
    session.pop(wizard.DONE_KEY, None)
    session.pop(WAITLIST_KEY, None)
    wizard.forget_refs()
    return redirect(url_for("hotline.intro"), code=303)
