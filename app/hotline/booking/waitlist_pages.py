"""Public waitlist pages: join a full day's waitlist from the booking wizard, see and accept an offer.

An entry is opened with its reference AND phone number on /hotline/manage (the same form as bookings);
the pair is then kept sealed in the session for 20 minutes, like a managed booking.
"""

from flask import current_app, flash, redirect, request, session, url_for

from app.extensions import limiter
from app.hotline.blueprint import bp
from app.hotline.booking import offers, services, waitlist, wizard
from app.hotline.booking.forms import ConfirmForm, WaitlistForm
from app.hotline.booking.models import MODES, TOPICS
from app.hotline.privacy import seal, unseal
from app.web.render import render

WAITLIST_KEY = "hotline_waitlist"


def remember_entry(entry, phone: str) -> None:
    """Keep the opened entry (reference + phone, sealed) in this browser's session for 20 minutes."""
    session[WAITLIST_KEY] = seal({"ref": entry.reference, "phone": phone})


def _opened():
    data = unseal(session.get(WAITLIST_KEY), max_age=wizard.MANAGE_MAX_AGE)
    if not data:
        return None, None
    try:
        return waitlist.find_entry(data["ref"], data["phone"]), data["phone"]
    except waitlist.WaitlistNotFound:
        return None, None


def _join_page(form: WaitlistForm, state: dict, status: int = 200, error: str | None = None):
    return render(
        "hotline/waitlist_join.html",
        form=form,
        status=status,
        error=error,
        mode_label=MODES[state["mode"]],
        topic_label=TOPICS[state["topic"]],
        back_url=url_for("hotline.book_time"),
    )


@bp.route("/hotline/waitlist/join", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["HOTLINE_BOOKING_RATE_LIMIT"],
    methods=["POST"],
    error_message="这个网络提交得太多了，请稍后再试或拨打热线电话。",
)
def waitlist_join():
    """Join the waitlist of a full day for the topic and mode chosen in the booking steps."""
    state = wizard.load()
    if guard := wizard.guard(state, "time"):
        return guard
    if request.method == "GET":
        form = WaitlistForm(formdata=None, data={"day": wizard.parse_day(request.args.get("date"))})
        return _join_page(form, state)
    form = WaitlistForm()
    valid = form.validate_on_submit()
    data = waitlist.WaitlistInput(
        day=form.day.data,
        mode=state["mode"],
        topic=state["topic"],
        nickname=form.nickname.data or "",
        phone=form.phone.data or "",
        consent=bool(form.consent.data),
    )
    for field, message in waitlist.validate_join(data):
        if not form[field].errors:  # all problems at once, one message per field
            form[field].errors = [*form[field].errors, message]
            valid = False
    if not valid or form.website.data:
        return _join_page(form, state, status=422)
    try:
        entry = waitlist.join_waitlist(data)
    except services.HotlineError as exc:
        if exc.field in ("nickname", "phone", "day", "consent"):
            form[exc.field].errors = [*form[exc.field].errors, exc.message]
            return _join_page(form, state, status=exc.status)
        return _join_page(form, state, status=exc.status, error=exc.message)
    remember_entry(entry, data.phone)
    flash("已加入候补。请记下候补编号：有空位时热线会打电话给您，您也可以随时用编号查询。", "success")
    return redirect(url_for("hotline.waitlist_entry"), code=303)


def _entry_page(entry, message: str | None = None, status: int = 200):
    return render(
        "hotline/waitlist_entry.html",
        entry=entry,
        form=ConfirmForm(formdata=None),
        offer_open=entry.offer_open(),
        message=message,
        message_ok=status < 400,
        status=status,
    )


@bp.get("/hotline/waitlist/entry")
def waitlist_entry():
    """The waitlist entry opened in this browser: its place, or an offer with a one-tap accept."""
    offers.expire_offers()
    entry, _phone = _opened()
    if entry is None:
        return redirect(url_for("hotline.manage"), code=303)
    return _entry_page(entry)


@bp.post("/hotline/waitlist/accept")
def waitlist_accept():
    """Accept the offered place: it becomes a booking, shown on the manage page."""
    entry, phone = _opened()
    if entry is None:
        return redirect(url_for("hotline.manage"), code=303)
    if not ConfirmForm().validate_on_submit():
        return _entry_page(entry, "页面已过期，请再点一次。", status=409)
    try:
        booking = waitlist.accept_offer(entry.reference, phone)
    except services.HotlineError as exc:
        entry, _ = _opened()
        return _entry_page(entry, exc.message, status=exc.status)
    session.pop(WAITLIST_KEY, None)
    session[wizard.MANAGE_KEY] = seal({"ref": booking.reference, "phone": phone})
    wizard.remember_ref(booking.reference)
    flash(f"已为您预约 {booking.slot.label}。预约编号 {booking.reference_display}，请记下。", "success")
    return redirect(url_for("hotline.manage_booking"), code=303)


@bp.post("/hotline/waitlist/leave")
def waitlist_leave():
    """Leave the waitlist (an offered place passes to the next person)."""
    entry, phone = _opened()
    if entry is None:
        return redirect(url_for("hotline.manage"), code=303)
    if not ConfirmForm().validate_on_submit():
        return _entry_page(entry, "页面已过期，请再点一次。", status=409)
    try:
        entry = waitlist.leave_waitlist(entry.reference, phone)
    except services.HotlineError as exc:
        return _entry_page(entry, exc.message, status=exc.status)
    return _entry_page(entry, "已退出候补。")
