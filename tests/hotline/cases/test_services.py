"""Case services: numbering, workflow, call attempts, append-only notes, follow-ups, no-shows, masking."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.hotline.cases import queries
from app.hotline.cases import services as cases
from app.hotline.cases.models import CaseError, CaseEvent, CaseNote, FollowUp
from app.web.time import local_day_bounds, local_today, utcnow


@pytest.fixture
def counselor(make_user):
    return make_user(roles=("counselor",))


def test_case_numbers_follow_a_per_year_sequence(app, counselor, phone_in):
    """Cases are numbered YYYY-NNNN, one sequence per (local) year, starting at 0001."""
    first = phone_in(counselor)
    second = phone_in(counselor, phone="13900002222")
    year = local_today().year
    assert first.number == f"{year}-0001"
    assert second.number == f"{year}-0002"


def test_every_booking_opens_a_case(app, make_booking_case):
    """open_case_for_booking creates a 待受理 case that reads the resident's details from the booking."""
    booking, case = make_booking_case()
    assert case.booking_id == booking.id and case.status == "待受理"
    assert case.resident_nickname == "王阿姨"
    assert case.masked_phone == "138****1234"
    assert case.scheduled_at == booking.slot.start_at
    assert [e.kind for e in case.events] == ["created"]


def test_urgent_booking_is_marked_urgent(app, make_booking_case):
    """A booking flagged by the safety triage opens a 紧急 case."""
    _, case = make_booking_case(urgent=True)
    assert case.priority == "紧急" and case.is_urgent


def test_phone_in_case_normalises_and_triages(app, counselor, phone_in):
    """Phone-in: the number is normalised, violence keywords make it urgent, the call counts as first contact."""
    case = phone_in(counselor, phone="+86 139-0000-1111", description="他昨天又打我了")
    assert case.resident_phone == "13900001111"
    assert case.priority == "紧急"
    assert case.first_contact_at is not None and case.status == "跟进中"
    assert case.assignee == counselor


def test_phone_in_refuses_bad_phone(app, counselor, phone_in):
    """A number that is not a mainland mobile is refused with a Chinese message on the phone field."""
    with pytest.raises(CaseError) as info:
        phone_in(counselor, phone="12345")
    assert info.value.field == "phone" and "手机" in info.value.message


def test_status_transitions_and_outcome(app, counselor, make_booking_case):
    """待受理 → 跟进中 → 调解中 → 已结案 needs an outcome; invalid jumps are refused; 已转介 sets 转介."""
    _, case = make_booking_case()
    with pytest.raises(CaseError):
        cases.change_status(case, "待受理", counselor)
    cases.change_status(case, "跟进中", counselor)
    cases.change_status(case, "调解中", counselor)
    with pytest.raises(CaseError) as info:
        cases.change_status(case, "已结案", counselor)
    assert info.value.field == "outcome"
    db.session.rollback()
    cases.change_status(case, "已结案", counselor, "调解成功")
    assert case.outcome == "调解成功" and case.closed_at is not None
    with pytest.raises(CaseError):
        cases.change_status(case, "调解中", counselor)
    db.session.rollback()
    cases.change_status(case, "跟进中", counselor)  # reopen
    assert case.outcome is None and case.closed_at is None
    cases.change_status(case, "已转介", counselor)
    assert case.outcome == "转介"
    details = [e.detail for e in case.events if e.kind == "status"]
    assert "调解中 → 已结案（调解成功）" in details


def test_failed_call_is_logged_and_contact_moves_case_on(app, counselor, make_booking_case):
    """未接通 is recorded without first contact; 已接通 sets first contact, moves 待受理 to 跟进中, completes the booking."""
    booking, case = make_booking_case()
    cases.log_call_attempt(case, counselor, "未接通")
    assert case.first_contact_at is None and case.status == "待受理"
    cases.log_call_attempt(case, counselor, "已接通")
    assert case.first_contact_at is not None and case.status == "跟进中"
    assert booking.status == "completed"
    calls = [e.detail for e in case.events if e.kind == "call"]
    assert sorted(calls) == ["已接通", "未接通"]


def test_notes_are_append_only(app, counselor, make_user, make_booking_case):
    """Editing a note adds version 2; version 1 keeps its text; only the latest version can be edited,
    and only by its author (issue 13: another counselor is refused and adds a note instead)."""
    _, case = make_booking_case()
    note = cases.add_note(case, counselor, "第一次通话，情绪稳定")
    other = make_user(roles=("counselor",))
    with pytest.raises(CaseError) as refused:
        cases.edit_note(note, other, "别人改的")
    assert refused.value.status == 403
    db.session.rollback()
    second = cases.edit_note(note, counselor, "第一次通话，情绪稳定，约好周五回访")
    rows = db.session.scalars(select(CaseNote).where(CaseNote.thread_id == note.thread_id)).all()
    assert sorted((n.version, n.body, n.author_id) for n in rows) == [
        (1, "第一次通话，情绪稳定", counselor.id),
        (2, "第一次通话，情绪稳定，约好周五回访", counselor.id),
    ]
    assert second.author == counselor
    with pytest.raises(CaseError):
        cases.edit_note(note, counselor, "改旧版本")
    db.session.rollback()
    threads = cases.note_threads(case)
    assert len(threads) == 1 and threads[0][0].version == 2
    with pytest.raises(CaseError):
        cases.add_note(case, counselor, "   ")
    with pytest.raises(CaseError):
        cases.add_note(case, counselor, "长" * (cases.NOTE_MAX + 1))


