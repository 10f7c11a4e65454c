"""Public hotline pages: intro, booking steps, slot picker, confirmation (manage pages: manage.py).

The answers between steps are kept by ``wizard`` (sealed in the session, never in URLs). Every hotline
response is ``no-store`` and kept out of htmx history.
"""

import secrets
import time as clock

from flask import abort, current_app, redirect, request, session, url_for
from werkzeug.datastructures import MultiDict

from app.extensions import db, limiter
from app.hotline.blueprint import bp
from app.hotline.booking import calendar, services, wizard
from app.hotline.booking.forms import (
    CheckForm,
    ConsentForm,
    DetailsForm,
    ModeForm,
    TimeForm,
    TopicForm,
)
from app.hotline.booking.models import MODES, TOPICS, Slot
from app.hotline.privacy import seal, unseal
from app.hotline.triage import detect_urgent
from app.web.render import render


@bp.after_request
def _private(response):
    """Hotline pages may reveal that someone sought help: never cache them anywhere."""
    if request.path.startswith("/hotline/"):
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
        response.headers["X-Robots-Tag"] = "noindex" if request.path != "/hotline/" else "all"
    return response


@bp.get("/hotline/")
def intro():
    """Explain the hotline: what it is for, opening hours (open now?), the number, how to book."""
    return render("hotline/intro.html", opening=calendar.opening_status(), topics=TOPICS, modes=MODES)


# --- booking steps ------------------------------------------------------------------------------------


@bp.route("/hotline/book", methods=["GET", "POST"])
def book_topic():
    """Step 1: what the resident wants to talk about."""
    state = wizard.load()
    form = TopicForm(data={"topic": state.get("topic")})
    if request.method == "GET" and "t0" not in state:
        state["t0"] = clock.time()  # the bot check times the whole booking from its first page (issue 11)
        wizard.save(state)
    if form.validate_on_submit():
        state["topic"] = form.topic.data
        state.setdefault("t0", clock.time())
        wizard.save(state)
        return wizard.next_step(state)
    status = 422 if request.method == "POST" else 200
    return render("hotline/book_topic.html", form=form, status=status, **wizard.step_context("topic"))


@bp.route("/hotline/book/mode", methods=["GET", "POST"])
def book_mode():
    """Step 2: phone call-back or a visit."""
    state = wizard.load()
    if guard := wizard.guard(state, "mode"):
        return guard
    form = ModeForm(data={"mode": state.get("mode")})
    if form.validate_on_submit():
        if state.get("mode") != form.mode.data:
            state.pop("slot_id", None)  # a slot belongs to one mode
        state["mode"] = form.mode.data
        wizard.save(state)
        return wizard.next_step(state)
    status = 422 if request.method == "POST" else 200
    return render("hotline/book_mode.html", form=form, status=status, **wizard.step_context("mode"))


def _render_time(state: dict, form: TimeForm, status: int = 200, error: str | None = None, day=None):
    chosen = state.get("slot_id")
    if day is None and chosen:
        slot = db.session.get(Slot, chosen)
        day = slot.local_start.date() if slot else None
    ctx = wizard.picker(state["mode"], day or wizard.parse_day(request.args.get("date")), with_waitlist=True)
    return render(
        "hotline/book_time.html",
        form=form,
        status=status,
        error=error,
        chosen=chosen,
        picker_url=url_for("hotline.book_time"),
        **ctx,
        **wizard.step_context("time"),
    )


@bp.route("/hotline/book/time", methods=["GET", "POST"])
def book_time():
    """Step 3: choose a day, then one of its free times (the picker loads per day)."""
    state = wizard.load()
    if guard := wizard.guard(state, "time"):
        return guard
    form = TimeForm()
    if form.validate_on_submit():
        slot = db.session.get(Slot, form.slot_id.data)
        try:
            calendar.check_bookable(slot, state["mode"])
        except services.HotlineError as exc:
            day = slot.local_start.date() if slot else None
            return _render_time(state, form, status=exc.status, error=exc.message, day=day)
        state["slot_id"] = slot.id
        wizard.save(state)
        return wizard.next_step(state)
    if request.method == "POST":
        return _render_time(state, form, status=422, error="请选择一个时间。")
    return _render_time(state, form)


