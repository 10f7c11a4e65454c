"""The booking wizard's state between steps: which answers are in, where to go next, the day picker.

The answers live in the session as an encrypted token (``privacy.seal``): no personal data in URLs or
in readable cookies. The token expires after two hours.
"""

from datetime import date

from flask import current_app, redirect, session, url_for

from app.extensions import db
from app.hotline.booking import calendar, offers, waitlist
from app.hotline.booking.models import MODES, TOPICS, Slot
from app.hotline.booking.services import BookingInput
from app.hotline.privacy import phone_hash, seal, unseal

STATE_KEY = "hotline_book"
DONE_KEY = "hotline_done"
MANAGE_KEY = "hotline_manage"
REFS_KEY = "hotline_refs"  # the last three booking references made or opened here, sealed (issue 15)
REFS_MAX_AGE = 30 * 24 * 3600
STATE_MAX_AGE = 2 * 3600
MANAGE_MAX_AGE = 20 * 60
STEP_NAMES = ["topic", "mode", "time", "details", "consent", "check"]


def load() -> dict:
    """The answers given so far in this browser (empty when none or expired)."""
    return unseal(session.get(STATE_KEY), max_age=STATE_MAX_AGE) or {}


def save(state: dict) -> None:
    """Keep the answers (sealed) in the session."""
    session[STATE_KEY] = seal(state)


def known_refs() -> list[str]:
    """Booking references this browser made or opened (newest first); sealed in the session cookie."""
    data = (
        unseal(session.get(REFS_KEY), max_age=REFS_MAX_AGE)
        if isinstance(session.get(REFS_KEY), str)
        else None
    )
    refs = (data or {}).get("refs")
    return [ref for ref in refs if isinstance(ref, str)][:3] if isinstance(refs, list) else []


def remember_ref(reference: str) -> None:
    """Add ``reference`` to this browser's known bookings (kept sealed, never readable in the cookie)."""
    refs = [reference, *[ref for ref in known_refs() if ref != reference]][:3]
    session[REFS_KEY] = seal({"refs": refs})


def forget_refs() -> None:
    """Forget this browser's known bookings."""
    session.pop(REFS_KEY, None)


def booking_phone_key() -> str:
    """Limiter key (issue 15): the phone number being booked, as its keyed hash."""
    phone = load().get("phone") or ""
    return "booking-phone:" + (phone_hash(phone) if phone else "none")


def booking_slot_day_key() -> str:
    """Limiter key (issue 15): the day of the slot being booked, so one day cannot be flooded."""
    slot_id = load().get("slot_id")
    slot = db.session.get(Slot, slot_id) if isinstance(slot_id, int) else None
    return f"booking-day:{slot.local_start.date().isoformat() if slot else 'none'}"


def missing_step(state: dict) -> str | None:
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


def step_url(step: str | None) -> str:
    return url_for(f"hotline.book_{step or 'check'}")


def next_step(state: dict):
    """After a step: go to the first unanswered step, else straight to the check page."""
    return redirect(step_url(missing_step(state)), code=303)


def guard(state: dict, step: str):
    """Redirect to an earlier unanswered step (e.g. a bookmarked step URL or an expired session)."""
    missing = missing_step(state)
    if missing and STEP_NAMES.index(missing) < STEP_NAMES.index(step):
        return redirect(step_url(missing), code=303)
    return None


def step_context(step: str) -> dict:
    index = STEP_NAMES.index(step)
    back = step_url(STEP_NAMES[index - 1]) if index else url_for("hotline.intro")
    return {"step": step, "step_no": index + 1, "step_total": len(STEP_NAMES), "back_url": back}


def booking_input(state: dict) -> BookingInput:
    return BookingInput(
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


def min_seconds() -> float:
    return float(current_app.config["HOTLINE_MIN_FORM_SECONDS"])


def parse_day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def picker(mode: str, day: date | None, exclude_slot: int | None = None, with_waitlist: bool = False) -> dict:
    """Context for the day list and the slot list of one day (and, when booking, the full days to wait for)."""
    if with_waitlist:
        offers.expire_offers()  # a lapsed hold frees its place (or passes it on) before days are counted
    days = calendar.available_days(mode)
    bookable = {d for d, _ in days}
    if day not in bookable:
        day = days[0][0] if days else None
    free = calendar.available_slots(day, mode) if day else []
    if exclude_slot:
        free = [s for s in free if s.id != exclude_slot]
    return {
        "days": days,
        "day": day,
        "slots": free,
        "mode": mode,
        "mode_label": MODES[mode],
        "waitlist_days": waitlist.waitlist_days(mode) if with_waitlist else [],
    }
