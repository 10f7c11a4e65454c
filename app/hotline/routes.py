"""Public hotline pages: intro, booking steps, slot picker, confirmation (manage pages: manage.py).

Booking state between steps lives in the session as an encrypted token (``privacy.seal``): no personal
data in URLs or in readable cookies. Every hotline response is ``no-store`` and kept out of htmx history.
"""

import secrets
import time as clock
from datetime import date

from flask import abort, current_app, redirect, request, session, url_for

from app.extensions import db, limiter
from app.hotline import bp, services, slots
from app.hotline.forms import (
    CheckForm,
    ConsentForm,
    DetailsForm,
    ModeForm,
    TimeForm,
    TopicForm,
)
from app.hotline.models import MODES, TOPICS, Slot
from app.hotline.privacy import seal, unseal
from app.web.render import render

STATE_KEY = "hotline_book"
DONE_KEY = "hotline_done"
MANAGE_KEY = "hotline_manage"
STATE_MAX_AGE = 2 * 3600
MANAGE_MAX_AGE = 20 * 60
STEP_NAMES = ["topic", "mode", "time", "details", "consent", "check"]
STEP_TITLES = {
    "topic": "咨询事项",
    "mode": "联系方式",
    "time": "选择时间",
    "details": "您的联系方式",
    "consent": "同意保存信息",
    "check": "核对信息",
}


# --- state --------------------------------------------------------------------------------------------


def _state() -> dict:
    return unseal(session.get(STATE_KEY), max_age=STATE_MAX_AGE) or {}


def _save(state: dict) -> None:
    session[STATE_KEY] = seal(state)


def _missing_step(state: dict) -> str | None:
    """The first step whose answer is missing (None when everything needed is there)."""
    if state.get("topic") not in TOPICS:
        return "topic"
    if state.get("mode") not in MODES:
        return "mode"
    if not state.get("slot_id"):
        return "time"
    if not state.get("nickname") or not state.get("phone"):
        return "details"
    if not state.get("consent"):
        return "consent"
    return None


def _step_url(step: str | None) -> str:
    return url_for(f"hotline.book_{step or 'check'}")


def _next(state: dict):
    """After a step: go to the first unanswered step, else straight to the check page."""
    return redirect(_step_url(_missing_step(state)), code=303)


def _guard(state: dict, step: str):
    """Redirect to an earlier unanswered step (e.g. a bookmarked step URL or an expired session)."""
    missing = _missing_step(state)
    if missing and STEP_NAMES.index(missing) < STEP_NAMES.index(step):
        return redirect(_step_url(missing), code=303)
    return None


def _step_context(step: str) -> dict:
    index = STEP_NAMES.index(step)
    back = _step_url(STEP_NAMES[index - 1]) if index else url_for("hotline.intro")
    return {"step": step, "step_no": index + 1, "step_total": len(STEP_NAMES), "back_url": back}


def _booking_input(state: dict) -> services.BookingInput:
    return services.BookingInput(
        topic=state.get("topic", ""),
        mode=state.get("mode", ""),
        slot_id=state.get("slot_id"),
        nickname=state.get("nickname", ""),
        phone=state.get("phone", ""),
        description=state.get("description", ""),
        safe_call_times=state.get("safe_call_times", ""),
        may_leave_message=state.get("may_leave_message") == "yes",
        town=state.get("town", ""),
        consent=bool(state.get("consent")),
    )


def _min_seconds() -> float:
    return float(current_app.config["HOTLINE_MIN_FORM_SECONDS"])


@bp.after_request
def _private(response):
    """Hotline pages may reveal that someone sought help: never cache them anywhere."""
    if request.path.startswith("/hotline/"):
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
        response.headers["X-Robots-Tag"] = "noindex" if request.path != "/hotline/" else "all"
    return response


# --- intro --------------------------------------------------------------------------------------------


@bp.get("/hotline/")
def intro():
    """Explain the hotline: what it is for, opening hours (open now?), the number, how to book."""
    return render("hotline/intro.html", opening=slots.opening_status(), topics=TOPICS, modes=MODES)


# --- booking steps ------------------------------------------------------------------------------------