@bp.get("/hotline/slots", endpoint="slots")
def slot_picker():
    """The free times of one day for one mode (htmx fragment; a plain page without htmx)."""
    mode = request.args.get("mode", "phone")
    if mode not in MODES:
        abort(404)
    exclude = request.args.get("exclude", type=int)
    picker_for = request.args.get("for")
    ctx = wizard.picker(
        mode,
        wizard.parse_day(request.args.get("date")),
        exclude_slot=exclude,
        with_waitlist=picker_for == "book",
    )
    targets = {"book": url_for("hotline.book_time"), "manage": url_for("hotline.manage_move")}
    return render(
        "hotline/slots_page.html",
        "hotline/_slots.html",
        chosen=wizard.load().get("slot_id") if picker_for == "book" else None,
        picker_for=picker_for,
        picker_url=targets.get(picker_for, url_for("hotline.slots", mode=mode)),
        selectable=picker_for in targets,
        exclude=exclude,
        **ctx,
    )


DETAIL_FIELDS = ("nickname", "phone", "description", "safe_call_times", "may_leave_message", "town")
ALREADY_BOOKED = (
    "这个手机号已经有一个还没进行的预约，每个号码同时只能有一个。可以查询、改期或取消原来的预约。"
)


def _details_form(state: dict) -> DetailsForm:
    """Step 4's form: what was posted, else a kept draft (no-JS error round trip), else the saved answers."""
    if request.method == "POST":
        return DetailsForm()
    draft = state.get("details_draft")
    if isinstance(draft, dict):
        return DetailsForm(formdata=MultiDict(draft.get("data") or {}), meta={"csrf": False})
    data = {name: state.get(name) for name in DETAIL_FIELDS}
    data["may_leave_message"] = state.get("may_leave_message", "no")
    data["town"] = state.get("town", "")
    return DetailsForm(data=data)


def _details_problem(state: dict, form: DetailsForm) -> tuple[str | None, bool]:
    """(message, already_booked) for valid-looking input that is still refused: a bot, or a second booking."""
    if form.website.data:
        return "提交未成功，请检查后重新提交。", False
    # Timed from the first step of this booking (issue 11): going back or 更改 then 继续 is not "too fast".
    if clock.time() - float(state.get("t0") or 0) < wizard.min_seconds():
        return "提交得太快了，请核对填写的内容后再点“继续”。", False
    if services.has_upcoming_booking(form.phone.data):
        form.phone.errors = [*form.phone.errors, "这个手机号已经有一个还没进行的预约。"]
        return ALREADY_BOOKED, True
    return None, False


def _browser_navigation() -> bool:
    """A plain (no-JS) form post from a browser: answered with a redirect, so back never meets a POST."""
    return not request.headers.get("HX-Request") and request.headers.get("Sec-Fetch-Mode") == "navigate"


@bp.route("/hotline/book/details", methods=["GET", "POST"])
def book_details():
    """Step 4: nickname, mobile number, optional short description, safe call times, messages."""
    state = wizard.load()
    if guard := wizard.guard(state, "details"):
        return guard
    form = _details_form(state)
    problem, already_booked = None, False
    if request.method == "POST":
        valid = form.validate_on_submit()
        if valid:
            problem, already_booked = _details_problem(state, form)
        if valid and not problem:
            state.pop("details_draft", None)
            state.update({name: (form[name].data or "").strip() for name in DETAIL_FIELDS})
            state["urgent"] = detect_urgent(state["description"])
            wizard.save(state)
            return wizard.next_step(state)
        if _browser_navigation():
            # Post/redirect/get: the input (sealed in the session) and the errors come back on the GET.
            fields = {name: request.form.get(name, "") for name in DETAIL_FIELDS}
            state["details_draft"] = {"data": fields, "problem": problem, "already": already_booked}
            wizard.save(state)
            return redirect(url_for("hotline.book_details"), code=303)
    elif isinstance(state.get("details_draft"), dict):
        form.validate()
        problem = state["details_draft"].get("problem")
        already_booked = bool(state["details_draft"].get("already"))
        if already_booked:
            form.phone.errors = [*form.phone.errors, "这个手机号已经有一个还没进行的预约。"]
    else:
        state.setdefault("t0", clock.time())
        wizard.save(state)
    failed = request.method == "POST" or "details_draft" in state
    return render(
        "hotline/book_details.html",
        form=form,
        status=422 if failed else 200,
        bot_error=problem,
        already_booked=already_booked,
        description_max=services.DESCRIPTION_MAX,
        urgent=detect_urgent(form.description.data),
        **wizard.step_context("details"),
    )


@bp.post("/hotline/book/triage")
def book_triage():
    """While the resident types: show the emergency numbers at once if the text mentions danger."""
    text = (request.form.get("description") or "")[: services.DESCRIPTION_MAX * 2]
    urgent = detect_urgent(text)
    return render("hotline/triage.html", "hotline/_triage.html", urgent=urgent)


