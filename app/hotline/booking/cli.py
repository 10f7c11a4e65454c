"""``flask hotline slots``: materialise bookable slots from the weekly rules."""

import click
from flask.cli import with_appcontext

from app.hotline.booking.calendar import materialize_slots


@click.command("slots")
@click.option("--days", default=None, type=int, help="How many days ahead (default: the booking window).")
@with_appcontext
def slots_command(days: int | None):
    """Materialise bookable slots from the weekly rules (never deletes a booked slot)."""
    report = materialize_slots(days=days)
    click.echo(
        f"slots: {report.created} created, {report.updated} updated, {report.removed} removed, "
        f"{report.kept_booked} booked slots kept"
    )
    for warning in report.warnings:
        click.echo(f"warning: {warning}")
