"""Public holidays and 调休 make-up workdays from ``chinese-calendar``, pre-filled into the schedule."""

from datetime import date, timedelta

import chinese_calendar
from sqlalchemy import select

from app.extensions import db
from app.hotline import signals
from app.hotline.booking import calendar
from app.hotline.booking.errors import ScheduleError
from app.hotline.booking.models import Closure, ExtraWorkday

HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def prefill_holidays(year: int) -> tuple[int, int]:
    """Add the year's public holidays (closures) and 调休 workdays from ``chinese-calendar``.

    Days already present (perhaps edited by hand) are left alone; bookings on a new holiday are flagged to
    move and its waitlist ends, as for any closure. Returns (closures, workdays) added.
    """
    start, end = date(year, 1, 1), date(year, 12, 31)
    try:
        chinese_calendar.get_holiday_detail(start)
        chinese_calendar.get_holiday_detail(end)
    except NotImplementedError:
        raise ScheduleError(
            f"{year} 年的放假安排还没有收录（国务院通知发布后更新软件包），请手动添加。"
        ) from None
    closed = set(db.session.scalars(select(Closure.closed_on).where(Closure.closed_on.between(start, end))))
    extra = set(
        db.session.scalars(select(ExtraWorkday.work_on).where(ExtraWorkday.work_on.between(start, end)))
    )
    added_closures = added_workdays = 0
    closed_now: list[date] = []
    day = start
    while day <= end:
        is_holiday, name = chinese_calendar.get_holiday_detail(day)
        if day not in closed and day not in extra:
            if is_holiday and name:
                label = HOLIDAY_NAMES.get(str(name), str(name))
                db.session.add(Closure(closed_on=day, reason=f"{label}放假", source="holiday"))
                calendar.ask_to_move(day, f"{label}放假")
                closed_now.append(day)
                added_closures += 1
            elif not is_holiday and day.weekday() >= 5:
                label = HOLIDAY_NAMES.get(str(name), "") if name else ""
                reason = f"{label}调休上班" if label else "调休上班"
                db.session.add(ExtraWorkday(work_on=day, use_weekday=0, reason=reason, source="holiday"))
                added_workdays += 1
        day += timedelta(days=1)
    db.session.commit()
    for closed_day in closed_now:
        signals.day_closed.send(None, day=closed_day)
    return added_closures, added_workdays
