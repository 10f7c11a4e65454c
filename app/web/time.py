"""Time in one place: instants are stored in UTC; people see China time (Asia/Shanghai, no DST)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

CHINA_TZ = ZoneInfo("Asia/Shanghai")
WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
# Named display formats for the ``cn_datetime`` filter (glibc's %-m / %-d drop the leading zero).
FORMATS = {
    "full": "%Y-%m-%d %H:%M",
    "seconds": "%Y-%m-%d %H:%M:%S",
    "long": "%Y年%-m月%-d日 %H:%M",
    "short": "%m-%d %H:%M",
    "time": "%H:%M",
    "date": "%Y-%m-%d",
}


def utcnow() -> datetime:
    """Timezone-aware now in UTC (stored as such in every ``*_at`` column)."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """An aware UTC datetime; naive values (as SQLite returns them) are taken as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def to_local(value: datetime) -> datetime:
    """A UTC instant (aware or naive) in China time."""
    return as_utc(value).astimezone(CHINA_TZ)


def local_now(now: datetime | None = None) -> datetime:
    """Now (or ``now``) in China time."""
    return to_local(now or utcnow())


def local_today(now: datetime | None = None) -> date:
    """Today's date in China."""
    return local_now(now).date()


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants where the local ``day`` starts and where the next one starts."""
    start = datetime.combine(day, time(0), tzinfo=CHINA_TZ)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


def cn_datetime(value: datetime | date | None, fmt: str = "full") -> str:
    """Jinja filter: a UTC instant in China time (a plain date as is); ``fmt`` is a FORMATS name or strftime."""
    if value is None:
        return ""
    pattern = FORMATS.get(fmt, fmt)
    if isinstance(value, datetime):
        value = to_local(value)
    return value.strftime(pattern)


def cn_date(value: datetime | date | None, style: str = "long") -> str:
    """Jinja filter: a day in words: ``long`` 2024年3月5日; ``weekday`` 明天 12月1日 星期二."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value).date()
    if style != "weekday":
        return f"{value.year}年{value.month}月{value.day}日"
    ahead = (value - local_today()).days
    prefix = {1: "明天 ", 2: "后天 "}.get(ahead, "")
    return f"{prefix}{value.month}月{value.day}日 {WEEKDAYS[value.weekday()]}"
