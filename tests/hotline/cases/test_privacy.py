"""Privacy of case data: notes, descriptions and phones are encrypted at rest and never logged."""

import logging
from pathlib import Path

from sqlalchemy import text

from app.extensions import db
from app.hotline.cases import services as cases
from app.web.time import local_today
from tests.processes import read_bytes_elsewhere

CANARY = "CANARY-qz81-金丝雀暗号"
CANARY_PHONE = "13987654321"


def _database_bytes(app) -> bytes:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    path = Path(url.removeprefix("sqlite:///"))
    blobs = [read_bytes_elsewhere(p) for p in (path, Path(f"{path}-wal")) if p.exists()]
    return b"".join(blobs)


def test_canary_is_not_in_database_file_or_logs(app, client, login_as, caplog, make_booking_case, phone_in):
    """A canary typed into a note, a description and a follow-up is in no DB byte and no log line."""
    caplog.set_level(logging.DEBUG)
    user = login_as("counselor")
    case = phone_in(user, phone=CANARY_PHONE, description=f"描述 {CANARY}")
    _, booking_case = make_booking_case(description=f"预约描述 {CANARY}", phone="13800001111")
    client.post(f"/console/hotline/cases/{case.number}/notes", data={"body": f"记录 {CANARY}"})
    client.post(f"/console/hotline/cases/{booking_case.number}/notes", data={"body": f"记录 {CANARY}"})
    note = case.notes[0]
    cases.edit_note(note, user, f"修改 {CANARY}")
    cases.add_follow_up(case, user, local_today(), f"回访 {CANARY}")
    page = client.get(f"/console/hotline/cases/{case.number}")
    assert CANARY in page.get_data(as_text=True)  # readable where it belongs
    db.session.commit()
    db.session.remove()

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        raw = _database_bytes(app)
        assert raw, "database file not found"
        assert CANARY.encode() not in raw and "金丝雀".encode() not in raw
        assert CANARY_PHONE.encode() not in raw
    else:
        with db.engine.connect() as conn:
            for table, column in [
                ("hotline_case_notes", "body"),
                ("hotline_cases", "description"),
                ("hotline_cases", "phone"),
                ("hotline_follow_ups", "purpose"),
            ]:
                values = conn.execute(text(f"SELECT {column} FROM {table}")).scalars().all()  # noqa: S608
                assert all(CANARY not in (v or "") and CANARY_PHONE not in (v or "") for v in values)
    assert CANARY not in caplog.text and "金丝雀" not in caplog.text
    assert CANARY_PHONE not in caplog.text


def test_note_column_holds_a_token(app, make_user, phone_in):
    """The stored note value is a Fernet token, not the text."""
    user = make_user(roles=("counselor",))
    case = phone_in(user)
    cases.add_note(case, user, "明文不应出现")
    with db.engine.connect() as conn:
        stored = conn.execute(text("SELECT body FROM hotline_case_notes")).scalar_one()
    assert stored.startswith("gAAAA") and "明文" not in stored
