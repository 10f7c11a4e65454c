"""``flask hotline``: slot materialisation (case commands are attached by app.hotline.cases_cli)."""

import click
from flask.cli import AppGroup

hotline_cli = AppGroup("hotline", help="幸福泉城热线：时段与数据保留。")


@hotline_cli.command("slots")
@click.option("--days", default=None, type=int, help="How many days ahead (default: the booking window).")
def slots_command(days: int | None):
    """Materialise bookable slots from the weekly rules (never deletes a booked slot)."""
    from app.hotline.slots import materialize_slots

    report = materialize_slots(days=days)
    click.echo(
        f"slots: {report.created} created, {report.updated} updated, {report.removed} removed, "
        f"{report.kept_booked} booked slots kept"
    )
    for warning in report.warnings:
        click.echo(f"warning: {warning}")


@hotline_cli.command("rotate-key")
def rotate_key_command():
    """Re-encrypt every encrypted hotline value with the newest HOTLINE_DATA_KEY."""
    from app.hotline import services

    count = services.rotate_encryption()
    click.echo(f"re-encrypted {count} rows")
