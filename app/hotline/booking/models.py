"""Hotline booking models: weekly rules, closures, make-up workdays, slots, bookings, settings.

Times: every ``*_at`` is a timezone-aware UTC datetime (``UTCDateTime`` also makes SQLite return aware
values); wall-clock times shown to people are China time (``CHINA_TZ``).
"""

import secrets
import unicodedata
from datetime import UTC, date, datetime, time

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from app.extensions import db
from app.hotline.booking.errors import BookingStateError
from app.hotline.privacy import EncryptedText, mask_phone
from app.web.time import CHINA_TZ, WEEKDAYS, utcnow

TOPICS = {
    "premarital": "婚前辅导",
    "marriage": "婚姻关系调适",
    "cooling_off": "离婚冷静期调解",
    "family_dispute": "家庭矛盾纠纷",
    "generations": "亲子与隔代关系",
    "other": "其他",
}
MODES = {"phone": "电话回访", "visit": "到场面谈"}
STATUSES = {"booked": "已预约", "cancelled": "已取消", "completed": "已完成", "no_show": "未到/未接通"}
TOWNS = [
    "明水街道", "双山街道", "枣园街道", "龙山街道", "埠村街道", "圣井街道", "普集街道", "绣惠街道",
    "相公庄街道", "文祖街道", "官庄街道", "高官寨街道", "白云湖街道", "宁家埠街道", "曹范街道",
    "黄河街道", "刁镇", "垛庄镇",
]  # fmt: skip
CONSENT_VERSION = "2026-1"
# Readable aloud: no 0/O, no 1/I.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


class UTCDateTime(TypeDecorator):
    """``DateTime(timezone=True)`` that always returns aware UTC datetimes (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        if value is not None and dialect.name == "sqlite":
            return value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def new_reference() -> str:
    """An unguessable 8-character reference (40 bits), shown as ABCD-EFGH."""
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def clean_reference(raw: str | None) -> str:
    """Normalise a typed reference: upper case, without spaces or dashes (full-width letters allowed)."""
    text = unicodedata.normalize("NFKC", raw or "").upper()
    return "".join(ch for ch in text if ch.isascii() and ch.isalnum())[:16]


def format_reference(reference: str) -> str:
    return f"{reference[:4]}-{reference[4:]}" if len(reference) == 8 else reference


class TopicModeLabels:
    """``topic_label`` and ``mode_label`` for a model with ``topic`` and ``mode`` codes (bookings, cases)."""

    @property
    def topic_label(self) -> str:
        return TOPICS.get(self.topic, self.topic)

    @property
    def mode_label(self) -> str:
        return MODES.get(self.mode, self.mode)


class ResidentReference:
    """``reference_display`` and ``masked_phone`` for what a resident looks up by reference + phone
    (bookings, waitlist entries)."""

    @property
    def reference_display(self) -> str:
        return format_reference(self.reference)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class AvailabilityRule(db.Model):
    """A weekly opening: on ``weekday`` from ``start_time`` to ``end_time``, slots of ``slot_minutes``."""

    __tablename__ = "hotline_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    slot_minutes: Mapped[int] = mapped_column(Integer, default=30)
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    mode: Mapped[str] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def weekday_label(self) -> str:
        return WEEKDAYS[self.weekday]

    @property
    def mode_label(self) -> str:
        return MODES.get(self.mode, self.mode)


class Closure(db.Model):
    """A day without any slots (public holiday or a manual closure)."""

    __tablename__ = "hotline_closures"

    id: Mapped[int] = mapped_column(primary_key=True)
    closed_on: Mapped[date] = mapped_column(Date, unique=True)
    reason: Mapped[str] = mapped_column(String(100), default="")
    source: Mapped[str] = mapped_column(String(10), default="manual")  # holiday | manual
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ExtraWorkday(db.Model):
    """A 调休 make-up workday (usually a weekend day) that follows the rules of ``use_weekday``."""

    __tablename__ = "hotline_extra_workdays"

    id: Mapped[int] = mapped_column(primary_key=True)
    work_on: Mapped[date] = mapped_column(Date, unique=True)
    use_weekday: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str] = mapped_column(String(100), default="")
    source: Mapped[str] = mapped_column(String(10), default="manual")  # holiday | manual
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Slot(db.Model):
    """A bookable time; ``booked`` only changes through conditional UPDATEs (see services)."""

    __tablename__ = "hotline_slots"
    __table_args__ = (UniqueConstraint("start_at", "mode", name="uq_hotline_slots_start_at_mode"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    start_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    mode: Mapped[str] = mapped_column(String(10))
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    booked: Mapped[int] = mapped_column(Integer, default=0)
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("hotline_rules.id", ondelete="SET NULL"))

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.booked)

    @property
    def local_start(self) -> datetime:
        return self.start_at.astimezone(CHINA_TZ)

    @property
    def local_end(self) -> datetime:
        return self.end_at.astimezone(CHINA_TZ)

    @property
    def label(self) -> str:
        """e.g. 12月3日 星期四 09:00–09:30."""
        start, end = self.local_start, self.local_end
        return f"{start.month}月{start.day}日 {WEEKDAYS[start.weekday()]} {start:%H:%M}–{end:%H:%M}"

    @property
    def mode_label(self) -> str:
        return MODES.get(self.mode, self.mode)


class Booking(TopicModeLabels, ResidentReference, db.Model):
    """A resident's booking. Personal fields are encrypted at rest; the phone is found by keyed hash."""

    __tablename__ = "hotline_bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True, default=new_reference)
    slot_id: Mapped[int] = mapped_column(ForeignKey("hotline_slots.id"), index=True)
    topic: Mapped[str] = mapped_column(String(20))
    mode: Mapped[str] = mapped_column(String(10))
    nickname: Mapped[str | None] = mapped_column(EncryptedText)
    phone: Mapped[str | None] = mapped_column(EncryptedText)
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    # Equals phone_hash while the booking is active, NULL otherwise: a unique index makes
    # "one active booking per phone" hold even under concurrent requests.
    active_phone_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    description: Mapped[str | None] = mapped_column(EncryptedText)
    safe_call_times: Mapped[str | None] = mapped_column(EncryptedText)
    may_leave_message: Mapped[bool] = mapped_column(Boolean, default=False)
    town: Mapped[str | None] = mapped_column(String(10))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consent_version: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12), default="booked", index=True)
    form_token: Mapped[str | None] = mapped_column(String(64), unique=True)  # one-time form: no replays
    reschedule_count: Mapped[int] = mapped_column(Integer, default=0)
    # Set when its day was closed after booking: the resident is asked to move, a counselor calls.
    needs_move: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    slot: Mapped[Slot] = relationship(lazy="joined")

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)

    @property
    def is_active(self) -> bool:
        return self.status == "booked"

    def can_change(self, now: datetime | None = None) -> bool:
        """A resident may cancel or move a booking that is active and has not started yet."""
        return self.is_active and self.slot.start_at > (now or utcnow())

    def _require_active(self) -> None:
        if self.status != "booked":
            raise BookingStateError(f"这个预约当前状态为「{self.status_label}」，不能再修改。")

    def cancel(self) -> None:
        """Cancel and give the place back (atomic ``booked - 1`` in SQL, never below zero)."""
        self._require_active()
        self.status = "cancelled"
        self.cancelled_at = utcnow()
        self.active_phone_hash = None
        self.slot.booked = Slot.booked - 1

    def move_to(self, slot: Slot) -> None:
        """Move to ``slot``. The caller has already reserved a place there (``services.reserve_place``)."""
        self._require_active()
        if slot.mode != self.mode:
            raise BookingStateError("只能改到同一种方式的时间。")
        self.slot.booked = Slot.booked - 1
        self.slot = slot
        self.reschedule_count += 1
        self.needs_move = False

    def ask_to_move(self) -> bool:
        """Its day was closed: flag it for a move (True when newly flagged; only active bookings)."""
        if self.status != "booked" or self.needs_move:
            return False
        self.needs_move = True
        return True

    def mark_no_show(self) -> None:
        """The resident did not come or could not be reached (not a ban: a reminder call follows)."""
        self._require_active()
        self.status = "no_show"
        self.active_phone_hash = None

    def complete(self) -> None:
        """The call or visit took place."""
        self._require_active()
        self.status = "completed"
        self.completed_at = utcnow()
        self.active_phone_hash = None


