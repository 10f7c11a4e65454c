"""Second factor in Chromium at phone size (issue 15): enrolment and sign-in, with and without JavaScript."""

import re

import pyotp
from playwright.sync_api import expect

from tests.conftest import totp_code

PASSWORD = "long-enough-pass"


def test_counselor_enrols_and_signs_in(page, make_user, axe_violations):
    """A counselor's first sign-in: password, QR page (inline SVG, secret as text), code, recovery codes, console."""
    make_user(roles=("counselor",), username="b-new-counselor", password=PASSWORD, mfa=False)
    page.goto("/login")
    page.fill("#username", "b-new-counselor")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("form button[type=submit]:has-text('登录')")
    assert page.url.endswith("/login/mfa-setup")
    expect(page.locator(".qr svg")).to_be_visible()
    code_field = page.locator("#code")
    assert code_field.get_attribute("autocomplete") == "one-time-code"
    assert code_field.get_attribute("inputmode") == "numeric"
    assert axe_violations(page) == []
    secret = re.sub(r"\s", "", page.locator(".otp-secret").inner_text())
    code_field.fill(pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.click("button:has-text('确认绑定')")
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    assert axe_violations(page) == []
    page.click("a:has-text('我已保存，继续')")
    page.wait_for_url("**/console/hotline/")  # a counselor lands on 今日 (issue 13)
    expect(page.locator("h1")).to_contain_text("今日")
    assert page.csp_violations == []


def test_sign_in_with_code_without_javascript(browser, live_server, make_user):
    """With JavaScript off, password and code pages are plain forms that sign the counselor in."""
    make_user(roles=("counselor",), username="b-nojs-counselor", password=PASSWORD)
    context = browser.new_context(
        java_script_enabled=False,
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        locale="zh-CN",
    )
    try:
        page = context.new_page()
        page.goto("/login")
        page.fill("#username", "b-nojs-counselor")
        page.fill("#password", PASSWORD)
        page.click("form button[type=submit]:has-text('登录')")
        page.wait_for_url("**/login/code")
        page.fill("#code", "000000")
        page.click("button:has-text('验证并登录')")
        expect(page.locator(".field.has-error")).to_contain_text("验证码不正确")
        page.fill("#code", totp_code())
        page.click("button:has-text('验证并登录')")
        page.wait_for_url("**/console/hotline/")  # a counselor lands on 今日 (issue 13)
        expect(page.locator("h1")).to_contain_text("今日")
    finally:
        context.close()
