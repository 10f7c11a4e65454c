"""Retention: `flask hotline purge` erases personal data of old closed cases and of bookings that
never happened, keeps anonymous counts, and is safe to run again."""

from datetime import timedelta

from sqlalchemy import select, text

from app.extensions import db
from app.hotline.booking.models import Booking
from app.hotline.cases import services as cases
from app.hotline.cases.models import Case, CaseNote, FollowUp
from app.hotline.cases.purge import purge_personal_data
from app.web.time import local_today, utcnow


def _close_long_ago(case, counselor, days=200):
    cases.change_status(case, "已结案", counselor, "调解成功")
    case.closed_at = utcnow() - timedelta(days=days)
    db.session.commit()


def test_purge_erases_old_closed_cases(app, make_user, make_booking_case):
    """Nickname, phone, hash, description, notes (every version) and follow-up texts go; counts stay."""
    counselor = make_user(roles=("counselor",))
    booking, case = make_booking_case(start=utcnow() - timedelta(days=210))
    note = cases.add_note(case, counselor, "第一版")
    cases.edit_note(note, counselor, "第二版")
    cases.add_follow_up(case, counselor, local_today(), "回访事项")
    _close_long_ago(case, counselor)
    report = purge_personal_data()
    assert (report.cases, report.bookings, report.notes, report.follow_ups) == (1, 1, 2, 1)
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    booking = db.session.get(Booking, booking.id)
    assert case.purged_at is not None and booking.purged_at is not None
    assert booking.phone is None and booking.nickname is None and booking.description is None
    assert booking.phone_hash is None and case.phone_hash is None
    assert all(n.body is None for n in db.session.scalars(select(CaseNote)))
    assert all(f.purpose is None for f in db.session.scalars(select(FollowUp)))
    assert case.topic == "family_dispute" and case.outcome == "调解成功" and case.family_id is not None
    assert case.resident_nickname == "（已清除）" and case.masked_phone == "—"
    assert [e.kind for e in case.events][0] == "purged"


def test_purge_keeps_recent_and_open_cases(app, make_user, phone_in):
    """Cases closed recently, and open cases however old, keep their data."""
    counselor = make_user(roles=("counselor",))
    recent = phone_in(counselor, phone="13900000001")
    _close_long_ago(recent, counselor, days=30)
    old_open = phone_in(counselor, phone="13900000002")
    old_open.created_at = utcnow() - timedelta(days=900)
    db.session.commit()
    report = purge_personal_data()
    assert report.cases == 0
    assert recent.resident_phone == "13900000001" and old_open.resident_phone == "13900000002"


def test_retention_period_is_configurable(app, make_user, phone_in):
    """HOTLINE_RETENTION_DAYS changes what counts as old."""
    counselor = make_user(roles=("counselor",))
    case = phone_in(counselor)
    _close_long_ago(case, counselor, days=40)
    app.config["HOTLINE_RETENTION_DAYS"] = 30
    assert purge_personal_data().cases == 1


def test_purge_bookings_that_never_happened(app, make_user, make_booking_case):
    """Cancelled/no-show bookings past the grace period are erased; an unworked case is closed with them,
    a case counselors are working keeps its data."""
    counselor = make_user(roles=("counselor",))
    long_ago = utcnow() - timedelta(days=45)
    cancelled, cancelled_case = make_booking_case(start=long_ago, status="cancelled", phone="13700000001")
    worked, worked_case = make_booking_case(start=long_ago, status="no_show", phone="13700000002")
    cases.log_call_attempt(worked_case, counselor, "已接通")  # status 跟进中
    fresh, _ = make_booking_case(start=utcnow() - timedelta(days=3), status="cancelled", phone="13700000003")
    report = purge_personal_data()
    assert report.bookings == 1 and report.auto_closed == 1
    db.session.expire_all()
    assert db.session.get(Booking, cancelled.id).phone is None
    closed = db.session.get(Case, cancelled_case.id)
    assert closed.status == "已结案" and closed.outcome is None and closed.purged_at is not None
    assert db.session.get(Booking, worked.id).phone == "13700000002"
    assert db.session.get(Booking, fresh.id).phone == "13700000003"


def test_purge_is_idempotent_and_dry_run_changes_nothing(app, make_user, phone_in):
    """A dry run reports without erasing; a second real run finds nothing more to do."""
    counselor = make_user(roles=("counselor",))
    case = phone_in(counselor)
    _close_long_ago(case, counselor)
    dry = purge_personal_data(dry_run=True)
    assert dry.cases == 1 and dry.dry_run
    db.session.expire_all()
    assert db.session.get(Case, case.id).phone == "13900001111"
    assert purge_personal_data().cases == 1
    again = purge_personal_data()
    assert (again.cases, again.bookings, again.notes) == (0, 0, 0)


def test_purged_data_is_gone_from_the_database(app, make_user, phone_in):
    """After the purge no encrypted token remains in the purged rows (nothing left to decrypt)."""
    counselor = make_user(roles=("counselor",))
    case = phone_in(counselor)
    cases.add_note(case, counselor, "内容")
    _close_long_ago(case, counselor)
    purge_personal_data()
    with db.engine.connect() as conn:
        row = conn.execute(text("SELECT nickname, phone, phone_hash, description FROM hotline_cases")).one()
        assert tuple(row) == (None, None, None, None)
        assert conn.execute(text("SELECT body FROM hotline_case_notes")).scalar_one() is None


def test_purge_cli_reports(app, runner, make_user, phone_in):
    """`flask hotline purge` prints what it did; --dry-run says "would purge"."""
    counselor = make_user(roles=("counselor",))
    case = phone_in(counselor)
    _close_long_ago(case, counselor)
    dry = runner.invoke(args=["hotline", "purge", "--dry-run"])
    assert dry.exit_code == 0 and "would purge: 1 closed cases" in dry.output
    real = runner.invoke(args=["hotline", "purge"])
    assert real.exit_code == 0 and "purged: 1 closed cases" in real.output
    assert "13900001111" not in real.output


def test_purged_case_page_still_opens(client, login_as, make_user, phone_in):
    """A purged case still opens (anonymous fields, timeline), without forms that would add personal data."""
    counselor = make_user(roles=("counselor",))
    case = phone_in(counselor)
    _close_long_ago(case, counselor)
    purge_personal_data()
    login_as("counselor")
    response = client.get(f"/console/hotline/cases/{case.number}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "已按保存期限清除个人信息" in html
    assert "保存记录" not in html
    assert client.post(f"/console/hotline/cases/{case.number}/notes", data={"body": "x"}).status_code == 422
