"""Issue 13 journeys at 390×844 (phone) and 1366×768 (desktop): a closed day's call list and one-tap move;
joining a waitlist for a full day and accepting the offer after a cancellation."""

import pytest
from playwright.sync_api import expect

from app.hotline.booking import services
from tests.browser.conftest import CONTEXT_OPTIONS
from tests.hotline.factories import book, create_slot, future_day

PASSWORD = "counselor-closure-pw-2026"
VIEWPORTS = {
    "phone": CONTEXT_OPTIONS,
    "desktop": {
        "viewport": {"width": 1366, "height": 768},
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
    },
}


@pytest.fixture(params=list(VIEWPORTS))
def any_page(request, browser, live_server, app):
    """A fresh page at the phone or the desktop size."""
    context = browser.new_context(base_url=live_server.url, **VIEWPORTS[request.param])
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.csp_violations = []
    page.on(
        "console",
        lambda m: (
            m.type == "error" and "Content Security Policy" in m.text and page.csp_violations.append(m.text)
        ),
    )
    yield page
    context.close()
    assert page.csp_violations == []


def _look_up(page, reference: str, phone: str) -> None:
    page.goto("/hotline/manage")
    page.get_by_label("预约编号").fill(reference)
    page.get_by_label("预约时留的手机号码").fill(phone)
    page.get_by_role("button", name="查询").click()


def test_closed_day_call_list_and_one_tap_move(any_page, make_user, browser_login, axe_violations):
    """A counselor closes a booked day → call list with 拨打 links; the resident moves with one tap."""
    page = any_page
    make_user(roles=("counselor",), username="b-closer", password=PASSWORD)
    slot = create_slot()
    target = create_slot(day=future_day(4))
    booking = book(slot, phone="13812340001", nickname="刘阿姨")

    browser_login(page, "b-closer", PASSWORD)
    page.goto("/console/hotline/schedule/")
    page.fill("#closed_on", slot.local_start.date().isoformat())
    page.fill("#reason", "培训")
    page.get_by_role("button", name="添加休息日").click()
    expect(page.locator("h1")).to_have_text("改期来电名单")
    call = page.locator(".call-list a.tel")
    expect(call).to_have_attribute("href", "tel:13812340001")
    expect(page.locator(".call-list")).to_contain_text("138****0001")
    assert axe_violations(page) == []
    page.context.clear_cookies()

    _look_up(page, booking.reference, "13812340001")
    expect(page.get_by_role("heading", name="您的预约需要改期")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name=f"改到 {target.label}").click()
    expect(page.locator(".alert-success")).to_contain_text(f"已改到 {target.label}")
    expect(page.get_by_role("heading", name="您的预约需要改期")).to_have_count(0)


def test_waitlist_join_then_accept_the_offer(any_page, axe_violations):
    """A full day → 加入候补 → a booking is cancelled → the resident looks the reference up and accepts."""
    page = any_page
    slot = create_slot()
    taken = book(slot, phone="13812340002")

    page.goto("/hotline/book")
    page.get_by_label("婚姻关系调适").check()
    page.get_by_role("button", name="继续").click()
    page.get_by_label("电话回访").check()
    page.get_by_role("button", name="继续").click()
    page.wait_for_url("**/hotline/book/time")
    page.get_by_role("link", name="已约满 · 加入候补").first.click()
    expect(page.locator("h1")).to_have_text("加入候补")
    page.get_by_label("怎么称呼您").fill("张大姐")
    page.locator("#phone").fill("139 0000 2222")
    page.get_by_label("我同意热线保存", exact=False).check()
    assert axe_violations(page) == []
    page.get_by_role("button", name="加入候补").click()
    expect(page.locator("h1")).to_have_text("您的候补")
    reference = page.locator(".reference-inline").inner_text().strip()
    expect(page.locator(".summary-list")).to_contain_text("候补中")
    assert axe_violations(page) == []

    services.cancel_booking(taken.reference, "13812340002")
    page.context.clear_cookies()
    _look_up(page, reference, "13900002222")
    expect(page.get_by_role("heading", name="有空位了，等您确认")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="确认预约这个时间").click()
    expect(page.locator("h1")).to_have_text("您的预约")
    expect(page.locator(".summary-list")).to_contain_text(slot.label)
