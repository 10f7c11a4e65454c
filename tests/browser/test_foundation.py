"""Foundation user journeys in a real browser: sign in, 长辈模式, hx-boost history, axe on every public page.

Which pages get the axe scan is decided at run time, so pages added by other packages are covered:
- every public GET route without arguments in ``app.url_map`` (not /console, /account, /api, nor
  JSON/XML/text/calendar/CSV documents);
- the login page;
- sample detail pages: with each feature's demo data loaded (the ``flask demo load`` loaders), up to
  ``SAMPLES_PER_SECTION`` URLs per first path segment from /sitemap.xml, plus ``EXTRA_URLS`` below and any
  paths listed one per line in ``tests/browser/axe_urls_<feature>.txt`` (owned by each feature).
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from app.web.registry import get_registry

PASSWORD = "long-enough-pass"
SAMPLES_PER_SECTION = 2
EXTRA_URLS: list[str] = ["/login?next=/console/"]
NON_PAGE_SUFFIXES = (".json", ".xml", ".txt", ".geojson", ".csv", ".ics", ".xlsx", ".svg", ".png", ".jpg")
EXCLUDED_PREFIXES = ("/console", "/account", "/api/", "/static/", "/healthz", "/logout", "/_")


def public_pages(app) -> list[str]:
    """Public GET pages without URL arguments, from the app's URL map."""
    pages = set()
    for rule in app.url_map.iter_rules():
        path = rule.rule
        if "GET" not in rule.methods or rule.arguments or rule.endpoint == "static":
            continue
        if path.startswith(EXCLUDED_PREFIXES) or path.endswith(NON_PAGE_SUFFIXES):
            continue
        pages.add(path)
    return sorted(pages | {"/login"})


def _load_demo_data(app) -> None:
    """Run every feature's demo loader (as `flask demo load` does) so detail pages have content."""
    from app.demo import load_staff

    load_staff()
    for _name, loader in sorted(get_registry(app).demo, key=lambda item: item[0]):
        loader()


def sample_detail_urls(page) -> list[str]:
    """A few public detail URLs per section from /sitemap.xml, plus the declared extra URLs."""
    response = page.request.get("/sitemap.xml")
    assert response.ok, f"/sitemap.xml answered {response.status}"
    paths = [urlsplit(loc).path for loc in re.findall(r"<loc>([^<]+)</loc>", response.text())]
    by_section: dict[str, list[str]] = {}
    for path in paths:
        section = path.strip("/").split("/")[0]
        if path.count("/") >= 2 and path.rstrip("/").count("/") >= 2:
            by_section.setdefault(section, []).append(path)
    samples = [p for section in sorted(by_section) for p in by_section[section][:SAMPLES_PER_SECTION]]
    extra = list(EXTRA_URLS)
    for listing in sorted(Path(__file__).parent.glob("axe_urls_*.txt")):
        extra += [line.strip() for line in listing.read_text().splitlines() if line.strip().startswith("/")]
    return samples + extra


def _scan(pg, axe_violations, urls) -> dict[str, list]:
    """Scan each URL's page once: several wizard and sign-in URLs redirect to the same page."""
    problems = {}
    scanned = set()
    for url in urls:
        response = pg.goto(url)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        landed = pg.url
        if landed in scanned and response.status < 500:
            continue
        scanned.add(landed)
        if response.status >= 500:
            problems[url] = [f"HTTP {response.status}"]
            continue
        found = axe_violations(pg)
        if found:
            problems[url] = [f"{v['impact']} {v['id']}: {v['help']} {v['nodes'][:2]}" for v in found]
    return problems


def test_axe_every_public_page(page, elder_page, live_server, app, axe_violations):
    """Every public page, the login page and sample detail pages have no serious/critical axe violations,
    in normal and in 长辈模式."""
    _load_demo_data(app)  # once for both modes: the demo loaders are the slow part
    urls = public_pages(live_server.app)
    assert "/" in urls and "/login" in urls
    urls += sample_detail_urls(page)
    print("axe scan:", urls)
    problems = {}
    for mode, pg in (("normal", page), ("elder", elder_page)):
        for url, items in _scan(pg, axe_violations, urls).items():
            problems[f"{url} [{mode}]"] = items
    assert problems == {}, "\n".join(f"{url}: {items}" for url, items in problems.items())


def test_sign_in_and_out(page, make_user, browser_login):
    """A staff member signs in through the form, sees the console, and signs out."""
    make_user(roles=("editor", "archivist"), username="wangli", password=PASSWORD)  # several roles: home
    browser_login(page, "wangli", PASSWORD)
    assert page.url.endswith("/console/")
    assert page.locator("h1").inner_text() == "工作台"
    page.click("button:has-text('退出登录')")
    page.wait_for_url("**/")
    # the flash area is always on the page (issue 13): wait for the message itself
    assert "您已安全退出" in page.locator(".flashes .alert").inner_text()
    page.goto("/console/")
    assert "/login?next=" in page.url


def test_wrong_password_shows_generic_message(page, make_user):
    """A wrong password keeps the username and shows the generic Chinese error."""
    make_user(roles=("editor",), username="wangli", password=PASSWORD)
    page.goto("/login")
    page.fill("#username", "wangli")
    page.fill("#password", "not-the-password")
    page.click("form button[type=submit]:has-text('登录')")
    assert page.locator(".error-summary").inner_text().strip() == "用户名或密码不正确。"
    assert page.input_value("#username") == "wangli"


def _tap_target_sizes(pg) -> list[dict]:
    return pg.evaluate(
        """() => Array.from(document.querySelectorAll(
              '.site-header a, .site-header button, .site-header input, main .btn, main button, main input'))
            .filter(el => el.offsetParent !== null && el.type !== 'hidden')
            .map(el => { const r = el.getBoundingClientRect();
                         return {text: (el.innerText || el.name || el.id).trim(), w: r.width, h: r.height}; })"""
    )


