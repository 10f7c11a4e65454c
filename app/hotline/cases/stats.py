"""Anonymous hotline statistics: counts by month, topic, mode, outcome and 镇街, families served,
no-show rate and time to first contact; counts of 1–4 are shown as "<5" everywhere (page and CSV).

Everything here reads only fields that survive the retention purge (topic, mode, outcome, town, dates,
status and the anonymous ``family_id``), so the figures do not change when personal data is purged.
"""

from __future__ import annotations

import csv
import io
import math
import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import select

from app.extensions import db
from app.hotline.booking.models import MODES, TOPICS, Booking, Slot
from app.hotline.cases.models import DONE_STATUSES, OUTCOMES, SOURCE_BOOKING, STATUSES, Case
from app.web.time import CHINA_TZ, utcnow

SMALL = 5  # counts from 1 to SMALL-1 are suppressed
CSV_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def shown(count: int) -> str:
    """A count as published: "<5" for 1–4 (small numbers could identify a family), else the number."""
    return f"<{SMALL}" if 0 < count < SMALL else str(count)


def csv_cell(value) -> str:
    """A CSV cell that spreadsheet programs will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(CSV_DANGEROUS) else text


@dataclass
class Series:
    key: str
    title: str
    items: list[tuple[str, int]]
    note: str = ""

    @property
    def total(self) -> int:
        return sum(count for _, count in self.items)


@dataclass
class Stats:
    start: date
    end: date  # exclusive (first day after the period)
    total_cases: int = 0
    closed_cases: int = 0
    families_served: int = 0
    bookings_due: int = 0
    no_shows: int = 0
    first_contact_hours: float | None = None
    first_contact_sample: int = 0
    series: list[Series] = field(default_factory=list)

    @property
    def no_show_rate(self) -> str:
        """The no-show percentage; 1–4 no-shows are published as a bound ("<13%" for fewer than 5 of 40),
        a rate still, from which the small count cannot be read back; fewer than 5 bookings: 样本不足."""
        if self.bookings_due < SMALL:
            return "样本不足"
        if 0 < self.no_shows < SMALL:
            return f"<{math.ceil(100 * SMALL / self.bookings_due)}%"
        return f"{round(100 * self.no_shows / self.bookings_due)}%"

    @property
    def first_contact_label(self) -> str:
        if self.first_contact_sample < SMALL or self.first_contact_hours is None:
            return "样本不足"
        hours = self.first_contact_hours
        return f"{hours:.1f} 小时" if hours < 48 else f"{hours / 24:.1f} 天"

    @property
    def last_day(self) -> date:
        return date.fromordinal(self.end.toordinal() - 1)


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def default_period(today: date | None = None) -> tuple[date, date]:
    """The last six months including the current one: (first day, first day after)."""
    today = today or utcnow().astimezone(CHINA_TZ).date()
    end = add_months(month_start(today), 1)
    return add_months(end, -6), end


def month_choices(
    chosen: tuple[str, ...] = (), today: date | None = None, months: int = 36
) -> list[tuple[str, str]]:
    """Months for the period pickers, newest first, as ("2026-11", "2026年11月"): a server-rendered list,
    so the names are Chinese whatever the browser's locale (``<input type="month">`` is not)."""
    today = today or utcnow().astimezone(CHINA_TZ).date()
    first = month_start(today)
    days = {add_months(first, -i) for i in range(months)}
    for value in chosen:
        try:
            days.add(date.fromisoformat(value + "-01"))
        except ValueError:
            continue
    return [(f"{d:%Y-%m}", f"{d.year}年{d.month}月") for d in sorted(days, reverse=True)]


def _utc(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=CHINA_TZ)


def compute_stats(start: date, end: date) -> Stats:
    """Compute the statistics for cases opened in [start, end) (local dates)."""
    rows = db.session.execute(
        select(
            Case.created_at,
            Case.topic,
            Case.mode,
            Case.town,
            Case.status,
            Case.outcome,
            Case.family_id,
            Case.source,
            Case.first_contact_at,
        ).where(Case.created_at >= _utc(start), Case.created_at < _utc(end))
    ).all()
    stats = Stats(start=start, end=end, total_cases=len(rows))

    months: dict[date, int] = {}
    cursor = start
    while cursor < end:
        months[cursor] = 0
        cursor = add_months(cursor, 1)
    topics = dict.fromkeys(TOPICS, 0)
    modes = dict.fromkeys(MODES, 0)
    outcomes = dict.fromkeys(OUTCOMES, 0)
    status_counts = dict.fromkeys(STATUSES, 0)
    towns: dict[str, int] = {}
    families: set[int] = set()
    waits: list[float] = []
    for row in rows:
        local = row.created_at.astimezone(CHINA_TZ).date()
        months[month_start(local)] = months.get(month_start(local), 0) + 1
        topics[row.topic] = topics.get(row.topic, 0) + 1
        modes[row.mode] = modes.get(row.mode, 0) + 1
        status_counts[row.status] = status_counts.get(row.status, 0) + 1
        town = row.town or "未填写"
        towns[town] = towns.get(town, 0) + 1
        if row.status in DONE_STATUSES:
            stats.closed_cases += 1
            if row.outcome:
                outcomes[row.outcome] = outcomes.get(row.outcome, 0) + 1
            if row.family_id is not None:
                families.add(row.family_id)
        if row.source == SOURCE_BOOKING and row.first_contact_at is not None:
            waits.append((row.first_contact_at - row.created_at).total_seconds() / 3600)
    stats.families_served = len(families)
    stats.first_contact_sample = len(waits)
    stats.first_contact_hours = statistics.median(waits) if waits else None

    now = utcnow()
    booking_rows = db.session.execute(
        select(Booking.status)
        .join(Slot, Booking.slot_id == Slot.id)
        .where(Slot.start_at >= _utc(start), Slot.start_at < min(_utc(end), now))
        .where(Booking.status.in_(("completed", "no_show")))
    ).all()
    stats.bookings_due = len(booking_rows)
    stats.no_shows = sum(1 for (status,) in booking_rows if status == "no_show")

    sorted_towns = sorted(towns.items(), key=lambda item: (item[0] == "未填写", -item[1], item[0]))
    stats.series = [
        Series("month", "每月个案数", [(f"{m.month}月", n) for m, n in months.items()]),
        Series("topic", "按咨询类别", [(TOPICS.get(k, k), n) for k, n in topics.items()]),
        Series("mode", "按服务方式", [(MODES.get(k, k), n) for k, n in modes.items()]),
        Series("outcome", "按结案结果", list(outcomes.items()), "只计已结案、已转介的个案"),
        Series("town", "按镇街", sorted_towns),
        Series("status", "按当前状态", list(status_counts.items())),
    ]
    return stats


def stats_csv(stats: Stats) -> str:
    """The statistics as CSV (UTF-8 with BOM for Excel), small counts suppressed, formulas neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["指标", "分类", "数值"])
    period = f"{stats.start.isoformat()} 至 {stats.last_day.isoformat()}"
    writer.writerow(["统计期间", "", period])
    writer.writerow(["个案总数", "", shown(stats.total_cases)])
    writer.writerow(["已结案（含转介）", "", shown(stats.closed_cases)])
    writer.writerow(["服务家庭数", "", shown(stats.families_served)])
    writer.writerow(["未到率", "", stats.no_show_rate])
    writer.writerow(["首次联系用时中位数（网上预约）", "", stats.first_contact_label])
    for series in stats.series:
        for label, count in series.items:
            writer.writerow([csv_cell(series.title), csv_cell(label), shown(count)])
    return "\ufeff" + out.getvalue()
