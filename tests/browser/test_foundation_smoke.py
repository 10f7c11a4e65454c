"""Smoke test: the browser fixtures drive Chromium against the live server."""


def test_home_page_renders_in_chromium(page, axe_violations):
    """The home page loads in headless Chromium with the three sections and no serious axe violations."""
    response = page.goto("/")
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator(".site-nav").inner_text().count("红色地名") == 1
    assert page.evaluate("() => typeof window.htmx") == "object"
    assert axe_violations(page) == []


def test_elder_page_has_elder_mode(elder_page):
    """The ``elder_page`` fixture starts with 长辈模式 on."""
    elder_page.goto("/")
    assert "elder" in (elder_page.locator("html").get_attribute("class") or "")