def test_elder_mode_toggle(page):
    """长辈模式 switches to >= 18 px text and >= 60x60 px tap targets, is remembered, and switches back."""
    page.goto("/")
    normal_size = float(page.evaluate("getComputedStyle(document.body).fontSize").removesuffix("px"))
    assert normal_size >= 16
    page.click("button:has-text('长辈模式')")
    page.wait_for_selector("html.elder", state="attached")
    size = float(page.evaluate("getComputedStyle(document.body).fontSize").removesuffix("px"))
    assert size >= 18
    small = [t for t in _tap_target_sizes(page) if t["h"] < 60 or t["w"] < 60]
    assert small == []
    page.goto("/login")  # remembered in a cookie across pages
    assert "elder" in page.locator("html").get_attribute("class")
    small = [t for t in _tap_target_sizes(page) if t["h"] < 60 or t["w"] < 60]
    assert small == []
    page.click("button:has-text('标准模式')")
    page.wait_for_selector("html:not(.elder)", state="attached")
    assert page.url.endswith("/login")


def test_elder_toggle_works_without_javascript(browser, live_server):
    """With JavaScript off the elder-mode button is a plain form POST and still works."""
    from tests.browser.conftest import CONTEXT_OPTIONS

    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, **CONTEXT_OPTIONS)
    try:
        pg = context.new_page()
        pg.goto("/")
        pg.click("button:has-text('长辈模式')")
        pg.wait_for_selector("html.elder", state="attached")
    finally:
        context.close()


def test_boosted_navigation_and_back_button(page):
    """Nav links are hx-boosted (no full reload), update the URL, and back/forward show the right page."""
    page.goto("/")
    page.evaluate("window.__sameDocument = true")
    target = None
    for link in page.locator(".site-nav a").all():
        href = link.get_attribute("href")
        if href != "/" and page.request.get(href).ok:
            target = (link, href)
            break
    if target is None:  # no section page exists yet: use the login page link
        target = (page.locator("a:has-text('工作人员入口')"), "/login")
    link, href = target
    link.click()
    page.wait_for_url(f"**{href}*")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__sameDocument === true"), "navigation was a full reload, not hx-boost"
    title_there = page.title()
    assert title_there and page.locator(".entry-grid").count() == 0
    page.go_back()
    page.wait_for_url(live_server_root(page))
    page.wait_for_selector(".entry-grid")
    assert page.locator("h1").first.inner_text()
    page.go_forward()
    page.wait_for_url(f"**{href}*")
    page.wait_for_function("title => document.title === title", arg=title_there)
    assert page.locator(".entry-grid").count() == 0


def live_server_root(pg) -> str:
    return f"{urlsplit(pg.url).scheme}://{urlsplit(pg.url).netloc}/"


def test_admin_edits_user_inline(page, make_user, browser_login):
    """An admin edits a user's roles inline: the row becomes a form and back, without a page load."""
    make_user(roles=("admin",), username="boss", password=PASSWORD)
    target = make_user(roles=("editor",), username="lisi", password=PASSWORD)
    browser_login(page, "boss", PASSWORD)
    page.goto("/console/users/")
    page.evaluate("window.__sameDocument = true")
    row = page.locator(f"#user-{target.id}")
    row.locator("a:has-text('编辑')").click()
    page.wait_for_selector(f"#user-{target.id}.editing")
    page.check(f"#user-{target.id} input[value=counselor]")
    page.uncheck(f"#user-{target.id} input[value=editor]")
    page.click(f"#user-{target.id} button:has-text('保存')")
    page.wait_for_selector(f"#user-{target.id}:not(.editing)")
    assert "热线咨询员" in page.locator(f"#user-{target.id} .user-roles").inner_text()
    assert page.evaluate("window.__sameDocument === true")
    # An invalid edit (no role) shows the error in place with the typed name kept.
    page.locator(f"#user-{target.id} a:has-text('编辑')").click()
    page.wait_for_selector(f"#user-{target.id}.editing")
    page.fill(f"#u{target.id}-display_name", "新名字")
    page.uncheck(f"#user-{target.id} input[value=counselor]")
    page.click(f"#user-{target.id} button:has-text('保存')")
    page.wait_for_selector(f"#user-{target.id} .error-message")
    assert page.input_value(f"#u{target.id}-display_name") == "新名字"


@pytest.mark.parametrize("width", [360, 430])
def test_header_fits_phone_widths(width, browser, live_server):
    """At 360 and 430 px, in both modes, nothing scrolls sideways and every nav tab is fully visible."""
    from tests.browser.conftest import CONTEXT_OPTIONS

    options = dict(CONTEXT_OPTIONS, viewport={"width": width, "height": 800})
    for elder in (False, True):
        context = browser.new_context(base_url=live_server.url, **options)
        if elder:
            context.add_cookies([{"name": "elder", "value": "1", "url": live_server.url}])
        try:
            pg = context.new_page()
            pg.goto("/")
            assert pg.evaluate("document.documentElement.scrollWidth") <= width
            for box in pg.evaluate(
                "Array.from(document.querySelectorAll('.site-nav a, .header-top > *'))"
                ".map(el => { const r = el.getBoundingClientRect(); return [r.left, r.right]; })"
            ):
                assert box[0] >= 0 and box[1] <= width, (elder, box)
            heading_lines = pg.evaluate(
                "(() => { const r = document.querySelector('.brand span').getBoundingClientRect();"
                " return Math.round(r.height / parseFloat(getComputedStyle(document.querySelector('.brand')).lineHeight)); })()"
            )
            assert heading_lines == 1, "the bureau name wraps"
        finally:
            context.close()
