"""Browser fixtures: one headless Chromium per session, a live server on the test database, axe-core.

Under pytest-xdist every worker is a session: its own Chromium and live server (a free port), on the
worker's own database and search index (tests/conftest.py), so browser tests run on any worker.

API (used by every ``tests/browser/test_*.py``):

- ``live_server`` (session): ``.url`` such as ``http://127.0.0.1:54321``. It serves ``create_app`` on the
  same migrated test database and search-index directory as the ``app`` fixture, so data a test creates
  through services (inside the ``app`` fixture) is visible to the browser.
- ``page``: a Playwright sync ``Page`` in a fresh context (390×844, device scale 2, mobile, touch, zh-CN,
  ``base_url`` = ``live_server.url``), so ``page.goto("/places/")`` works. ``elder_page``: the same with
  长辈模式 switched on (the ``elder`` cookie).
- ``axe_violations(page)`` → list of serious/critical axe-core violations (assert it is ``[]``).
- ``browser_login(page, username, password)``: signs in through the real login form.

Decisions:

- The contexts do NOT bypass the CSP: the pages run under the same strict policy as production, so a
  test would notice an inline style or script being blocked. Every CSP violation Chromium reports is
  collected in ``page.csp_violations`` and fails the test at teardown. axe-core is evaluated through the
  DevTools protocol (``page.evaluate``), which page CSP does not govern (an injected script tag would be
  blocked and reported as a violation).
- The live server's login rate limit is raised (``LOGIN_RATE_LIMIT``) so that many browser sign-ins in
  one session never hit 429; rate limiting itself stays on and is tested through the test client.
- Chromium missing: the tests skip with a reason, except under ``CI=true`` where that is a failure.
"""

import functools
import json
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app.search.words import tokenizer
from tests.conftest import totp_code

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
AXE_JS = ROOT / "static" / "vendor" / "axe.min.js"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
CONTEXT_OPTIONS = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(config, items):
    """Every test under tests/browser gets the ``browser`` marker."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests must run under CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the whole session (never a Playwright-downloaded build)."""
    if not Path(CHROMIUM).exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium fonts-noto-cjk, or run `make test`)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - dev dependency missing
        _unavailable("the playwright Python package is not installed (pip install -e '.[dev]')")
    manager = sync_playwright().start()
    try:
        chromium = manager.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
    except Exception as exc:
        manager.stop()
        _unavailable(f"Chromium did not start: {exc}")
    yield chromium
    chromium.close()
    manager.stop()


def _buffered(wsgi_app):
    """Read each response fully and close it at once.

    When the browser drops a connection (a page navigates away while print.css is still loading), the
    dev server may never close a streamed file; with ``filterwarnings = error`` the ResourceWarning
    would then fail some unrelated test. Buffering makes every response close in the server thread.
    """

    def app(environ, start_response):
        result = wsgi_app(environ, start_response)
        try:
            return [b"".join(result)]
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()

    return app


class LiveServer:
    """A werkzeug server running the app in a daemon thread on a free port."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, _buffered(app), threaded=True)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, name="live-server", daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.thread.join(timeout=5)
        self.server.server_close()


@pytest.fixture(scope="session")
def live_server(app_config):
    """The site served over HTTP on the session's test database."""
    from app import create_app

    config = dict(app_config)
    config["LOGIN_RATE_LIMIT"] = "10000 per minute"
    app = create_app(config)
    # jieba's dictionary loads once per process on the first search (~1 s of CPU, several seconds on a loaded
    # machine): load it here, so no journey's first search waits for it inside its 10 s navigation timeout.
    tokenizer()
    server = LiveServer(app).start()
    yield server
    server.stop()
    with app.app_context():
        from app.extensions import db

        db.engine.dispose()


def _new_page(browser, live_server, elder: bool):
    context = browser.new_context(base_url=live_server.url, **CONTEXT_OPTIONS)
    context.set_default_timeout(10_000)
    if elder:
        context.add_cookies([{"name": "elder", "value": "1", "url": live_server.url}])
    page = context.new_page()
    page.csp_violations = []

    def on_console(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            page.csp_violations.append(message.text)

    page.on("console", on_console)
    return context, page


def _close(context, page):
    violations = list(page.csp_violations)
    context.close()
    if violations:
        pytest.fail("CSP violations in the browser:\n" + "\n".join(violations), pytrace=False)


@pytest.fixture
def page(browser, live_server, app):
    """A fresh phone-sized browser page (390×844, zh-CN) whose relative URLs go to the live server."""
    context, pg = _new_page(browser, live_server, elder=False)
    yield pg
    _close(context, pg)


@pytest.fixture
def elder_page(browser, live_server, app):
    """Like ``page``, with 长辈模式 switched on."""
    context, pg = _new_page(browser, live_server, elder=True)
    yield pg
    _close(context, pg)


@functools.cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def run_axe(pg) -> list[dict]:
    """Run axe-core (WCAG 2.0/2.1 A and AA) on ``pg``; return its serious and critical violations."""
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `make vendor` (npm ci copies axe-core)", pytrace=False)
    if not pg.evaluate("() => typeof window.axe !== 'undefined'"):
        # Every page runs under a strict CSP that blocks an injected <script> tag; a DevTools evaluation is
        # not subject to it, and leaves nothing in <head> for htmx's history snapshots to keep.
        pg.evaluate(_axe_source() + "\n;0")
    result = pg.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
            .then(r => r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.slice(0, 5).map(n => ({target: n.target, summary: n.failureSummary}))
            })))""",
        AXE_TAGS,
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


@pytest.fixture
def axe_violations():
    """``axe_violations(page)`` → serious/critical WCAG violations (printable; assert ``== []``)."""

    def check(pg):
        violations = run_axe(pg)
        if violations:
            print(json.dumps(violations, ensure_ascii=False, indent=1))
        return violations

    return check


@pytest.fixture
def browser_login():
    """``browser_login(page, username, password)``: sign in through the login form; returns the page."""

    def do_login(pg, username, password, next_url=None):
        pg.goto("/login" + (f"?next={next_url}" if next_url else ""))
        pg.fill("#username", username)
        pg.fill("#password", password)
        with pg.expect_navigation():
            pg.click("form button[type=submit]:has-text('登录')")
        for offset in (0, 1):  # issue 15: the second factor (TEST_TOTP_SECRET); +1 if this step was used
            if "/login/code" not in pg.url:
                break
            pg.fill("#code", totp_code(offset))
            with pg.expect_navigation():
                pg.click("form button[type=submit]:has-text('验证并登录')")
        if "/login" in pg.url:
            raise AssertionError(f"sign-in as {username!r} failed: still on {pg.url}")
        return pg

    return do_login
