"""``flask users`` commands."""

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.accounts import mfa, services
from app.accounts.models import User
from app.extensions import db
from app.web.access import ROLES

users_cli = AppGroup("users", help="Manage staff accounts.")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(sorted(ROLES)))
@click.option("--name", "display_name", default=None, help="Display name (defaults to the username).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user_command(username, roles, display_name, password_stdin):
    """Create a staff user with one or more roles."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = services.create_user(username, password, roles, display_name)
    except services.AccountError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"created {user.username} ({', '.join(user.roles)})")


@users_cli.command("list")
def list_users_command():
    """List staff users with their roles and state."""
    users = db.session.scalars(select(User).order_by(User.username)).all()
    for user in users:
        state = "active" if user.active else "inactive"
        last = user.last_login_at.strftime("%Y-%m-%d %H:%M") if user.last_login_at else "-"
        second = "mfa" if user.has_mfa else ("NO-MFA" if mfa.required_for(user) else "no-mfa")
        click.echo(f"{user.username:<20} {','.join(user.roles):<30} {state:<9} {second:<7} last login {last}")
    if not users:
        click.echo("no users")


@users_cli.command("mfa-reset")
@click.argument("username")
def mfa_reset_command(username):
    """Remove a user's second factor: they enrol again at next sign-in (logged; their sessions end)."""
    user = services.find_user(username)
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    mfa.reset(user, None)
    click.echo(f"second factor of {user.username} reset; they enrol again at next sign-in")
