"""Fail fast in production: wrong database, missing or wrong key, demo data; /healthz names the failure."""

import secrets

import pytest
from cryptography.fernet import Fernet

from app import create_app
from app.hotline import privacy
from app.ops.startup import StartupError


@pytest.fixture
def production(app_config, app):
    """``production(**overrides)`` -> a production app config on the test database with the test key."""
    key = privacy._keys()[0]

    def config(**overrides):
        values = dict(
            app_config, ENV_NAME="production", SECRET_KEY=secrets.token_urlsafe(48), HOTLINE_DATA_KEY=key
        )
        values.update(overrides)
        return values

    return config


def test_production_starts_with_a_good_configuration(production, book, create_slot):
    """The right database and key: the app starts (after a booking exists to sample)."""
    book(create_slot())
    assert create_app(production()).config["ENV_NAME"] == "production"


def test_unreachable_database_refuses_to_start(production, tmp_path):
    """A database that cannot be reached stops start-up with the reason (and no password in it)."""
    if production()["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        bad = f"sqlite:///{tmp_path}/no-such-dir/app.db"
    else:
        bad = "postgresql+psycopg://postgres:s3cret@127.0.0.1:1/zq"
    with pytest.raises(StartupError, match="database unreachable") as error:
        create_app(production(SQLALCHEMY_DATABASE_URI=bad))
    assert "s3cret" not in str(error.value)


def test_missing_or_malformed_key_refuses_to_start(production):
    """Production never falls back to a generated key file; a malformed key is named."""
    with pytest.raises(StartupError, match="HOTLINE_DATA_KEY must be set"):
        create_app(production(HOTLINE_DATA_KEY=None))
    with pytest.raises(StartupError, match="key 2 is not a valid Fernet key"):
        create_app(production(HOTLINE_DATA_KEY=Fernet.generate_key().decode() + ",not-a-key"))


def test_a_key_that_cannot_decrypt_the_data_refuses_to_start(production, book, create_slot):
    """A valid key that is not the data's key is refused, naming the column it could not read."""
    book(create_slot())
    with pytest.raises(StartupError, match=r"cannot decrypt stored data \(hotline_bookings\.\w+\)"):
        create_app(production(HOTLINE_DATA_KEY=Fernet.generate_key().decode()))


def test_demo_load_is_refused_in_production(production):
    """`flask demo load` under APP_ENV=production stops before creating accounts with known passwords."""
    prod = create_app(production())
    with prod.app_context():
        result = prod.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 1 and "refused under APP_ENV=production" in result.output
    from app.accounts.services import find_user

    assert find_user("admin") is None


def test_healthz_names_the_failing_database(app_config, tmp_path):
    """Outside production the app starts on a broken database, but /healthz says 503 and why."""
    broken = create_app(dict(app_config, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing/x.db"))
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.json
    assert body["status"] == "error" and "database" in body["failing"]
    assert "unable to open database file" in body["checks"]["database"]["reason"]
