"""Hotline case management: cases, their timeline, append-only notes, follow-ups and the access log.

Personal data (phone, description, note and follow-up texts) is stored with ``EncryptedText``; the
nickname is shown in lists and stays plain. Cases opened from a booking read the resident's details
from the booking (one copy of the personal data); phone-in cases hold their own.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.extensions import db
from app.hotline.booking.models import TopicModeLabels, UTCDateTime
from app.hotline.privacy import EncryptedText, mask_phone
from app.web.errors import DomainError
from app.web.time import utcnow

# Status workflow: 待受理 → 跟进中 → 调解中 → 已结案 / 已转介 (a closed case can be reopened).
NEW, FOLLOWING, MEDIATING, CLOSED, REFERRED = "待受理", "跟进中", "调解中", "已结案", "已转介"
STATUSES = (NEW, FOLLOWING, MEDIATING, CLOSED, REFERRED)
DONE_STATUSES = (CLOSED, REFERRED)
OPEN_STATUSES = (NEW, FOLLOWING, MEDIATING)
TRANSITIONS = {
    NEW: (FOLLOWING, MEDIATING, CLOSED, REFERRED),
    FOLLOWING: (MEDIATING, CLOSED, REFERRED),
    MEDIATING: (FOLLOWING, CLOSED, REFERRED),
    CLOSED: (FOLLOWING,),
    REFERRED: (FOLLOWING,),
}
OUTCOME_SUCCESS, OUTCOME_PARTIAL, OUTCOME_FAILED, OUTCOME_REFERRED = "调解成功", "部分成功", "未成功", "转介"
CLOSING_OUTCOMES = (OUTCOME_SUCCESS, OUTCOME_PARTIAL, OUTCOME_FAILED)
OUTCOMES = (*CLOSING_OUTCOMES, OUTCOME_REFERRED)

PRIORITY_NORMAL, PRIORITY_HIGH, PRIORITY_URGENT = "普通", "较急", "紧急"
PRIORITIES = (PRIORITY_NORMAL, PRIORITY_HIGH, PRIORITY_URGENT)
PRIORITY_RANK = {PRIORITY_URGENT: 0, PRIORITY_HIGH: 1, PRIORITY_NORMAL: 2}

# Call attempts: a "contact" result counts as the first contact for the statistics.
CALL_CONNECTED, CALL_MISSED, CALL_MESSAGE, CALL_VISIT = "已接通", "未接通", "已留言", "到场面谈"
CALL_RESULTS = (CALL_CONNECTED, CALL_MISSED, CALL_MESSAGE, CALL_VISIT)
CONTACT_RESULTS = (CALL_CONNECTED, CALL_VISIT)

SOURCE_BOOKING, SOURCE_PHONE_IN, SOURCE_WAITLIST = "booking", "phone_in", "waitlist"
SOURCES = {SOURCE_BOOKING: "网上预约", SOURCE_PHONE_IN: "来电", SOURCE_WAITLIST: "预约候补"}

FOLLOW_UP_VISIT, FOLLOW_UP_REMINDER = "回访", "提醒来电"


class CaseError(DomainError):
    """A case rule said no: a Chinese message for the counselor (422), maybe naming a form field."""


class CaseCounter(db.Model):
    """Per-year case number sequence (incremented with one UPDATE inside the opening transaction)."""

    __tablename__ = "hotline_case_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Case(TopicModeLabels, db.Model):
    __tablename__ = "hotline_cases"
    __table_args__ = (
        UniqueConstraint("year", "sequence"),
        Index("ix_hotline_cases_status_priority", "status", "priority"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(12), unique=True)  # "2026-0057"
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(12), default=SOURCE_PHONE_IN)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("hotline_bookings.id"), unique=True)
    topic: Mapped[str] = mapped_column(String(20))
    mode: Mapped[str] = mapped_column(String(10))
    town: Mapped[str | None] = mapped_column(String(20))
    # Phone-in cases only (booking cases read these from the booking).
    nickname: Mapped[str | None] = mapped_column(EncryptedText)
    phone: Mapped[str | None] = mapped_column(EncryptedText)
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    description: Mapped[str | None] = mapped_column(EncryptedText)
    # An anonymous family number shared by cases with the same phone; survives the purge, so
    # "families served" stays countable after phone hashes are erased.
    family_id: Mapped[int | None] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(8), default=NEW)
    outcome: Mapped[str | None] = mapped_column(String(8))
    priority: Mapped[str] = mapped_column(String(4), default=PRIORITY_NORMAL)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # When the case is due to be handled: the booked slot's start, or when the call came in.
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    first_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    booking = relationship("Booking", lazy="joined")
    assignee: Mapped[User | None] = relationship(lazy="joined")
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case",
        order_by="CaseEvent.at.desc(), CaseEvent.id.desc()",
        cascade="all, delete-orphan",
    )
    notes: Mapped[list[CaseNote]] = relationship(
        back_populates="case", order_by="CaseNote.id", cascade="all, delete-orphan"
    )
    follow_ups: Mapped[list[FollowUp]] = relationship(
        back_populates="case", order_by="FollowUp.due_on, FollowUp.id", cascade="all, delete-orphan"
    )

    # --- the resident, wherever the details live -------------------------------------------------
    @property
    def resident_nickname(self) -> str:
        value = self.booking.nickname if self.booking is not None else self.nickname
        return value or ("（已清除）" if self.purged_at else "（未留称呼）")

    @property
    def resident_phone(self) -> str | None:
        return self.booking.phone if self.booking is not None else self.phone

    @property
    def resident_description(self) -> str | None:
        return self.booking.description if self.booking is not None else self.description

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.resident_phone) or "—"

    @property
    def booking_state_label(self) -> str:
        """The booking's real state as the counselor needs it (not a bare 已预约 once things moved on)."""
        booking = self.booking
        if booking is None:
            return ""
        if booking.status != "booked":
            return booking.status_label
        if booking.slot.start_at <= utcnow():
            return "预约时间已过，尚未记录接通或未到"
        if not self.is_open:
            return f"{booking.status_label}（预约仍有效，个案{self.status}）"
        return booking.status_label

    # --- state ------------------------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_urgent(self) -> bool:
        return self.priority == PRIORITY_URGENT

    def allowed_statuses(self) -> tuple[str, ...]:
        """Statuses this case may move to next."""
        if self.purged_at is not None:
            return ()
        return TRANSITIONS[self.status]

    def change_status(self, new_status: str, outcome: str | None, now: datetime) -> None:
        """Move to ``new_status``; closing needs an outcome, referring sets it, reopening clears it."""
        if new_status not in STATUSES:
            raise CaseError("请选择有效的状态。", "status")
        if new_status == self.status:
            raise CaseError(f"个案已经是“{new_status}”状态。", "status")
        if new_status not in self.allowed_statuses():
            raise CaseError(f"不能从“{self.status}”改为“{new_status}”。", "status")
        if new_status == CLOSED:
            if outcome not in CLOSING_OUTCOMES:
                raise CaseError("结案时请选择结果（调解成功、部分成功或未成功）。", "outcome")
            self.outcome = outcome
            self.closed_at = now
        elif new_status == REFERRED:
            self.outcome = OUTCOME_REFERRED
            self.closed_at = now
        else:
            self.outcome = None
            self.closed_at = None
        self.status = new_status

    # --- access predicates ------------------------------------------------------------------------
    @staticmethod
    def can_view(user) -> bool:
        """Only counselors see cases; admins, editors and archivists never read personal data."""
        return bool(user and user.is_authenticated and user.has_role("counselor"))


