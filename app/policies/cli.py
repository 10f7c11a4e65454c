"""``flask policies release``: index scheduled articles that have fallen due and apply due scheduled changes (cron)."""

import click
from flask.cli import AppGroup

from app.policies.services import release_due_articles

policies_cli = AppGroup("policies", help="婚俗改革 policies.")


@policies_cli.command("release")
def release_command():
    """Hand due scheduled articles to the search index and make due scheduled changes live."""
    count = release_due_articles(force=True)
    click.echo(f"released {count} scheduled article(s) to search")
