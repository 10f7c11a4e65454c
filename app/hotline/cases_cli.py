"""``flask hotline purge``: the retention policy, attached to the booking side's ``hotline`` group."""

import click
from flask import Flask

from app.hotline.cli import hotline_cli


@hotline_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Report what would be erased without changing anything.")
def purge_command(dry_run: bool):
    """Erase personal data past the retention period (safe to run daily)."""
    from app.hotline.cases_purge import purge_personal_data

    report = purge_personal_data(dry_run=dry_run)
    for line in report.lines():
        click.echo(line)


def init_app(app: Flask) -> None:
    """Nothing to do: the command is registered on ``hotline_cli`` at import time."""