@bp.route("/hotline/book/consent", methods=["GET", "POST"])
def book_consent():
    """Step 5: a separate, unticked consent for sensitive personal information."""
    state = wizard.load()
    if guard := wizard.guard(state, "consent"):
        return guard
    form = ConsentForm(data={"consent": bool(state.get("consent"))})
    if form.validate_on_submit():
        state["consent"] = True
        wizard.save(state)
        return wizard.next_step(state)
    status = 422 if request.method == "POST" else 200
    return render(
        "hotline/book_consent.html",
        form=form,
        status=status,
        urgent=state.get("urgent"),
        **wizard.step_context("consent"),
    )


def _check_context(state: dict) -> dict:
    slot = db.session.get(Slot, state["slot_id"])
    return {
        "answers": state,
        "slot": slot,
        "topic_label": TOPICS[state["topic"]],
        "mode_label": MODES[state["mode"]],
        "urgent": state.get("urgent"),
    }


def _booking_limit() -> str:
    return current_app.config["HOTLINE_BOOKING_RATE_LIMIT"]


def _booked(response) -> bool:
    return response.status_code == 303 and response.headers.get("Location", "").endswith("/confirmation")


@bp.route("/hotline/book/check", methods=["GET", "POST"])
@limiter.limit(
    _booking_limit, methods=["POST"], error_message="这个网络提交的预约太多了，请稍后再试或拨打热线电话。"
)
@limiter.limit(  # issue 15: keyed on what the limits protect, not only on the (shared, NAT-ed) address
    lambda: current_app.config["HOTLINE_BOOKING_PHONE_RATE_LIMIT"],
    methods=["POST"],
    key_func=wizard.booking_phone_key,
    deduct_when=_booked,
    error_message="这个手机号码预约得太频繁了，请稍后再试或拨打热线电话。",
)
@limiter.limit(
    lambda: current_app.config["HOTLINE_BOOKING_SLOT_DAY_RATE_LIMIT"],
    methods=["POST"],
    key_func=wizard.booking_slot_day_key,
    deduct_when=_booked,
    error_message="这一天的网上预约暂时太多了，请选择其他日期或拨打热线电话。",
)
def book_check():
    """Step 6: check the answers and send the booking (one-time form token: no duplicates)."""
    state = wizard.load()
    if request.method == "GET" and not state and session.get(wizard.DONE_KEY):
        return redirect(url_for("hotline.book_confirmation"), code=303)
    if guard := wizard.guard(state, "check"):
        return guard
    if wizard.missing_step(state):
        return wizard.next_step(state)
    form = CheckForm()
    error = None
    status = 200
    if request.method == "GET" or not state.get("form_token"):
        state["form_token"] = secrets.token_urlsafe(24)
        wizard.save(state)
    if request.method == "POST":
        if not form.validate_on_submit() or form.form_token.data != state.get("form_token"):
            error, status = "页面已过期，请核对后重新提交。", 409
        elif form.website.data or clock.time() - float(state.get("t0") or 0) < wizard.min_seconds():
            error, status = "提交未成功，请核对信息后重新提交。", 422
        else:
            try:
                booking = services.book_slot(wizard.booking_input(state), form_token=state["form_token"])
            except services.SlotFull as exc:
                day = db.session.get(Slot, state["slot_id"]).local_start.date()
                state.pop("slot_id", None)
                wizard.save(state)
                return _render_time(state, TimeForm(formdata=None), status=409, error=exc.message, day=day)
            except services.SlotUnavailable as exc:
                state.pop("slot_id", None)
                wizard.save(state)
                return _render_time(state, TimeForm(formdata=None), status=409, error=exc.message)
            except services.AlreadyBooked:
                error, status = ALREADY_BOOKED, 409
            except services.HotlineError as exc:
                error, status = exc.message, exc.status
            else:
                session.pop(wizard.STATE_KEY, None)
                wizard.remember_ref(booking.reference)
                session[wizard.DONE_KEY] = seal({"ref": booking.reference, "urgent": booking.urgent})
                return redirect(url_for("hotline.book_confirmation"), code=303)
    form.form_token.data = state["form_token"]
    return render(
        "hotline/book_check.html",
        form=form,
        error=error,
        already_booked=error == ALREADY_BOOKED,
        status=status,
        **_check_context(state),
        **wizard.step_context("check"),
    )


@bp.get("/hotline/book/confirmation")
def book_confirmation():
    """The booking reference, time, what happens next, and the calendar file."""
    done = unseal(session.get(wizard.DONE_KEY), max_age=wizard.STATE_MAX_AGE)
    booking = services.find_booking_by_reference(done["ref"]) if done else None
    if booking is None:
        return redirect(url_for("hotline.book_topic"), code=303)
    return render("hotline/book_confirmation.html", booking=booking, urgent=done.get("urgent"))
