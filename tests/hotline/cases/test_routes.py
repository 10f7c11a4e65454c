"""Counselor console routes: full pages and htmx fragments, the role matrix, access logging, no-store."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.hotline.cases.models import AccessLog, Case, CaseNote
from app.web.time import local_day_bounds, local_today, utcnow

HX = {"HX-Request": "true"}


def _today_noon():
    """Local noon today: always in Today, whatever the time of day the tests run."""

    return local_day_bounds(local_today())[0] + timedelta(hours=12)


@pytest.fixture
def booking_case(app, make_booking_case):
    return make_booking_case(_today_noon(), phone="13812341234", description="想聊聊家里的事")


def _url(case, suffix=""):
    return f"/console/hotline/cases/{case.number}{suffix}"


@pytest.mark.parametrize(
    "path",
    ["/console/hotline/", "/console/hotline/cases/", "/console/hotline/cases/new", "CASE"],
)
@pytest.mark.parametrize("role", ["editor", "archivist", "admin"])
def test_non_counselors_cannot_see_cases(client, login_as, booking_case, role, path):
    """Editors, archivists and admins get 403 on Today, the list, the phone-in form and the case page."""
    login_as(role)
    _, case = booking_case
    url = _url(case) if path == "CASE" else path
    response = client.get(url)
    assert response.status_code == 403
    assert "13812341234" not in response.get_data(as_text=True)
    assert client.get(url, headers=HX).status_code == 403


@pytest.mark.parametrize("role", ["editor", "archivist", "admin"])
def test_non_counselors_cannot_act_on_cases(client, login_as, booking_case, role):
    """Case actions (notes, status, calls) are refused to every role but counselor."""
    login_as(role)
    _, case = booking_case
    assert client.post(_url(case, "/notes"), data={"body": "x"}).status_code == 403
    assert client.post(_url(case, "/status"), data={"status": "跟进中"}).status_code == 403
    assert client.post(_url(case, "/calls"), data={"result": "未接通"}).status_code == 403
    assert db.session.scalar(select(CaseNote)) is None


def test_admin_sees_stats_and_access_log_but_not_notes(client, login_as, booking_case, make_user):
    """Admins may read the anonymous statistics and the access log, which shows no notes and no phone."""
    _, case = booking_case
    counselor = make_user(roles=("counselor",))
    from app.hotline.cases import services as cases

    cases.add_note(case, counselor, "机密记录内容")
    cases.view_case(case.number, counselor)
    login_as("admin")
    stats = client.get("/console/hotline/stats")
    assert stats.status_code == 200
    log_page = client.get("/console/hotline/access-log")
    html = log_page.get_data(as_text=True)
    assert log_page.status_code == 200
    assert case.number in html and counselor.display_name in html
    assert "机密记录内容" not in html and "13812341234" not in html and "****" not in html


def test_counselor_cannot_review_access_log(client, login_as):
    """The access log is for admins only."""
    login_as("counselor")
    assert client.get("/console/hotline/access-log").status_code == 403


def test_case_page_shows_full_phone_logs_the_read_and_is_not_cached(client, login_as, booking_case):
    """The case page shows the full phone, sends no-store, is excluded from htmx history, and is logged."""
    user = login_as("counselor")
    _, case = booking_case
    response = client.get(_url(case))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "13812341234" in html and 'href="tel:13812341234"' in html
    assert response.headers["Cache-Control"] == "no-store"
    assert 'hx-history="false"' in html
    entry = db.session.scalar(select(AccessLog))
    assert (entry.user_id, entry.case_id, entry.action) == (user.id, case.id, "view")


def test_lists_show_masked_phones_only(client, login_as, booking_case):
    """Today and the case list show 138****1234 and never the full number."""
    login_as("counselor")
    for path in ("/console/hotline/", "/console/hotline/cases/"):
        html = client.get(path).get_data(as_text=True)
        assert "138****1234" in html
        assert "13812341234" not in html


def test_today_full_page_and_fragment(client, login_as, booking_case):
    """Today answers the full page normally and only the list fragment for htmx."""
    login_as("counselor")
    page = client.get("/console/hotline/")
    fragment = client.get("/console/hotline/", headers=HX)
    assert "<html" in page.get_data(as_text=True)
    assert "<html" not in fragment.get_data(as_text=True)
    assert 'id="today-list"' in fragment.get_data(as_text=True)
    assert "HX-Request" in fragment.headers["Vary"]


def test_list_search_full_page_and_fragment(client, login_as, booking_case):
    """Searching by booking reference works as a full page and as the results fragment."""
    login_as("counselor")
    booking, case = booking_case
    page = client.get("/console/hotline/cases/", query_string={"q": booking.reference_display})
    assert case.number in page.get_data(as_text=True) and "<html" in page.get_data(as_text=True)
    fragment = client.get("/console/hotline/cases/", query_string={"q": "2000-9999"}, headers=HX)
    html = fragment.get_data(as_text=True)
    assert "<html" not in html and "没有符合条件的个案" in html


def test_add_note_plain_form_redirects(client, login_as, booking_case):
    """Without htmx, adding a note answers 303 back to the case page, which shows the note."""
    login_as("counselor")
    _, case = booking_case
    response = client.post(_url(case, "/notes"), data={"body": "第一次通话"})
    assert response.status_code == 303 and response.headers["Location"].endswith(_url(case))
    assert "第一次通话" in client.get(_url(case)).get_data(as_text=True)


def test_add_note_htmx_returns_body_fragment(client, login_as, booking_case):
    """With htmx, adding a note answers the case-body fragment (no full page), no-store, and is logged."""
    login_as("counselor")
    _, case = booking_case
    response = client.post(_url(case, "/notes"), data={"body": "第二次通话"}, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="case-body"' in html and "<html" not in html and "第二次通话" in html
    assert "记录已保存" in html
    assert response.headers["Cache-Control"] == "no-store"
    assert db.session.scalar(select(AccessLog.action)) == "view"  # the fragment shows the full phone too


def test_empty_note_is_422_both_ways(client, login_as, booking_case):
    """An empty note re-renders with a Chinese error and status 422 (page and fragment)."""
    login_as("counselor")
    _, case = booking_case
    page = client.post(_url(case, "/notes"), data={"body": ""})
    assert page.status_code == 422 and "请填写记录内容" in page.get_data(as_text=True)
    assert "<html" in page.get_data(as_text=True)
    fragment = client.post(_url(case, "/notes"), data={"body": ""}, headers=HX)
    assert fragment.status_code == 422 and "<html" not in fragment.get_data(as_text=True)


def test_too_long_note_keeps_the_text(client, login_as, booking_case):
    """A note over the limit is refused and the typed text is kept in the textarea."""
    login_as("counselor")
    _, case = booking_case
    text = "长" * 2001
    response = client.post(_url(case, "/notes"), data={"body": text}, headers=HX)
    assert response.status_code == 422 and text in response.get_data(as_text=True)


def test_status_change_both_ways(client, login_as, booking_case):
    """Status changes work as htmx fragment and as plain form; closing without an outcome is 422."""
    login_as("counselor")
    _, case = booking_case
    fragment = client.post(_url(case, "/status"), data={"status": "跟进中"}, headers=HX)
    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)
    assert "状态已更新" in fragment.get_data(as_text=True)
    missing = client.post(_url(case, "/status"), data={"status": "已结案"})
    assert missing.status_code == 422 and "结案时请选择结果" in missing.get_data(as_text=True)
    plain = client.post(_url(case, "/status"), data={"status": "已结案", "outcome": "部分成功"})
    assert plain.status_code == 303
    db.session.expire_all()
    assert db.session.get(Case, case.id).outcome == "部分成功"


def test_forged_status_is_refused(client, login_as, booking_case):
    """A status that is not a valid next step is refused with 422, not a 500."""
    login_as("counselor")
    _, case = booking_case
    response = client.post(_url(case, "/status"), data={"status": "<script>"}, headers=HX)
    assert response.status_code == 422


def test_call_attempt_both_ways(client, login_as, booking_case):
    """Logging 未接通 works as htmx fragment and as a plain form; the timeline shows it."""
    login_as("counselor")
    _, case = booking_case
    fragment = client.post(_url(case, "/calls"), data={"result": "未接通"}, headers=HX)
    assert fragment.status_code == 200 and "未接通" in fragment.get_data(as_text=True)
    plain = client.post(_url(case, "/calls"), data={"result": "已接通"})
    assert plain.status_code == 303
    bad = client.post(_url(case, "/calls"), data={"result": "假的"})
    assert bad.status_code == 422


def test_note_edit_keeps_previous_version(client, login_as, booking_case):
    """Editing a note from its page saves version 2 and the case page still shows version 1's text."""
    user = login_as("counselor")
    _, case = booking_case
    from app.hotline.cases import services as cases

    note = cases.add_note(case, user, "原来的内容")
    form = client.get(_url(case, f"/notes/{note.id}/edit"))
    assert form.status_code == 200 and "原来的内容" in form.get_data(as_text=True)
    saved = client.post(_url(case, f"/notes/{note.id}/edit"), data={"body": "新的内容"})
    assert saved.status_code == 303
    html = client.get(_url(case)).get_data(as_text=True)
    assert "新的内容" in html and "原来的内容" in html and "第 2 版" in html


