"""Issue 13: canned note snippets (admin edits, counselor inserts) and notes kept over an expired session."""

from sqlalchemy import select, text, update

from app.accounts.models import StaffSession
from app.extensions import db
from app.hotline.cases import snippets
from app.hotline.cases.models import CaseNote
from app.hotline.cases.snippets import NoteDraft, NoteSnippet
from app.web.time import utcnow
from tests.conftest import totp_code

PASSWORD = "counselor-pass-2026"
SECRET_NOTE = "居民说明天上午九点后方便再联系，情绪比昨天平稳"


def _url(case, suffix=""):
    return f"/console/hotline/cases/{case.number}{suffix}"


def test_admin_adds_edits_and_deletes_snippets(client, login_as):
    """The admin page lists, adds (all errors at once), edits and deletes (after a confirmation page)."""
    login_as("admin")
    empty = client.post("/console/hotline/snippets/", data={"title": "", "body": ""})
    html = empty.get_data(as_text=True)
    assert empty.status_code == 422 and "请填写按钮上显示的简称" in html and "请填写插入的文字" in html
    added = client.post(
        "/console/hotline/snippets/", data={"title": "已告知 110", "body": "已告知居民可拨打 110。"}
    )
    assert added.status_code == 303
    snippet = db.session.scalar(select(NoteSnippet))
    assert "已告知居民可拨打 110" in client.get("/console/hotline/snippets/").get_data(as_text=True)
    edited = client.post(
        f"/console/hotline/snippets/{snippet.id}/edit",
        data={"title": "告知 110", "body": "已告知 110 与 12338。"},
    )
    assert edited.status_code == 303
    db.session.refresh(snippet)
    assert (snippet.title, snippet.body) == ("告知 110", "已告知 110 与 12338。")
    confirm = client.get(f"/console/hotline/snippets/{snippet.id}/delete")
    assert confirm.status_code == 200 and "确定删除" in confirm.get_data(as_text=True)
    assert db.session.scalar(select(NoteSnippet)) is not None  # GET deletes nothing
    assert client.post(f"/console/hotline/snippets/{snippet.id}/delete").status_code == 303
    db.session.expire_all()
    assert db.session.scalar(select(NoteSnippet)) is None


def test_counselor_cannot_edit_snippets_but_inserts_one_without_js(client, login_as, make_booking_case):
    """Snippet admin is admin-only; on the case page a counselor gets one-tap buttons and a no-JS 插入."""
    snippet = snippets.create_snippet("约定回访", "与居民约定下次回访时间。")
    login_as("counselor")
    assert client.get("/console/hotline/snippets/").status_code == 403
    _, case = make_booking_case()
    page = client.get(_url(case)).get_data(as_text=True)
    assert (
        'data-snippet="与居民约定下次回访时间。"' in page and f'<option value="{snippet.id}">约定回访' in page
    )
    inserted = client.post(
        _url(case, "/notes"), data={"body": "已接通。", "snippet": snippet.id, "insert": "1"}
    )
    html = inserted.get_data(as_text=True)
    assert inserted.status_code == 200
    assert "已接通。\n与居民约定下次回访时间。</textarea>" in html
    assert db.session.scalar(select(CaseNote)) is None  # inserting saves nothing


def _end_session_records():
    db.session.execute(update(StaffSession).values(ended_at=utcnow()))
    db.session.commit()


def _sign_in(client, username, step=0, login_url="/login"):
    """Password and code (``step``: a later code, as each code works once)."""
    response = client.post(login_url, data={"username": username, "password": PASSWORD})
    if response.headers["Location"].endswith("/login/code"):
        response = client.post("/login/code", data={"code": totp_code(step)})
    return response


def test_note_survives_an_expired_session_without_js(client, make_user, make_booking_case):
    """An expired session: the posted note is kept (encrypted, not in the URL) and filled back after sign-in."""
    make_user(roles=("counselor",), username="zhao", password=PASSWORD)
    _, case = make_booking_case()
    _sign_in(client, "zhao")
    assert client.get(_url(case)).status_code == 200
    _end_session_records()  # the session expires while the counselor writes

    response = client.post(_url(case, "/notes"), data={"body": SECRET_NOTE})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/login?next=/console/hotline/cases/{case.number}"
    raw = db.session.execute(text("SELECT body FROM hotline_note_drafts")).scalar_one()
    assert SECRET_NOTE not in raw  # encrypted at rest

    landed = _sign_in(client, "zhao", step=1, login_url=response.headers["Location"])
    assert landed.headers["Location"] == _url(case)
    page = client.get(_url(case)).get_data(as_text=True)
    assert f"{SECRET_NOTE}</textarea>" in page
    assert "已填回上次没有保存成功的记录" in page
    assert db.session.scalar(select(NoteDraft)) is None  # taken once
    assert SECRET_NOTE not in client.get(_url(case)).get_data(as_text=True)


def test_stale_page_keeps_the_note_with_htmx(client, login_as, make_booking_case):
    """A stale CSRF token (page left open across a new sign-in): htmx is sent to the case page, text filled."""
    login_as("counselor")
    _, case = make_booking_case()
    response = client.post(
        _url(case, "/notes"),
        data={"body": SECRET_NOTE, "csrf_token": "stale"},
        headers={"HX-Request": "true"},
        csrf=False,
    )
    assert response.status_code == 200 and response.headers["HX-Redirect"] == _url(case, "#note-add")
    assert SECRET_NOTE in client.get(_url(case)).get_data(as_text=True)


def test_no_draft_for_another_site_or_another_user(client, login_as, make_user, make_booking_case):
    """A cross-site post keeps nothing (the usual 400); a draft is only filled back for its writer."""
    login_as("counselor")
    _, case = make_booking_case()
    cross = client.post(
        _url(case, "/notes"),
        data={"body": SECRET_NOTE, "csrf_token": "x"},
        headers={"Sec-Fetch-Site": "cross-site"},
        csrf=False,
    )
    assert cross.status_code == 400 and db.session.scalar(select(NoteDraft)) is None
    other = make_user(roles=("counselor",))
    token = snippets.keep_draft(case.id, other.id, SECRET_NOTE)
    assert snippets.take_draft(token, case.id, other.id + 1000) is None
    assert snippets.take_draft(token, case.id, other.id) == SECRET_NOTE


def test_purge_deletes_stale_drafts(app, make_user, make_booking_case):
    """Drafts nobody came back for within a day are deleted by the purge."""
    from datetime import timedelta

    from app.hotline.cases.purge import purge_personal_data

    user = make_user(roles=("counselor",))
    _, case = make_booking_case()
    snippets.keep_draft(case.id, user.id, SECRET_NOTE)
    purge_personal_data()
    assert db.session.scalar(select(NoteDraft)) is not None  # fresh: kept
    purge_personal_data(now=utcnow() + timedelta(hours=snippets.DRAFT_HOURS + 1))
    assert db.session.scalar(select(NoteDraft)) is None


def test_no_draft_for_a_non_counselor(client, login_as, make_booking_case):
    """An admin's stale post to a case's notes keeps nothing (the usual 400)."""
    login_as("admin")
    _, case = make_booking_case()
    response = client.post(
        _url(case, "/notes"), data={"body": SECRET_NOTE, "csrf_token": "stale"}, csrf=False
    )
    assert response.status_code == 400 and db.session.scalar(select(NoteDraft)) is None
