"""``flask hotline purge``: the retention policy (attached to the ``hotline`` group by init_app)."""

import click
from flask.cli import with_appcontext

from app.hotline.cases.purge import purge_personal_data


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Report what would be erased without changing anything.")
@with_appcontext
def purge_command(dry_run: bool):
    """Erase personal data past the retention period (safe to run daily)."""
    report = purge_personal_data(dry_run=dry_run)
    for line in report.lines():
        click.echo(line)
