"""Scheduled jobs: one entry point per job, runs recorded, missed schedules reported, double runs skipped."""

from datetime import timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.hotline.booking.models import Slot
from app.ops import jobs
from app.ops.locks import job_lock
from app.ops.models import JobRun
from app.web.time import utcnow


def _record(name, result="ok", hours_ago=0.0):
    started = utcnow() - timedelta(hours=hours_ago)
    run = JobRun(name=name, result=result, started_at=started, finished_at=started + timedelta(seconds=3))
    db.session.add(run)
    db.session.commit()
    return run


def test_jobs_run_records_the_run_and_does_the_work(app, runner, create_rule):
    """`flask jobs run slots` materialises slots and records start, end and result; status shows them."""
    create_rule(weekday=(utcnow().weekday() + 3) % 7)
    result = runner.invoke(args=["jobs", "run", "slots"])
    assert result.exit_code == 0, result.output
    assert "slots: ok:" in result.output
    assert db.session.scalar(select(Slot.id).limit(1)) is not None
    run = db.session.scalars(select(JobRun)).one()
    assert run.result == "ok" and run.finished_at is not None and "created" in run.message
    status = runner.invoke(args=["jobs", "status"])
    assert status.exit_code == 0, status.output
    slots_line = next(line for line in status.output.splitlines() if line.startswith("slots"))
    assert " ok " in slots_line and "MISSED" not in status.output


def test_every_job_runs_from_the_cli(app, runner):
    """purge and release run through the same entry point (the systemd services call exactly this)."""
    for name in ("purge", "release"):
        result = runner.invoke(args=["jobs", "run", name])
        assert result.exit_code == 0 and f"{name}: ok:" in result.output, result.output
    assert runner.invoke(args=["jobs", "run", "nope"]).exit_code == 2


def test_a_failing_job_is_recorded_and_exits_1(app, runner, monkeypatch):
    """A job that raises is recorded as failed with the error, and the command exits 1 (systemd sees it)."""

    def broken():
        raise RuntimeError("disk full")

    monkeypatch.setitem(
        jobs.JOBS, "purge", jobs.Job("purge", "清除", broken, timedelta(days=1), timedelta(hours=26))
    )
    result = runner.invoke(args=["jobs", "run", "purge"])
    assert result.exit_code == 1
    run = db.session.scalars(select(JobRun)).one()
    assert run.result == "failed" and "disk full" in run.message


def test_missed_schedule_is_degraded_in_healthz_and_console(app, client, login_as):
    """Slots last materialised 27 h ago: /healthz says degraded naming the job; the console shows it."""
    _record("slots", hours_ago=27)
    _record("purge", hours_ago=1)
    _record("release", hours_ago=0.1)
    _record("waitlist", hours_ago=0.1)
    body = client.get("/healthz").json
    assert body["status"] == "degraded" and body["failing"] == ["jobs"]
    assert list(body["checks"]["jobs"]["missed"]) == ["slots"]
    login_as("admin")
    page = client.get("/console/ops/jobs").get_data(as_text=True)
    assert "1 个定时任务未按计划运行" in page and "生成热线预约时段" in page


def test_fresh_install_is_not_degraded_but_a_job_that_never_ran_is_later(app, client, make_user):
    """Before any run a new site is ok; once the first account is older than max_age, never-run jobs are missed."""
    user = make_user()
    assert client.get("/healthz").json["status"] == "ok"
    user.created_at = utcnow() - timedelta(days=2)
    db.session.commit()
    missed = client.get("/healthz").json["checks"]["jobs"]["missed"]
    assert set(missed) == set(jobs.JOBS)
    assert db.session.get(User, user.id) is not None


def test_a_second_run_while_the_first_holds_the_lock_is_skipped(app, runner, monkeypatch):
    """Two runs at once: the one that finds the lock held does nothing and records 'skipped'."""
    calls = []
    monkeypatch.setitem(
        jobs.JOBS,
        "release",
        jobs.Job(
            "release", "发布", lambda: calls.append(1) or "x", timedelta(minutes=10), timedelta(hours=1)
        ),
    )
    with job_lock("release") as got:
        assert got
        with job_lock("release") as second:
            assert not second  # the lock really excludes a second holder
        result = runner.invoke(args=["jobs", "run", "release"])
    assert result.exit_code == 0 and "skipped" in result.output
    assert calls == []
    assert runner.invoke(args=["jobs", "run", "release"]).exit_code == 0
    assert calls == [1]
    assert [r.result for r in db.session.scalars(select(JobRun).order_by(JobRun.id))] == ["skipped", "ok"]


def test_console_page_is_for_admins_only(client, login_as):
    """Only admins see the job status page and its console tile."""
    login_as("counselor")
    assert client.get("/console/ops/jobs").status_code == 403
    assert "定时任务" not in client.get("/console/").get_data(as_text=True)
