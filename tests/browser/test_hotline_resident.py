"""Resident journeys in a phone-sized Chromium: book, confirm, .ics, find, move, cancel; quick exit; axe."""

import os
import re
from datetime import time
from pathlib import Path

from app.hotline.booking.models import Booking
from tests.hotline.factories import create_slot

SHOTS = os.environ.get("HOTLINE_SHOTS")  # set to a directory to keep screenshots of each step


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        # caret="initial": hiding the caret injects a <style>, which our CSP (rightly) reports.
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True, caret="initial")


def _continue(page):
    page.get_by_role("button", name="继续").click()
    page.wait_for_load_state()


def test_resident_books_downloads_ics_finds_moves_and_cancels(page, axe_violations, app, tmp_path):
    """The whole resident journey works on a phone and every page is axe clean."""
    first = create_slot(at=time(9))
    second = create_slot(at=time(10, 30))
    day_label = f"{first.local_start.month}月{first.local_start.day}日"

    page.goto("/hotline/")
    assert axe_violations(page) == []
    _shot(page, "01-intro")
    page.get_by_role("link", name="开始预约").click()
    page.wait_for_url("**/hotline/book")
    page.get_by_label("家庭矛盾纠纷").check()
    assert axe_violations(page) == []
    _continue(page)
    page.wait_for_url("**/hotline/book/mode")
    page.get_by_label("电话回访").check()
    _continue(page)
    page.wait_for_url("**/hotline/book/time")

    page.locator(".day-link", has_text=day_label).click()  # htmx swaps in that day's times
    page.wait_for_url("**/hotline/book/time?date=*")  # pushed by htmx after the swap
    page.wait_for_selector(f"#slot-{first.id}")
    assert axe_violations(page) == []
    _shot(page, "03-time")
    page.locator(f"label[for='slot-{first.id}']").click()
    _continue(page)
    page.wait_for_url("**/hotline/book/details")

    page.get_by_label("怎么称呼您").fill("王阿姨")
    page.get_by_label("手机号码").fill("138 1234 1234")
    page.get_by_label("想先说说情况吗（可以不填）").fill("孙子上学的事和家里意见不一样")
    assert "还可以写" in page.locator(".char-count").inner_text()
    page.wait_for_timeout(2100)  # a person takes longer than the 2-second bot check
    assert axe_violations(page) == []
    _shot(page, "04-details")
    _continue(page)

    page.wait_for_url("**/hotline/book/consent")
    page.get_by_label("我同意热线保存", exact=False).check()
    _continue(page)
    page.wait_for_url("**/hotline/book/check")
    assert page.get_by_role("heading", name="请核对您的预约").is_visible()
    assert axe_violations(page) == []
    _shot(page, "06-check")
    page.get_by_role("button", name="确认预约").click()
    page.wait_for_url("**/hotline/book/confirmation")
    reference = page.locator(".reference").inner_text().strip()
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", reference)
    assert "婚姻" not in page.title() and "调解" not in page.title()
    assert axe_violations(page) == []
    _shot(page, "07-confirmation")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="存到手机日历").click()
    ics = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert "SUMMARY:幸福泉城服务预约" in ics and "婚姻" not in ics and "调解" not in ics

    page.goto("/hotline/manage")
    page.get_by_label("预约编号").fill(reference.lower())
    page.get_by_label("预约时留的手机号码").fill("13812341234")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**/hotline/manage/booking")
    assert "138****1234" in page.content() and "13812341234" not in page.content()
    assert axe_violations(page) == []
    _shot(page, "08-manage")

    page.get_by_role("link", name="改时间").click()
    page.wait_for_selector(f"#slot-{second.id}")
    assert page.locator(f"#slot-{first.id}").count() == 0
    page.locator(f"label[for='slot-{second.id}']").click()
    page.get_by_role("button", name="改到这个时间").click()
    page.wait_for_selector("text=已改到")
    assert "10:30" in page.locator(".summary-list").inner_text()

    page.get_by_role("link", name="取消预约").click()
    page.get_by_role("button", name="确定取消").click()
    page.wait_for_selector("h1:has-text('预约已取消')")
    assert axe_violations(page) == []

    from app.extensions import db

    db.session.expire_all()
    booking = db.session.query(Booking).one()
    assert booking.status == "cancelled" and booking.slot_id == second.id


def test_quick_exit_replaces_the_page(page, live_server):
    """快速离开 opens a neutral site and the hotline page is not one Back press away."""
    page.route(
        "https://www.baidu.com/**",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<html><body>天气</body></html>"
        ),
    )
    page.goto("/")
    page.goto("/hotline/")
    page.get_by_role("link", name=re.compile("快速离开")).click()
    page.wait_for_url("https://www.baidu.com/**")
    page.go_back()
    page.wait_for_load_state()
    assert page.url.rstrip("/") == live_server.url
    assert "/hotline" not in page.url


def test_quick_exit_works_without_javascript(browser, live_server):
    """Without JavaScript the exit control is still a plain link to the neutral site."""
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        pg = context.new_page()
        pg.goto("/hotline/book")
        href = pg.locator("[data-quick-exit]").get_attribute("href")
        assert href.startswith("https://www.baidu.com/")
    finally:
        context.close()


def test_elder_mode_booking_pages(elder_page, axe_violations, app):
    """In 长辈模式 the steps have large text and big targets and stay axe clean."""
    create_slot(at=time(9))
    elder_page.goto("/hotline/book")
    size = elder_page.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector('.choice')).fontSize)"
    )
    assert size >= 18
    height = elder_page.evaluate("() => document.querySelector('.quick-exit').getBoundingClientRect().height")
    assert height >= 60
    assert axe_violations(elder_page) == []
    _shot(elder_page, "elder-01-topic")
    elder_page.get_by_label("其他").check()
    _continue(elder_page)
    elder_page.wait_for_url("**/hotline/book/mode")
    elder_page.get_by_label("电话回访").check()
    _continue(elder_page)
    elder_page.wait_for_url("**/hotline/book/time")
    assert axe_violations(elder_page) == []
    _shot(elder_page, "elder-03-time")


def test_danger_words_show_emergency_numbers_at_once(page, app):
    """Typing a danger word into the description shows 110 and 12338 without leaving the page."""
    slot = create_slot(at=time(9))
    page.goto("/hotline/book")
    page.get_by_label("其他").check()
    _continue(page)
    page.wait_for_url("**/hotline/book/mode")
    page.get_by_label("电话回访").check()
    _continue(page)
    page.wait_for_url("**/hotline/book/time")
    page.locator(f"label[for='slot-{slot.id}']").click()
    _continue(page)
    page.wait_for_url("**/hotline/book/details")
    # The URL can change before htmx has processed the new page's attributes: wait for it.
    page.wait_for_function(
        "() => { const t = document.querySelector('textarea[hx-post]');"
        " return !!(t && t['htmx-internal-data'] && t['htmx-internal-data'].initHash); }"
    )
    page.get_by_label("想先说说情况吗（可以不填）").fill("他喝了酒就打我")
    box = page.locator("#triage .urgent-box")
    box.wait_for()
    assert "110" in box.inner_text() and "12338" in box.inner_text()