@bp.route("/hotline/book", methods=["GET", "POST"])
def book_topic():
    """Step 1: what the resident wants to talk about."""
    state = _state()
    form = TopicForm(data={"topic": state.get("topic")})
    if form.validate_on_submit():
        state["topic"] = form.topic.data
        state.setdefault("t0", clock.time())
        _save(state)
        return _next(state)
    status = 422 if request.method == "POST" else 200
    return render("hotline/book_topic.html", form=form, status=status, **_step_context("topic"))


@bp.route("/hotline/book/mode", methods=["GET", "POST"])
def book_mode():
    """Step 2: phone call-back or a visit."""
    state = _state()
    if guard := _guard(state, "mode"):
        return guard
    form = ModeForm(data={"mode": state.get("mode")})
    if form.validate_on_submit():
        if state.get("mode") != form.mode.data:
            state.pop("slot_id", None)  # a slot belongs to one mode
        state["mode"] = form.mode.data
        _save(state)
        return _next(state)
    status = 422 if request.method == "POST" else 200
    return render("hotline/book_mode.html", form=form, status=status, **_step_context("mode"))


def _parse_day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _picker(mode: str, day: date | None, exclude_slot: int | None = None) -> dict:
    """Context for the day list and the slot list of one day."""
    days = slots.available_days(mode)
    bookable = {d for d, _ in days}
    if day not in bookable:
        day = days[0][0] if days else None
    free = slots.available_slots(day, mode) if day else []
    if exclude_slot:
        free = [s for s in free if s.id != exclude_slot]
    return {"days": days, "day": day, "slots": free, "mode": mode, "mode_label": MODES[mode]}


def _render_time(state: dict, form: TimeForm, status: int = 200, error: str | None = None, day=None):
    chosen = state.get("slot_id")
    if day is None and chosen:
        slot = db.session.get(Slot, chosen)
        day = slot.local_start.date() if slot else None
    ctx = _picker(state["mode"], day or _parse_day(request.args.get("date")))
    return render(
        "hotline/book_time.html",
        form=form,
        status=status,
        error=error,
        chosen=chosen,
        picker_url=url_for("hotline.book_time"),
        **ctx,
        **_step_context("time"),
    )


@bp.route("/hotline/book/time", methods=["GET", "POST"])
def book_time():
    """Step 3: choose a day, then one of its free times (the picker loads per day)."""
    state = _state()
    if guard := _guard(state, "time"):
        return guard
    form = TimeForm()
    if form.validate_on_submit():
        slot = db.session.get(Slot, form.slot_id.data)
        try:
            slots.check_bookable(slot, state["mode"])
        except services.HotlineError as exc:
            day = slot.local_start.date() if slot else None
            return _render_time(state, form, status=exc.status, error=exc.message, day=day)
        state["slot_id"] = slot.id
        _save(state)
        return _next(state)
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
    ctx = _picker(mode, _parse_day(request.args.get("date")), exclude_slot=exclude)
    picker_for = request.args.get("for")
    targets = {"book": url_for("hotline.book_time"), "manage": url_for("hotline.manage_move")}
    return render(
        "hotline/slots_page.html",
        "hotline/_slots.html",
        chosen=_state().get("slot_id") if picker_for == "book" else None,
        picker_for=picker_for,
        picker_url=targets.get(picker_for, url_for("hotline.slots", mode=mode)),
        selectable=picker_for in targets,
        exclude=exclude,
        **ctx,
    )


@bp.route("/hotline/book/details", methods=["GET", "POST"])
def book_details():
    """Step 4: nickname, mobile number, optional short description, safe call times, messages."""
    state = _state()
    if guard := _guard(state, "details"):
        return guard
    form = DetailsForm(
        data={
            "nickname": state.get("nickname"),
            "phone": state.get("phone"),
            "description": state.get("description"),
            "safe_call_times": state.get("safe_call_times"),
            "may_leave_message": state.get("may_leave_message", "no"),
            "town": state.get("town", ""),
        }
    )
    bot_error = None
    if request.method == "POST" and form.validate_on_submit():
        shown_at = state.get("details_at") or 0
        if form.website.data:
            bot_error = "提交未成功，请检查后重新提交。"
        elif clock.time() - shown_at < _min_seconds():
            bot_error = "提交得太快了，请核对填写的内容后再点“继续”。"
            state["details_at"] = clock.time()
            _save(state)
        else:
            state.update(
                nickname=form.nickname.data.strip(),
                phone=form.phone.data,
                description=(form.description.data or "").strip(),
                safe_call_times=(form.safe_call_times.data or "").strip(),
                may_leave_message=form.may_leave_message.data,
                town=form.town.data or "",
            )
            state["urgent"] = services.detect_urgent(state["description"])
            _save(state)
            return _next(state)
    if request.method == "GET":
        state["details_at"] = clock.time()
        _save(state)
    status = 422 if request.method == "POST" else 200
    return render(
        "hotline/book_details.html",
        form=form,
        status=status,
        bot_error=bot_error,
        description_max=services.DESCRIPTION_MAX,
        urgent=services.detect_urgent(form.description.data),
        **_step_context("details"),
    )