class CaseEvent(db.Model):
    """One line of a case's timeline. ``detail`` never holds personal data (no phone, no note text)."""

    __tablename__ = "hotline_case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("hotline_cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(String(200), default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship(lazy="joined")

    LABELS = {
        "created": "建档",
        "assigned": "分派",
        "call": "联系",
        "status": "状态变更",
        "priority": "优先级",
        "rescheduled": "改约",
        "cancelled": "居民取消预约",
        "no_show": "未到/未接",
        "note": "记录",
        "note_edited": "修改记录",
        "follow_up": "回访",
        "purged": "个人信息已清除",
    }

    @property
    def label(self) -> str:
        return self.LABELS.get(self.kind, self.kind)


class CaseNote(db.Model):
    """A version of a note. Rows are never edited: an edit appends version n+1 of the same thread."""

    __tablename__ = "hotline_case_notes"
    __table_args__ = (UniqueConstraint("thread_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("hotline_cases.id", ondelete="CASCADE"), index=True)
    thread_id: Mapped[int | None] = mapped_column(Integer, index=True)  # id of version 1
    version: Mapped[int] = mapped_column(Integer, default=1)
    body: Mapped[str | None] = mapped_column(EncryptedText)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="notes")
    author: Mapped[User | None] = relationship(lazy="joined")

    def can_edit(self, user) -> bool:
        """Only the note's author edits it; other counselors add a note of their own."""
        return bool(user is not None and self.author_id is not None and self.author_id == user.id)


class FollowUp(db.Model):
    """A task with a due date: a 回访 visit/call, or the reminder call after a no-show."""

    __tablename__ = "hotline_follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("hotline_cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8), default=FOLLOW_UP_VISIT)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    purpose: Mapped[str | None] = mapped_column(EncryptedText)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    case: Mapped[Case] = relationship(back_populates="follow_ups")

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class AccessLog(db.Model):
    """Who read which case's personal data, when. Kept after the purge (it holds no personal data)."""

    __tablename__ = "hotline_access_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("hotline_cases.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    user: Mapped[User | None] = relationship(lazy="joined")
    case: Mapped[Case | None] = relationship(lazy="joined")

    ACTIONS = {
        "view": "查看个案（含完整电话）",
        "view_fragment": "查看个案记录",
        "search_phone": "按手机号查找个案",
        "export": "导出统计",
        "list_today": "查看今日列表",
        "list_cases": "查看个案列表",
        "call_list": "查看改期来电名单（含完整电话）",
    }

    @property
    def label(self) -> str:
        return self.ACTIONS.get(self.action, self.action)
