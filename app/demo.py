"""``flask demo load``: idempotent demo data from every feature."""

import click
import pyotp
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_migrate import upgrade
from sqlalchemy import func, select

from app.accounts import mfa, services
from app.accounts.models import User
from app.extensions import db
from app.web.registry import get_registry
from app.web.time import utcnow

demo_cli = AppGroup("demo", help="Demo data.")

# Demo staff: (username, display name, roles, password). Printed by `make run`.
DEMO_STAFF = [
    ("admin", "系统管理员", ("admin",), "zq-admin-2026"),
    ("editor", "王编辑", ("editor",), "zq-editor-2026"),
    ("counselor", "李咨询", ("counselor",), "zq-counselor-2026"),
    ("counselor2", "赵咨询", ("counselor",), "zq-counselor2-2026"),
    ("archivist", "张档案", ("archivist",), "zq-archivist-2026"),
    ("reviewer", "刘审核", ("archivist",), "zq-reviewer-2026"),
]


# Issue 15: demo admins and counselors need a second factor. Outside production they are enrolled with this
# published secret (add it to an authenticator app, or type the code `flask demo logins` prints).
DEMO_TOTP_SECRET = "ZQDEMOZQDEMOZQDEMOZQDEMOZQDEMO22"


def load_staff() -> None:
    """Create the demo staff accounts that do not exist yet (admins and counselors with the demo TOTP)."""
    for username, name, roles, password in DEMO_STAFF:
        if services.find_user(username) is None:
            user = services.create_user(username, password, roles, name)
            if mfa.required_for(user) and current_app.config.get("ENV_NAME") != "production":
                user.totp_secret, user.totp_enrolled_at = DEMO_TOTP_SECRET, utcnow()
                db.session.commit()


def database_is_empty() -> bool:
    return db.session.scalar(select(func.count()).select_from(User)) == 0


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Only load when the database has no users yet.")
def load_command(if_empty: bool):
    """Load demo staff and every feature's demo content (safe to run twice); refused in production."""
    if current_app.config.get("ENV_NAME") == "production":
        # The demo staff have published passwords: never on a real site.
        raise click.ClickException(
            "demo data is refused under APP_ENV=production (it creates accounts with known passwords)"
        )
    if if_empty and not database_is_empty():
        click.echo("database already has data; demo not loaded")
        return
    load_staff()
    for name, loader in sorted(get_registry(current_app).demo, key=lambda item: item[0]):
        click.echo(f"loading demo: {name}")
        loader()
    click.echo("demo data loaded")


@demo_cli.command("logins")
def logins_command():
    """Print the demo staff logins."""
    click.echo("Demo staff logins (username / password / roles):")
    for username, _name, roles, password in DEMO_STAFF:
        click.echo(f"  {username:<11} {password:<20} {', '.join(roles)}")
    if current_app.config.get("ENV_NAME") != "production":
        click.echo(f"Second factor of admin/counselor demo accounts: TOTP secret {DEMO_TOTP_SECRET}")
        code = pyotp.TOTP(DEMO_TOTP_SECRET).now()
        click.echo(f"  (add it to an authenticator app; code right now: {code})")


@demo_cli.command("setup")
@click.pass_context
def setup_command(ctx):
    """Apply migrations, load the demo data if the database is empty, print the logins (`make run`)."""
    upgrade()
    ctx.invoke(load_command, if_empty=True)
    ctx.invoke(logins_command)


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_cli)