def test_follow_ups_appear_in_today(app, counselor, make_booking_case):
    """A 回访 due today is listed in Today; a done one is not; past dates are refused."""
    _, case = make_booking_case(start=utcnow() + timedelta(days=3))
    task = cases.add_follow_up(case, counselor, local_today(), "电话回访")
    view = queries.today_overview()
    assert [t.id for t in view.follow_ups] == [task.id]
    cases.complete_follow_up(task, counselor)
    assert queries.today_overview().follow_ups == []
    with pytest.raises(CaseError):
        cases.add_follow_up(case, counselor, local_today() - timedelta(days=1))


def test_today_puts_urgent_first_and_orders_by_time(app, counselor, make_booking_case):
    """Urgent open cases are listed first (any day); the rest of today's cases are in time order."""
    now = utcnow()
    day_start, day_end = local_day_bounds(local_today())
    later = min(now + timedelta(minutes=50), day_end - timedelta(minutes=1))
    sooner = min(now + timedelta(minutes=20), day_end - timedelta(minutes=2))
    _, late = make_booking_case(start=later, phone="13800000001")
    _, soon = make_booking_case(start=sooner, phone="13800000002")
    _, urgent = make_booking_case(start=now + timedelta(days=2), phone="13800000003", urgent=True)
    view = queries.today_overview()
    assert [c.id for c in view.urgent] == [urgent.id]
    agenda_ids = [c.id for c in view.agenda]
    assert agenda_ids.index(soon.id) < agenda_ids.index(late.id)
    assert urgent.id not in agenda_ids


def test_no_show_creates_reminder_task_not_ban(app, counselor, make_booking_case):
    """Marking a past booking as no-show sets the booking status and adds a reminder-call task due today."""
    booking, case = make_booking_case(start=utcnow() - timedelta(hours=1))
    task = cases.mark_no_show(case, counselor)
    assert booking.status == "no_show"
    assert booking.active_phone_hash is None  # the resident may book again
    assert task.kind == "提醒来电" and task.due_on == local_today()
    assert db.session.scalar(select(FollowUp).where(FollowUp.case_id == case.id)) is not None


def test_no_show_refused_before_the_time(app, counselor, make_booking_case):
    """A booking whose time has not come cannot be marked no-show."""
    _, case = make_booking_case(start=utcnow() + timedelta(hours=3))
    with pytest.raises(CaseError):
        cases.mark_no_show(case, counselor)


def test_reschedule_and_cancel_hooks_write_the_timeline(app, make_booking_case):
    """The booking side's hooks record 改约 and 取消 on the case timeline and move scheduled_at."""
    from app.hotline.booking.models import Slot

    booking, case = make_booking_case()
    old = booking.slot
    new = Slot(start_at=old.start_at + timedelta(days=1), end_at=old.end_at + timedelta(days=1), mode="phone")
    booking.slot = new
    db.session.flush()
    cases.on_booking_rescheduled(booking, old)
    cases.on_booking_cancelled(booking)
    db.session.commit()
    kinds = [e.kind for e in db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id))]
    assert "rescheduled" in kinds and "cancelled" in kinds
    assert case.scheduled_at == new.start_at


def test_list_search_by_number_and_reference(app, counselor, make_booking_case, phone_in):
    """The list finds a case by its number, by the short number, and by the booking reference."""
    booking, case = make_booking_case()
    other = phone_in(counselor)
    by_number = queries.list_cases(queries.CaseFilters(q=case.number), counselor)
    assert [c.id for c in by_number.items] == [case.id]
    by_ref = queries.list_cases(queries.CaseFilters(q=booking.reference_display.lower()), counselor)
    assert [c.id for c in by_ref.items] == [case.id]
    by_short = queries.list_cases(queries.CaseFilters(q=str(other.sequence)), counselor)
    assert [c.id for c in by_short.items] == [other.id]
    mine = queries.list_cases(queries.CaseFilters(assignee="me"), counselor)
    assert [c.id for c in mine.items] == [other.id]
    urgent = queries.list_cases(queries.CaseFilters(priority="紧急"), counselor)
    assert urgent.items == []


def test_assign_only_to_counselors(app, counselor, make_user, make_booking_case):
    """Cases can be assigned to counselors only."""
    _, case = make_booking_case()
    editor = make_user(roles=("editor",))
    with pytest.raises(CaseError):
        cases.assign_case(case, editor, counselor)
    db.session.rollback()
    cases.assign_case(case, counselor, counselor)
    assert case.assignee == counselor


def test_same_phone_shares_a_family(app, counselor, make_booking_case, phone_in):
    """Cases with the same phone share the anonymous family number; other phones get their own."""
    _, first = make_booking_case(phone="13812345678")
    again = phone_in(counselor, phone="138 1234 5678")
    other = phone_in(counselor, phone="13900009999")
    anonymous = phone_in(counselor, phone="")
    assert first.family_id == again.family_id
    assert other.family_id != first.family_id
    assert anonymous.family_id == anonymous.id
