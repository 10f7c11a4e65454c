"""``flask jobs run NAME`` / ``flask jobs status`` and ``flask backup create|restore|verify``."""

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from app.ops.backup import BackupError, create_backup, restore_backup, verify_backup
from app.ops.jobs import JOBS, UnknownJob, all_status, run_job
from app.web.time import to_local

jobs_cli = AppGroup("jobs", help="Scheduled jobs (run by systemd timers in production).")
backup_cli = AppGroup("backup", help="Backups: database + uploads + manifest (never the keys).")


def _when(value) -> str:
    return to_local(value).strftime("%Y-%m-%d %H:%M") if value else "-"


@jobs_cli.command("run")
@click.argument("name", type=click.Choice(sorted(JOBS)))
def run_command(name: str):
    """Run one scheduled job now (skipped when another run holds its lock); exit 1 when it fails."""
    try:
        run = run_job(name)
    except UnknownJob as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(f"{name}: {run.result}: {run.message or ''}")
    if run.result == "failed":
        sys.exit(1)


@jobs_cli.command("status")
def status_command():
    """Last start, end and result of each job, when it is next due; exit 1 when one missed its schedule."""
    missed = False
    click.echo(
        f"{'job':<8} {'last start':<16} {'last end':<16} {'result':<8} {'last success':<16} {'next due':<16}"
    )
    for status in all_status():
        last = status.last
        click.echo(
            f"{status.job.name:<8} {_when(last and last.started_at):<16} {_when(last and last.finished_at):<16} "
            f"{(last.result if last else '-'):<8} {_when(status.last_success_at):<16} {_when(status.next_due_at):<16}"
            + (f"  MISSED ({status.reason})" if status.missed else "")
        )
        missed = missed or status.missed
    click.echo("times are China time (Asia/Shanghai)")
    if missed:
        sys.exit(1)


@backup_cli.command("create")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Archive path (.tar.gz)."
)
def create_command(output: Path | None):
    """Write one archive with the database, the uploads and a manifest, then verify it."""
    try:
        path = create_backup(output)
        manifest = verify_backup(
            path
        )  # read back what was written: a bad disk shows up tonight, not at restore
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    rows = sum(manifest["tables"].values())
    click.echo(
        f"backup written and verified: {path} ({rows} rows, {len(manifest['files']) - 1} uploaded files)"
    )


@backup_cli.command("verify")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def verify_command(path: Path):
    """Check an archive's manifest and checksums without restoring it."""
    try:
        manifest = verify_backup(path)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    rows = sum(manifest["tables"].values())
    click.echo(
        f"backup OK: {manifest['engine']}, migration {manifest['migration_head']}, app {manifest['app_version']}, "
        f"{len(manifest['tables'])} tables, {rows} rows, {len(manifest['files']) - 1} uploaded files, "
        f"made {manifest['created_at']}"
    )


@backup_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database and upload folder that are not empty.")
def restore_command(path: Path, force: bool):
    """Restore an archive into the configured database and upload folder, reindex, compare counts."""
    try:
        report = restore_backup(path, force=force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"restored: {report.tables} tables, {report.rows} rows (counts match the manifest), "
        f"{report.files} uploaded files, search index rebuilt with {report.documents} documents"
    )
