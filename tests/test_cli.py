"""The `flask demo` commands used by `make run`."""

from sqlalchemy import func, select

from app.accounts.models import User
from app.demo import DEMO_STAFF
from app.extensions import db


def test_demo_setup_loads_once_and_prints_logins(runner, app):
    """`flask demo setup` migrates, loads demo staff only into an empty DB, and prints every login."""
    app.extensions["zq_registry"].demo = []  # feature demo loaders are tested by their packages
    result = runner.invoke(args=["demo", "setup"])
    assert result.exit_code == 0, result.output
    for username, _name, _roles, password in DEMO_STAFF:
        assert username in result.output and password in result.output
    count = db.session.scalar(select(func.count()).select_from(User))
    assert count == len(DEMO_STAFF)
    again = runner.invoke(args=["demo", "setup"])
    assert again.exit_code == 0 and "already has data" in again.output
    assert db.session.scalar(select(func.count()).select_from(User)) == count
