"""Issue 13, counselor minors: only a note's author edits it; all phone-in errors at once; statistics."""

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.hotline.cases import services as cases
from app.hotline.cases.models import CaseNote
from app.web.time import utcnow
from tests.test_access_matrix import _sign_in


def _url(case, suffix=""):
    return f"/console/hotline/cases/{case.number}{suffix}"


def test_only_the_author_edits_a_note(client, login_as, make_user, make_booking_case):
    """Another counselor sees no 修改 link and gets 403 (GET and POST); the author edits; history keeps both."""
    _, case = make_booking_case()
    author = make_user(roles=("counselor",))
    note = cases.add_note(case, author, "作者写的第一版")
    login_as("counselor")
    page = client.get(_url(case)).get_data(as_text=True)
    assert "作者写的第一版" in page and f"/notes/{note.id}/edit" not in page
    refused = client.get(_url(case, f"/notes/{note.id}/edit"))
    assert refused.status_code == 403 and "添加一条新记录" in refused.get_data(as_text=True)
    posted = client.post(_url(case, f"/notes/{note.id}/edit"), data={"body": "别人改的"})
    assert posted.status_code == 403
    assert db.session.scalar(select(CaseNote).where(CaseNote.version == 2)) is None
    added = client.post(_url(case, "/notes"), data={"body": "我补充一条"})
    assert added.status_code == 303

    client.post("/logout")
    _sign_in(client, author)
    page = client.get(_url(case)).get_data(as_text=True)
    assert f"/notes/{note.id}/edit" in page
    assert (
        client.post(_url(case, f"/notes/{note.id}/edit"), data={"body": "作者改的第二版"}).status_code == 303
    )
    versions = db.session.scalars(select(CaseNote).where(CaseNote.thread_id == note.thread_id)).all()
    assert sorted((n.version, n.body, n.author_id) for n in versions) == [
        (1, "作者写的第一版", author.id),
        (2, "作者改的第二版", author.id),
    ]