@bp.post("/hotline/book/triage")
def book_triage():
    """While the resident types: show the emergency numbers at once if the text mentions danger."""
    text = (request.form.get("description") or "")[: services.DESCRIPTION_MAX * 2]
    urgent = services.detect_urgent(text)
    return render("hotline/triage.html", "hotline/_triage.html", urgent=urgent)


@bp.route("/hotline/book/consent", methods=["GET", "POST"])
def book_consent():
    """Step 5: a separate, unticked consent for sensitive personal information."""
    state = _state()
    if guard := _guard(state, "consent"):
        return guard
    form = ConsentForm(data={"consent": bool(state.get("consent"))})
    if form.validate_on_submit():
        state["consent"] = True
        _save(state)
        return _next(state)
    status = 422 if request.method == "POST" else 200
    return render(
        "hotline/book_consent.html",
        form=form,
        status=status,
        urgent=state.get("urgent"),
        **_step_context("consent"),
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


@bp.route("/hotline/book/check", methods=["GET", "POST"])
@limiter.limit(
    _booking_limit, methods=["POST"], error_message="这个网络提交的预约太多了，请稍后再试或拨打热线电话。"
)
def book_check():
    """Step 6: check the answers and send the booking (one-time form token: no duplicates)."""
    state = _state()
    if request.method == "GET" and not state and session.get(DONE_KEY):
        return redirect(url_for("hotline.book_confirmation"), code=303)
    if guard := _guard(state, "check"):
        return guard
    if _missing_step(state):
        return _next(state)
    form = CheckForm()
    error = None
    status = 200
    if request.method == "GET" or not state.get("form_token"):
        state["form_token"] = secrets.token_urlsafe(24)
        _save(state)
    if request.method == "POST":
        if not form.validate_on_submit() or form.form_token.data != state.get("form_token"):
            error, status = "页面已过期，请核对后重新提交。", 409
        elif form.website.data or clock.time() - float(state.get("t0") or 0) < _min_seconds():
            error, status = "提交未成功，请核对信息后重新提交。", 422
        else:
            try:
                booking = services.book_slot(_booking_input(state), form_token=state["form_token"])
            except services.SlotFull as exc:
                day = db.session.get(Slot, state["slot_id"]).local_start.date()
                state.pop("slot_id", None)
                _save(state)
                return _render_time(state, TimeForm(formdata=None), status=409, error=exc.message, day=day)
            except services.SlotUnavailable as exc:
                state.pop("slot_id", None)
                _save(state)
                return _render_time(state, TimeForm(formdata=None), status=409, error=exc.message)
            except services.HotlineError as exc:
                error, status = exc.message, exc.status
            else:
                session.pop(STATE_KEY, None)
                refs = [booking.reference, *session.get("hotline_refs", [])][:3]
                session["hotline_refs"] = refs
                session[DONE_KEY] = seal({"ref": booking.reference, "urgent": booking.urgent})
                return redirect(url_for("hotline.book_confirmation"), code=303)
    form.form_token.data = state["form_token"]
    return render(
        "hotline/book_check.html",
        form=form,
        error=error,
        status=status,
        **_check_context(state),
        **_step_context("check"),
    )


@bp.get("/hotline/book/confirmation")
def book_confirmation():
    """The booking reference, time, what happens next, and the calendar file."""
    done = unseal(session.get(DONE_KEY), max_age=STATE_MAX_AGE)
    booking = services.find_booking_by_reference(done["ref"]) if done else None
    if booking is None:
        return redirect(url_for("hotline.book_topic"), code=303)
    return render("hotline/book_confirmation.html", booking=booking, urgent=done.get("urgent"))
