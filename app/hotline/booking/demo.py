"""Demo data for the booking side (key 30-hotline-schedule): rules, holidays, slots, a few bookings.

The content (weekly rules, invented residents and their bookings) is ``demo/schedule.json``.
"""

import json
import logging
from datetime import time
from pathlib import Path

from sqlalchemy import func, select

from app.extensions import db
from app.hotline.booking import calendar, holidays, services
from app.hotline.booking.errors import HotlineError, ScheduleError
from app.hotline.booking.models import AvailabilityRule, Booking
from app.hotline.privacy import phone_hash
from app.web.time import local_now

log = logging.getLogger(__name__)
CONTENT = Path(__file__).with_name("demo") / "schedule.json"


def _content() -> dict:
    return json.loads(CONTENT.read_text(encoding="utf-8"))


def _add_rules(rules: list[dict]) -> None:
    for rule in rules:
        for weekday in rule["weekdays"]:
            db.session.add(
                AvailabilityRule(
                    weekday=weekday,
                    start_time=time.fromisoformat(rule["start"]),
                    end_time=time.fromisoformat(rule["end"]),
                    slot_minutes=rule["minutes"],
                    capacity=rule["capacity"],
                    mode=rule["mode"],
                )
            )
    db.session.commit()


def _book(index: int, row: dict) -> None:
    """Book the resident of ``row`` on the index-th free day (skipped when already booked or no room)."""
    if db.session.scalar(select(Booking.id).where(Booking.phone_hash == phone_hash(row["phone"]))):
        return
    days = calendar.available_days(row["mode"])
    if not days:
        return
    free = calendar.available_slots(days[min(index, len(days) - 1)][0], row["mode"])
    if not free:
        return
    data = services.BookingInput(
        topic=row["topic"],
        mode=row["mode"],
        slot_id=free[index % len(free)].id,
        nickname=row["nickname"],
        phone=row["phone"],
        description=row["description"],
        safe_call_times=row["safe_call_times"],
        may_leave_message=index % 2 == 0,
        town=row["town"],
        consent=True,
    )
    try:
        services.book_slot(data)
    except HotlineError as exc:
        log.info("demo booking skipped: %s", exc.message)


def load() -> None:
    """Create weekly rules, this year's holidays, slots and a few upcoming bookings (idempotent)."""
    content = _content()
    if db.session.scalar(select(func.count()).select_from(AvailabilityRule)) == 0:
        _add_rules(content["rules"])
    year = local_now().year
    for y in (year, year + 1):
        try:
            holidays.prefill_holidays(y)
        except ScheduleError as exc:
            log.info("demo: %s", exc.message)
    calendar.materialize_slots(days=calendar.booking_days())
    for index, row in enumerate(content["bookings"]):
        _book(index, row)
