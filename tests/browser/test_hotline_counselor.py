"""Counselor journey at 390×844: Today → case → note → failed call → close with outcome → statistics."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.hotline.cases import services as cases
from app.web.time import local_day_bounds, local_today, utcnow
from tests.hotline.factories import make_booking_case, phone_in

PASSWORD = "counselor-browser-pw-2026"


@pytest.fixture
def counselor(app, make_user):
    return make_user(roles=("counselor",), username="b-counselor", password=PASSWORD)


def _seed(counselor):
    """Five closed 调解成功 cases (so the change to six is visible past the "<5" rule) and a booking today."""
    for i in range(5):
        case = phone_in(counselor, phone=f"1350000{i:04d}")
        cases.change_status(case, "已结案", counselor, "调解成功")
    start = max(utcnow() - timedelta(minutes=5), local_day_bounds(local_today())[0])
    _, case = make_booking_case(start=start, nickname="周阿姨", phone="13812345678")
    return case


def test_counselor_handles_a_case_and_sees_statistics_change(page, counselor, browser_login, axe_violations):
    """A counselor opens Today, the case, adds a note, logs 未接通, closes with 调解成功, sees stats go 5 → 6."""
    case = _seed(counselor)
    browser_login(page, "b-counselor", PASSWORD)

    page.goto("/console/hotline/")
    card = page.locator(f"a.case-card:has-text('{case.number}')")
    expect(card).to_contain_text("138****5678")
    assert "13812345678" not in page.content()
    assert axe_violations(page) == []
    card.click()
    expect(page.locator("h1")).to_have_text(f"个案 {case.number}")
    expect(page.locator(".resident-card")).to_contain_text("13812345678")
    assert axe_violations(page) == []

    page.fill("#body", "第一次联系前的准备：居民希望上午联系。")
    page.click("button:has-text('保存记录')")
    expect(page.locator(".case-message")).to_contain_text("记录已保存")
    expect(page.locator(".note-list")).to_contain_text("居民希望上午联系")
    assert "hotline/cases" in page.url and "/notes" not in page.url  # swapped in place, no navigation

    page.click("button[value='未接通']")
    expect(page.locator(".case-message")).to_contain_text("已记录联系情况")
    expect(page.locator(".timeline")).to_contain_text("未接通")

    page.select_option("#status", "已结案")
    page.select_option("#outcome", "调解成功")
    page.click("button:has-text('更新状态')")
    expect(page.locator(".case-message")).to_contain_text("状态已更新")
    expect(page.locator(".case-state")).to_contain_text("已结案")
    expect(page.locator(".case-state")).to_contain_text("调解成功")
    assert axe_violations(page) == []

    page.click("nav.case-nav a:has-text('统计')")
    expect(page.locator("#stat-closed")).to_have_text("6")
    expect(page.locator("#chart-outcome-desc")).to_contain_text("调解成功 6")
    assert axe_violations(page) == []


def test_case_actions_work_without_javascript(browser, live_server, counselor, browser_login):
    """With JavaScript off the same forms post normally and land back on the case page."""
    case = _seed(counselor)
    context = browser.new_context(
        java_script_enabled=False,
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        locale="zh-CN",
    )
    try:
        page = context.new_page()
        browser_login(page, "b-counselor", PASSWORD)
        page.goto(f"/console/hotline/cases/{case.number}")
        page.fill("#body", "无脚本也能保存")
        page.click("button:has-text('保存记录')")
        expect(page.locator(".flashes")).to_contain_text("记录已保存")
        expect(page.locator(".note-list")).to_contain_text("无脚本也能保存")
        page.click("button[value='未接通']")
        expect(page.locator(".timeline")).to_contain_text("未接通")
    finally:
        context.close()


def test_case_list_live_search(page, counselor, browser_login, axe_violations):
    """Typing a booking reference narrows the list in place and pushes the full-page URL."""
    case = _seed(counselor)
    browser_login(page, "b-counselor", PASSWORD)
    page.goto("/console/hotline/cases/")
    expect(page.locator("#case-results .case-card")).to_have_count(6)
    assert axe_violations(page) == []
    page.fill("#case-q", case.booking.reference_display)
    expect(page.locator("#case-results .case-card")).to_have_count(1)
    expect(page.locator("#case-results")).to_contain_text(case.number)
    expect(page).to_have_url(re.compile(r"[?&]q="))
    page.reload()
    expect(page.locator("#case-results .case-card")).to_have_count(1)
