"""Case numbers stay unique and gap-free when several processes open cases at the same time."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.hotline.cases.models import Case
from tests.processes import process_context

WORKERS = 4
PER_WORKER = 8


def _open_cases(config: dict, user_id: int, count: int, start_event) -> None:
    """Worker process: open ``count`` phone-in cases as fast as possible."""
    from app import create_app
    from app.accounts.models import User
    from app.hotline.cases import services as cases

    app = create_app(config)
    with app.app_context():
        user = db.session.get(User, user_id)
        start_event.wait(30)
        for _ in range(count):
            cases.open_phone_in_case(user, topic="other", phone="", description=None)
        db.session.remove()
        db.engine.dispose()


@pytest.mark.slow
def test_concurrent_case_numbers_are_unique(app, make_user):
    """4 processes × 8 phone-ins: numbers 0001..0032 of this year, each exactly once."""
    user = make_user(roles=("counselor",))
    config = {k: v for k, v in app.config.items() if k.isupper()}
    config = {k: v for k, v in config.items() if isinstance(v, (str, int, float, bool, type(None), list))}
    db.session.commit()
    context = process_context()  # forkserver: fast like fork, but no inherited SQLite state
    start = context.Event()
    processes = [
        context.Process(target=_open_cases, args=(config, user.id, PER_WORKER, start)) for _ in range(WORKERS)
    ]
    for process in processes:
        process.start()
    start.set()
    for process in processes:
        process.join(120)
        assert process.exitcode == 0
    numbers = db.session.scalars(select(Case.sequence).order_by(Case.sequence)).all()
    assert numbers == list(range(1, WORKERS * PER_WORKER + 1))