def test_follow_up_and_no_show_routes(client, login_as, app, make_booking_case):
    """Follow-ups can be added and completed; a past booking can be marked no-show (reminder task)."""
    login_as("counselor")
    booking, case = make_booking_case(start=utcnow() - timedelta(hours=2))

    today = local_today().isoformat()
    added = client.post(_url(case, "/follow-ups"), data={"due_on": today, "purpose": "回访"}, headers=HX)
    assert added.status_code == 200 and "回访已安排" in added.get_data(as_text=True)
    bad = client.post(_url(case, "/follow-ups"), data={"due_on": "明天"})
    assert bad.status_code == 422 and "年-月-日" in bad.get_data(as_text=True)
    no_show = client.post(_url(case, "/no-show"), headers=HX)
    assert no_show.status_code == 200 and "提醒来电" in no_show.get_data(as_text=True)
    task = case.follow_ups[0]
    done = client.post(_url(case, f"/follow-ups/{task.id}/done"))
    assert done.status_code == 303


def test_phone_in_form(client, login_as):
    """The quick phone-in form opens a case and redirects to it; a bad phone re-renders with 422."""
    login_as("counselor")
    assert client.get("/console/hotline/cases/new").status_code == 200
    bad = client.post(
        "/console/hotline/cases/new", data={"topic": "marriage", "phone": "12345", "nickname": "小张"}
    )
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "手机号码" in html and 'value="小张"' in html
    ok = client.post(
        "/console/hotline/cases/new",
        data={"topic": "marriage", "phone": "13900001111", "mode": "phone", "priority": "普通"},
    )
    assert ok.status_code == 303
    assert db.session.scalar(select(Case)).source == "phone_in"


