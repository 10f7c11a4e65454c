"""A counselor's day (issue 13) at 390×844 and 1366×768: sign-in lands on 今日, a new urgent case appears
after a poll (triggered, not waited for), saved views, one-tap snippets, the two-column case page."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from app.accounts.models import StaffSession
from app.extensions import db
from app.hotline.cases import snippets
from app.web.time import local_day_bounds, local_today, utcnow
from tests.browser.conftest import _close
from tests.hotline.factories import make_booking_case

PASSWORD = "counselor-day-pw-2026"
POLL = "document.body.dispatchEvent(new CustomEvent('today-poll'))"


def _expect_no_local_draft(page, number):
    """The local copy is dropped once the swap settles (polled through CDP: the page CSP forbids eval)."""
    for _ in range(40):
        if page.evaluate(f"localStorage.getItem('zq-note-draft:{number}')") is None:
            return
        page.wait_for_timeout(25)
    raise AssertionError("the saved note's local draft was not cleared")


@pytest.fixture
def counselor(app, make_user):
    snippets.create_snippet("约定回访", "与居民约定下次回访时间，居民同意电话回访。")
    return make_user(roles=("counselor",), username="day-counselor", password=PASSWORD)


@pytest.fixture
def desktop_page(browser, live_server, app):
    """A 1366×768 desktop page (zh-CN), CSP violations failing the test like the phone pages."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1366, "height": 768},
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.csp_violations = []
    page.on(
        "console",
        lambda m: (
            page.csp_violations.append(m.text)
            if m.type == "error" and "Content Security Policy" in m.text
            else None
        ),
    )
    yield page
    _close(context, page)


def test_phone_day_today_poll_saved_view_and_snippet(page, counselor, browser_login, axe_violations):
    """Sign in → 今日; an urgent case arriving shows first after a poll, marked and announced; the 紧急 view
    lists it; on the one-column case page a snippet goes into the note with one tap and is saved."""
    noon = local_day_bounds(local_today())[0] + timedelta(hours=12)
    make_booking_case(start=noon, nickname="上午的")
    browser_login(page, "day-counselor", PASSWORD)
    assert page.url.endswith("/console/hotline/")  # lands on 今日, no click on 工作台 → 热线个案
    expect(page.locator("#today-list")).to_contain_text("上午的")
    assert axe_violations(page) == []

    _, urgent = make_booking_case(start=utcnow() + timedelta(hours=2), urgent=True, nickname="新来的紧急")
    page.evaluate(POLL)
    expect(page.locator(".today-urgent .case-card-new")).to_contain_text("新来的紧急")
    expect(page.locator("#today-announce")).to_contain_text("有 1 个新的紧急个案")
    assert axe_violations(page) == []

    page.click("nav.case-nav a:has-text('个案')")
    page.click(".saved-views a:has-text('紧急')")
    expect(page).to_have_url(f"{page.url.split('/console')[0]}/console/hotline/cases/?view=urgent")
    expect(page.locator("#case-results .case-card")).to_have_count(1)
    page.click(f"#case-results a:has-text('{urgent.number}')")

    main, side = page.locator(".case-col-main").bounding_box(), page.locator(".case-col-side").bounding_box()
    assert side["y"] >= main["y"] + main["height"] - 1  # one column on a phone
    page.fill("#body", "已接通。")
    page.click("[data-snippet-chips] button:has-text('约定回访')")
    expect(page.locator("#body")).to_have_value("已接通。\n与居民约定下次回访时间，居民同意电话回访。")
    assert page.evaluate(f"localStorage.getItem('zq-note-draft:{urgent.number}')")  # kept while writing
    page.click("button:has-text('保存记录')")
    expect(page.locator(".note-list")).to_contain_text("居民同意电话回访")
    _expect_no_local_draft(page, urgent.number)  # saved: dropped


def test_desktop_case_page_has_two_columns(desktop_page, counselor, browser_login, axe_violations):
    """At 1366×768 the details and actions sit beside the notes and timeline."""
    page = desktop_page
    # Noon today (China time), so it is on 今日 whatever the hour: "in two hours" is tomorrow after 22:00.
    noon = local_day_bounds(local_today())[0] + timedelta(hours=12)
    _, case = make_booking_case(start=noon, nickname="桌面")
    browser_login(page, "day-counselor", PASSWORD)
    assert page.url.endswith("/console/hotline/")
    page.click(f"a.case-card:has-text('{case.number}')")
    expect(page.locator("h1")).to_have_text(f"个案 {case.number}")
    main, side = page.locator(".case-col-main").bounding_box(), page.locator(".case-col-side").bounding_box()
    assert side["x"] >= main["x"] + main["width"] and abs(side["y"] - main["y"]) < 2
    expect(page.locator(".case-col-side")).to_contain_text("经过")
    expect(page.locator(".case-col-main")).to_contain_text("记录联系")
    assert axe_violations(page) == []


def test_note_survives_session_expiry_in_the_browser(page, counselor, browser_login):
    """The session ends while a note is being written: 保存记录 leads to sign-in, then back to the case with
    the text in the note box (kept by the server and in localStorage); saving it clears the local copy."""
    _, case = make_booking_case(start=utcnow() + timedelta(hours=2), nickname="过期")
    browser_login(page, "day-counselor", PASSWORD, next_url=f"/console/hotline/cases/{case.number}")
    page.fill("#body", "会话过期前写的记录，不能丢。")
    db.session.execute(update(StaffSession).values(ended_at=utcnow()))
    db.session.commit()
    with page.expect_navigation():
        page.click("button:has-text('保存记录')")
    assert "/login" in page.url
    browser_login(page, "day-counselor", PASSWORD, next_url=f"/console/hotline/cases/{case.number}")
    expect(page.locator("#body")).to_have_value("会话过期前写的记录，不能丢。")
    page.click("button:has-text('保存记录')")
    expect(page.locator(".note-list")).to_contain_text("会话过期前写的记录")
    _expect_no_local_draft(page, case.number)