def test_phone_in_shows_every_error_at_once(client, login_as):
    """No category, a bad phone, an overlong nickname: all three errors in one round, with a summary."""
    login_as("counselor")
    response = client.post(
        "/console/hotline/cases/new",
        data={"topic": "", "phone": "12345", "nickname": "长" * 25, "description": "家里吵架"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请选择咨询类别" in html and "称呼最多 20 个字" in html
    assert html.count('id="phone-error"') == 1 and "error-summary" in html
    summary = html.split("error-summary", 1)[1].split("</div>", 1)[0]
    assert "咨询类别" in summary and "手机号码" in summary and "称呼" in summary
    assert 'value="12345"' in html  # input kept
    fixed = client.post("/console/hotline/cases/new", data={"topic": "marriage", "phone": "13800001111"})
    assert fixed.status_code == 303


def test_stats_month_pickers_are_chinese_and_rate_is_a_rate(client, login_as):
    """The period pickers list months as 2026年1月…; no month input that the browser names in English."""
    login_as("counselor")
    html = client.get("/console/hotline/stats?from=2025-01&to=2025-03").get_data(as_text=True)
    assert 'type="month"' not in html
    assert '<option value="2025-01" selected>2025年1月</option>' in html
    assert '<option value="2025-03" selected>2025年3月</option>' in html
    assert "次</span>" not in html


def test_resident_panel_follows_closing(client, login_as, make_booking_case):
    """Closing a case over htmx re-renders the resident panel with the booking's real state (not 已预约)."""
    login_as("counselor")
    _, past = make_booking_case(start=utcnow() - timedelta(hours=2), phone="13800002222")
    response = client.post(
        _url(past, "/status"),
        data={"status": "已结案", "outcome": "调解成功"},
        headers={"HX-Request": "true"},
    )
    panel = response.get_data(as_text=True).split('class="booking-state">', 1)[1].split("<", 1)[0]
    assert panel == "已完成"
    _, future = make_booking_case(start=utcnow() + timedelta(days=2), phone="13800003333")
    client.post(_url(future, "/status"), data={"status": "已结案", "outcome": "调解成功"})
    html = client.get(_url(future)).get_data(as_text=True)
    assert "预约仍有效，个案已结案" in html


def test_today_poll_puts_new_urgent_cases_first_and_announces_them(client, login_as, make_booking_case):
    """A poll (htmx) after an urgent case arrives: it comes first, marked 新, announced out of band; polls
    log only newly shown cases; the full page has a 刷新 link and the polling attributes."""
    from app.hotline.cases.models import AccessLog

    login_as("counselor")
    make_booking_case(start=utcnow() + timedelta(hours=1), urgent=True, nickname="早到的")
    page = client.get("/console/hotline/").get_data(as_text=True)
    assert 'hx-trigger="today-poll from:body"' in page and ">刷新</a>" in page
    assert 'id="today-announce"' in page and 'aria-live="polite"' in page
    assert "case-card-new" not in page
    logged = db.session.query(AccessLog).count()

    quiet = client.get("/console/hotline/", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in quiet and "today-announce" not in quiet
    assert db.session.query(AccessLog).count() == logged  # nothing new shown: nothing logged

    _, new = make_booking_case(start=utcnow() + timedelta(hours=3), urgent=True, nickname="新来的")
    polled = client.get("/console/hotline/", headers={"HX-Request": "true"})
    html = polled.get_data(as_text=True)
    assert polled.headers["Cache-Control"] == "no-store"
    urgent = html.split('class="today-urgent"', 1)[1].split("</section>", 1)[0]
    assert urgent.index("新来的") < urgent.index("早到的")  # new first, though later in time
    assert "case-card-new" in urgent and urgent.count("case-card-new") == 1
    assert 'hx-swap-oob="innerHTML"' in html and "有 1 个新的紧急个案" in html
    assert db.session.query(AccessLog).filter_by(case_id=new.id, action="list_today").count() == 1

    again = client.get("/console/hotline/", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "case-card-new" in again and "today-announce" not in again  # still marked, announced once
    assert "case-card-new" not in client.get("/console/hotline/").get_data(as_text=True)  # full load resets


def test_saved_views_with_counts_and_shareable_urls(client, login_as, make_booking_case, phone_in):
    """我的未结案, 逾期回访, 紧急, 今日预约: tabs with counts; ?view=… selects the cases."""
    from app.web.time import local_day_bounds, local_today

    me = login_as("counselor")
    mine = phone_in(me, nickname="我的")  # phone-in: assigned to me, open
    _, urgent = make_booking_case(start=utcnow() + timedelta(days=3), urgent=True, nickname="紧急的")
    noon = local_day_bounds(local_today())[0] + timedelta(hours=12)
    _, today = make_booking_case(start=noon, nickname="今天的")
    _, late = make_booking_case(start=utcnow() - timedelta(days=5), nickname="逾期的")
    task = cases.add_follow_up(late, me, local_today(), "回访")
    task.due_on = local_today() - timedelta(days=2)
    db.session.commit()

    page = client.get("/console/hotline/cases/").get_data(as_text=True)
    tabs = page.split('class="saved-views"', 1)[1].split("</nav>", 1)[0]
    for key in ("mine", "overdue", "urgent", "today"):
        assert f"?view={key}" in tabs
    expected = {"mine": mine, "overdue": late, "urgent": urgent, "today": today}
    for key, case in expected.items():
        html = client.get(f"/console/hotline/cases/?view={key}").get_data(as_text=True)
        results = html.split('id="case-results"', 1)[1]
        assert case.number in results, key
        assert "共 1 个个案" in results, key
        assert f'href="/console/hotline/cases/?view={key}" aria-current="page"' in html
        assert f'name="view" value="{key}"' in html  # the search keeps the view


def test_search_by_nickname_and_description_words(client, login_as, make_booking_case, phone_in):
    """Nickname and description words find cases (booking and phone-in); the words are not logged."""
    from app.hotline.cases.models import AccessLog

    me = login_as("counselor")
    _, booked = make_booking_case(nickname="孙阿姨", description="儿子结婚彩礼的事想咨询")
    called = phone_in(me, nickname="周先生", description="邻里之间因为宅基地吵架")
    other = phone_in(me, nickname="吴女士", description="别的事")
    for words, found in (("孙阿姨", booked), ("彩礼", booked), ("宅基地", called), ("周先生", called)):
        html = client.get("/console/hotline/cases/", query_string={"q": words}).get_data(as_text=True)
        results = html.split('id="case-results"', 1)[1]
        assert found.number in results and other.number not in results, words
    assert client.get("/console/hotline/cases/?q=2026").status_code == 200
    assert db.session.query(AccessLog).filter(AccessLog.action.contains("彩礼")).count() == 0
