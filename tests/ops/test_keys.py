"""Key rotation: `flask hotline rotate-key` re-encrypts with the newest key, resumably, with a dry run."""

from datetime import time

import pytest
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import select

from app.extensions import db
from app.hotline import privacy
from app.hotline.booking.models import Booking
from app.ops.keys import rotate_keys


@pytest.fixture
def keyed_app(app):
    """The app with an explicit old key; returns a function that puts a new key in front."""
    old = Fernet.generate_key().decode()
    app.config["HOTLINE_DATA_KEY"] = old
    privacy.reset_key_cache(app)

    def add_new_key():
        new = Fernet.generate_key().decode()
        app.config["HOTLINE_DATA_KEY"] = f"{new},{old}"
        privacy.reset_key_cache(app)
        return new

    yield add_new_key
    privacy.reset_key_cache(app)


def _raw_phones() -> list[str]:
    column = Booking.__table__.c.phone.cast(db.Text)
    return list(db.session.scalars(select(column).order_by(Booking.id)))


def _under(key: str, token: str) -> bool:
    try:
        Fernet(key.encode()).decrypt(token.encode())
        return True
    except InvalidToken:
        return False


def test_rotation_dry_run_then_interrupted_then_resumed(app, runner, keyed_app, book, create_slot):
    """Dry run changes nothing; a run stopped after one row keeps it done; the rerun finishes the rest."""
    for n in range(3):
        book(create_slot(at=time(9 + n)), phone=f"1380000000{n}")
    new = keyed_app()

    dry = runner.invoke(args=["hotline", "rotate-key", "--dry-run"])
    assert dry.exit_code == 0 and "would re-encrypt" in dry.output, dry.output
    assert not any(_under(new, t) for t in _raw_phones())

    first = rotate_keys(batch_size=1, limit=1)  # as if the process had been stopped after one row
    assert first.rotated == 1 and first.stopped_early
    assert [_under(new, t) for t in _raw_phones()] == [True, False, False]

    rest = runner.invoke(args=["hotline", "rotate-key", "--batch-size", "2"])
    assert rest.exit_code == 0, rest.output
    assert "done: every value is under the newest key" in rest.output
    assert all(_under(new, t) for t in _raw_phones())

    app.config["HOTLINE_DATA_KEY"] = new  # the old key dropped: everything still reads
    privacy.reset_key_cache(app)
    db.session.expire_all()
    assert sorted(b.phone for b in db.session.scalars(select(Booking))) == [
        f"1380000000{n}" for n in range(3)
    ]
    assert "re-encrypted 0 rows" in runner.invoke(args=["hotline", "rotate-key"]).output


def test_values_no_key_decrypts_are_reported(app, runner, keyed_app, book, create_slot):
    """A value encrypted with a key that is no longer configured is listed and the command exits 1."""
    book(create_slot())
    keyed_app()
    app.config["HOTLINE_DATA_KEY"] = Fernet.generate_key().decode()  # neither old nor new
    privacy.reset_key_cache(app)
    result = runner.invoke(args=["hotline", "rotate-key"])
    assert result.exit_code == 1
    assert "values no configured key decrypts" in result.output and "hotline_bookings.phone#" in result.output
