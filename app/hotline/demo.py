"""Demo data for the hotline booking side (key 30-hotline-schedule): rules, holidays, slots, bookings."""

import logging
from datetime import time

from sqlalchemy import func, select

from app.extensions import db
from app.hotline import services, slots
from app.hotline.models import AvailabilityRule, Booking, Slot
from app.hotline.privacy import phone_hash
from app.web.time import local_now

log = logging.getLogger(__name__)

# (weekdays, start, end, minutes, capacity, mode)
DEMO_RULES = [
    (range(5), time(9, 0), time(11, 30), 30, 2, "phone"),
    (range(5), time(14, 0), time(16, 30), 30, 2, "phone"),
    ((1, 3), time(9, 0), time(11, 0), 60, 1, "visit"),
    ((1, 3), time(14, 30), time(16, 30), 60, 1, "visit"),
]

DEMO_BOOKINGS = [
    (
        "13900000001",
        "王阿姨",
        "generations",
        "phone",
        "孙子上学的事和儿媳意见不一样，想听听建议。",
        "上午都行",
    ),
    ("13900000002", "李先生", "cooling_off", "visit", "", ""),
    ("13900000003", "小陈", "premarital", "phone", "快结婚了，两家在彩礼上有分歧。", "晚上 6 点以后"),
    (
        "13900000004",
        "赵女士",
        "family_dispute",
        "phone",
        "他喝了酒就打我，我不敢跟家里说。",
        "工作日 9 点到 11 点",
    ),
    ("13900000005", "刘大爷", "marriage", "phone", "老两口总吵架。", ""),
]


def load() -> None:
    """Create weekly rules, this year's holidays, slots and a few upcoming bookings (idempotent)."""
    if db.session.scalar(select(func.count()).select_from(AvailabilityRule)) == 0:
        for weekdays, start, end, minutes, capacity, mode in DEMO_RULES:
            for weekday in weekdays:
                db.session.add(
                    AvailabilityRule(
                        weekday=weekday,
                        start_time=start,
                        end_time=end,
                        slot_minutes=minutes,
                        capacity=capacity,
                        mode=mode,
                    )
                )
        db.session.commit()
    year = local_now().year
    for y in (year, year + 1):
        try:
            slots.prefill_holidays(y)
        except services.ScheduleError as exc:
            log.info("demo: %s", exc.message)
    slots.materialize_slots(days=slots.booking_days())
    for index, (phone, nickname, topic, mode, description, safe) in enumerate(DEMO_BOOKINGS):
        if db.session.scalar(select(Booking.id).where(Booking.phone_hash == phone_hash(phone))):
            continue
        days = slots.available_days(mode)
        if not days:
            continue
        day = days[min(index, len(days) - 1)][0]
        free: list[Slot] = slots.available_slots(day, mode)
        if not free:
            continue
        data = services.BookingInput(
            topic=topic,
            mode=mode,
            slot_id=free[index % len(free)].id,
            nickname=nickname,
            phone=phone,
            description=description,
            safe_call_times=safe,
            may_leave_message=index % 2 == 0,
            town=["明水街道", "双山街道", "", "埠村街道", "刁镇"][index],
            consent=True,
        )
        try:
            services.book_slot(data)
        except services.HotlineError as exc:
            log.info("demo booking skipped: %s", exc.message)
