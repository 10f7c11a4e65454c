"""Operations records: one row per scheduled-job run, and the lock rows that serialise runs on SQLite."""

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.web.time import utcnow

RESULTS = {"running": "运行中", "ok": "成功", "failed": "失败", "skipped": "已跳过（另一次运行持有锁）"}


class JobRun(db.Model):
    """A run of a scheduled job (``flask jobs run NAME``): when, where, and how it ended."""

    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(40), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    result: Mapped[str] = mapped_column(String(10), default="running")
    # A one-line summary printed by the job (counts only: jobs never print personal data).
    message: Mapped[str | None] = mapped_column(Text)
    host: Mapped[str | None] = mapped_column(String(100))
    pid: Mapped[int | None] = mapped_column(Integer)


class JobLock(db.Model):
    """A held job lock on SQLite (PostgreSQL uses an advisory lock instead); stale after ``expires_at``."""

    __tablename__ = "job_locks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(120))
    acquired_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