def test_unknown_case_is_404(client, login_as):
    """An unknown case number is a Chinese 404."""
    login_as("counselor")
    assert client.get("/console/hotline/cases/2000-0001").status_code == 404


def test_today_marks_cancelled_bookings(client, login_as, app, make_booking_case):
    """A booking the resident cancelled stays in Today, marked so nobody calls in vain."""
    login_as("counselor")
    make_booking_case(_today_noon(), status="cancelled")
    html = client.get("/console/hotline/").get_data(as_text=True)
    assert "预约已取消" in html


def test_refused_one_button_action_is_422_with_message(client, login_as, app, make_booking_case):
    """A no-show on a booking whose time has not come is refused with a Chinese message (page and fragment)."""
    login_as("counselor")
    _, case = make_booking_case(utcnow() + timedelta(days=2))
    fragment = client.post(_url(case, "/no-show"), headers=HX)
    assert fragment.status_code == 422 and "预约时间还没到" in fragment.get_data(as_text=True)
    page = client.post(_url(case, "/no-show"))
    assert page.status_code == 422 and "<html" in page.get_data(as_text=True)


def test_find_cases_by_phone_is_a_post(client, login_as, booking_case):
    """Phone search is a POST (number not in the URL), works as fragment and page, and is access-logged."""
    login_as("counselor")
    _, case = booking_case
    fragment = client.post("/console/hotline/cases/by-phone", data={"phone": "138-1234-1234"}, headers=HX)
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and case.number in html and "<html" not in html
    page = client.post("/console/hotline/cases/by-phone", data={"phone": "13812341234"})
    assert page.status_code == 200 and "<html" in page.get_data(as_text=True)
    bad = client.post("/console/hotline/cases/by-phone", data={"phone": "123"}, headers=HX)
    assert bad.status_code == 422 and "手机号" in bad.get_data(as_text=True)
    actions = db.session.scalars(select(AccessLog.action)).all()
    assert actions.count("search_phone") == 2
