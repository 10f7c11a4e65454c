"""Scheduled jobs: one entry point per job (``flask jobs run NAME``), each run recorded in the database.

systemd timers (deploy/systemd/) start the jobs; ``/healthz`` and the admin console report a job whose
last success is older than its ``max_age`` ("missed"), so a timer that stopped firing gets noticed.
"""

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from app.accounts.models import User
from app.extensions import db
from app.hotline.booking.calendar import materialize_slots
from app.hotline.booking.offers import expire_offers
from app.hotline.cases.purge import purge_personal_data
from app.ops.locks import job_lock
from app.ops.models import JobRun
from app.policies.services import release_due_articles
from app.search.outbox import prune
from app.web.time import as_utc, utcnow

log = logging.getLogger(__name__)


def _slots() -> str:
    report = materialize_slots()
    return f"{report.created} created, {report.updated} updated, {report.removed} removed"


def _purge() -> str:
    return "; ".join(purge_personal_data().lines())


def _release() -> str:
    return f"released {release_due_articles(force=True)} scheduled article(s) to search"


def _waitlist() -> str:
    return f"{expire_offers()} lapsed waitlist offer(s) passed on"


def _outbox() -> str:
    return f"deleted {prune(current_app._get_current_object())} search outbox entries past retention"


@dataclass(frozen=True)
class Job:
    name: str
    label: str  # shown in the console (Chinese)
    run: Callable[[], str]  # does the work, returns a one-line summary (counts only)
    every: timedelta  # how often the timer starts it (deploy/systemd/zq-job-NAME.timer)
    max_age: timedelta  # a last success older than this means the job missed its schedule


JOBS: dict[str, Job] = {
    job.name: job
    for job in (
        Job("slots", "生成热线预约时段", _slots, timedelta(days=1), timedelta(hours=26)),
        Job("purge", "热线个人信息到期清除", _purge, timedelta(days=1), timedelta(hours=26)),
        Job("release", "定时发布政策进入检索", _release, timedelta(minutes=10), timedelta(hours=1)),
        Job("waitlist", "热线候补空位到期转给下一位", _waitlist, timedelta(minutes=10), timedelta(hours=1)),
        Job("outbox", "清理搜索变更记录", _outbox, timedelta(days=1), timedelta(hours=26)),
    )
}


class UnknownJob(LookupError):
    """No job by that name."""


def run_job(name: str) -> JobRun:
    """Run job ``name`` once under its lock and record the run; a run that finds the lock held is skipped."""
    job = JOBS.get(name)
    if job is None:
        raise UnknownJob(f"unknown job {name!r}; jobs: {', '.join(JOBS)}")
    with job_lock(name) as got:
        run = JobRun(name=name, host=socket.gethostname()[:100], pid=os.getpid())
        if not got:
            run.result, run.finished_at = "skipped", utcnow()
            run.message = "another run holds the lock"
            db.session.add(run)
            db.session.commit()
            log.info("job %s skipped: another run holds the lock", name)
            return run
        db.session.add(run)
        db.session.commit()
        run_id = run.id
        try:
            message = job.run()
        except Exception as exc:
            db.session.rollback()
            log.exception("job %s failed", name)
            run = db.session.get(JobRun, run_id)
            run.result, run.message = "failed", f"{type(exc).__name__}: {exc}"[:500]
        else:
            run = db.session.get(JobRun, run_id)
            run.result, run.message = "ok", message[:500]
        run.finished_at = utcnow()
        db.session.commit()
        log.info("job %s %s: %s", name, run.result, run.message)
        return run


@dataclass
class JobStatus:
    job: Job
    last: JobRun | None
    last_success_at: datetime | None
    next_due_at: datetime | None
    missed: bool
    reason: str


def _installed_at() -> datetime | None:
    """When the site was set up: the first staff account's creation (a never-run job counts from it)."""
    first = db.session.scalar(select(func.min(User.created_at)))
    return as_utc(first) if first else None


def job_status(job: Job, now: datetime | None = None) -> JobStatus:
    """Last run, last success, next due time and whether ``job`` missed its schedule."""
    now = now or utcnow()
    last = db.session.scalars(
        select(JobRun).where(JobRun.name == job.name).order_by(JobRun.id.desc()).limit(1)
    ).first()
    success = db.session.scalar(
        select(func.max(JobRun.started_at)).where(JobRun.name == job.name, JobRun.result == "ok")
    )
    success = as_utc(success) if success else None
    if success is not None:
        missed = now - success > job.max_age
        reason = f"last success {success:%Y-%m-%d %H:%M} UTC" if missed else ""
        next_due = success + job.every
    else:
        installed = _installed_at()
        missed = installed is not None and now - installed > job.max_age
        reason = "never succeeded" if missed else ""
        next_due = None
    return JobStatus(job, last, success, next_due, missed, reason)


def all_status(now: datetime | None = None) -> list[JobStatus]:
    """The status of every job."""
    return [job_status(job, now) for job in JOBS.values()]


def health() -> dict:
    """The ``jobs`` health check: ``degraded`` naming each job that missed its schedule."""
    missed = {s.job.name: s.reason for s in all_status() if s.missed}
    if missed:
        return {"status": "degraded", "missed": missed}
    return {"status": "ok"}