WAITLIST_STATUSES = {
    "waiting": "候补中",
    "offered": "有空位，等您确认",
    "booked": "已预约",
    "expired": "已过期",
    "cancelled": "已退出候补",
    "day_closed": "这一天暂停服务，候补已结束",
}


class WaitlistEntry(TopicModeLabels, ResidentReference, db.Model):
    """A resident waiting for a place on ``wanted_on`` (local day) in ``mode``; first come, first offered.

    An offer holds one place of ``offered_slot`` (counted in ``Slot.booked``) until ``offer_expires_at``;
    then the place passes to the next person waiting. Personal fields are encrypted like a booking's.
    """

    __tablename__ = "hotline_waitlist"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True, default=new_reference)
    wanted_on: Mapped[date] = mapped_column(Date, index=True)
    mode: Mapped[str] = mapped_column(String(10))
    topic: Mapped[str] = mapped_column(String(20))
    nickname: Mapped[str | None] = mapped_column(EncryptedText)
    phone: Mapped[str | None] = mapped_column(EncryptedText)
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    # "<phone hash>:<day>:<mode>" while waiting or offered, NULL otherwise: one place in line per person.
    active_key: Mapped[str | None] = mapped_column(String(90), unique=True)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consent_version: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12), default="waiting", index=True)
    offered_slot_id: Mapped[int | None] = mapped_column(ForeignKey("hotline_slots.id", ondelete="SET NULL"))
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("hotline_bookings.id", ondelete="SET NULL"))
    # The case opened for the counselor's reminder call when an offer is made (set by case management).
    case_id: Mapped[int | None] = mapped_column(ForeignKey("hotline_cases.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    offered_slot: Mapped[Slot | None] = relationship(lazy="joined")

    @property
    def status_label(self) -> str:
        return WAITLIST_STATUSES.get(self.status, self.status)

    @property
    def is_active(self) -> bool:
        return self.status in ("waiting", "offered")

    def offer_open(self, now: datetime | None = None) -> bool:
        """An offer the resident can still accept."""
        return (
            self.status == "offered"
            and self.offer_expires_at is not None
            and self.offer_expires_at > (now or utcnow())
        )


class HotlineSetting(db.Model):
    """Editable settings (key/value text) that override config defaults, e.g. urgent keywords."""

    __tablename__ = "hotline_settings"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
