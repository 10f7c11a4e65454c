"""``flask hotline rotate-key``: re-encrypt every encrypted value with the newest ``HOTLINE_DATA_KEY``.

Resumable: rows go in primary-key batches, each committed on its own, and a value that the newest key
already decrypts is skipped, so a run that was interrupted (or stopped with ``--limit``) simply runs
again. ``--dry-run`` counts what would change. Rotation steps: put the new key first
(``HOTLINE_DATA_KEY=new,old``), restart, rotate until it reports 0 left, then drop the old key.
"""

from dataclasses import dataclass, field

import click
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import select, type_coerce

from app.extensions import db
from app.hotline import privacy


@dataclass
class RotationReport:
    rotated: int = 0  # rows rewritten (or, in a dry run, rows that would be)
    current: int = 0  # rows already under the newest key
    unreadable: list[str] = field(default_factory=list)  # "table.column#id" no configured key decrypts
    stopped_early: bool = False
    dry_run: bool = False


def _encrypted_tables():
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, privacy.EncryptedText)]
        if columns:
            yield table, list(table.primary_key.columns)[0], columns


def _new_values(row, columns, newest: Fernet, report: RotationReport, where: str) -> dict:
    values = {}
    for column in columns:
        token = row[column.name]
        if not token:
            continue
        try:
            newest.decrypt(token.encode("ascii"))
            continue  # already under the newest key
        except InvalidToken:
            pass
        try:
            values[column.name] = type_coerce(privacy.rotate(token), db.Text)
        except InvalidToken:
            report.unreadable.append(f"{where}.{column.name}#{row['pk']}")
    return values


def rotate_keys(dry_run: bool = False, batch_size: int = 200, limit: int | None = None) -> RotationReport:
    """Re-encrypt values not yet under the newest key, in committed batches; stop after ``limit`` rows."""
    report = RotationReport(dry_run=dry_run)
    newest = Fernet(privacy._keys()[0].encode())
    for table, pk, columns in _encrypted_tables():
        last = None
        while True:
            stmt = select(pk.label("pk"), *[table.c[c.name].cast(db.Text).label(c.name) for c in columns])
            if last is not None:
                stmt = stmt.where(pk > last)
            rows = db.session.execute(stmt.order_by(pk).limit(batch_size)).mappings().all()
            if not rows:
                break
            for row in rows:
                last = row["pk"]
                if limit is not None and report.rotated >= limit:
                    report.stopped_early = True
                    break
                values = _new_values(row, columns, newest, report, table.name)
                if not values:
                    report.current += 1
                    continue
                report.rotated += 1
                if not dry_run:
                    # type_coerce: store the new token as plain text (the column type would encrypt it again).
                    db.session.execute(table.update().where(pk == row["pk"]).values(**values))
            db.session.commit()  # each batch is durable: an interrupted run loses at most one batch
            if report.stopped_early:
                return report
    return report


@click.command("rotate-key")
@click.option("--dry-run", is_flag=True, help="Count the values that would be re-encrypted; change nothing.")
@click.option("--batch-size", default=200, show_default=True, help="Rows per committed batch.")
@click.option("--limit", type=int, default=None, help="Stop after this many rows (run again to continue).")
def rotate_key_command(dry_run: bool, batch_size: int, limit: int | None):
    """Re-encrypt every encrypted hotline value with the newest HOTLINE_DATA_KEY (resumable)."""
    report = rotate_keys(dry_run=dry_run, batch_size=max(1, batch_size), limit=limit)
    verb = "would re-encrypt" if dry_run else "re-encrypted"
    click.echo(f"{verb} {report.rotated} rows; {report.current} rows already under the newest key")
    if report.stopped_early:
        click.echo("stopped at --limit: run the command again to continue")
    if report.unreadable:
        shown = ", ".join(report.unreadable[:10])
        click.echo(f"{len(report.unreadable)} values no configured key decrypts: {shown}", err=True)
        raise SystemExit(1)
    if not dry_run and not report.stopped_early:
        click.echo("done: every value is under the newest key; the older keys may now be removed")
