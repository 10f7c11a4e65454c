"""Issue 13, the page shell: a boosted click gives every page exactly the stylesheets and scripts of a full
load (htmx's head-support extension), and a page's scripts run once however often one navigates back and
forth (no listener bound twice).

One page object per walk: it signs in once and then only clicks (boosted), so the state it carries is the
state a user's tab carries. A second page in the same context loads each URL fully, once, for the
reference sets.
"""

from datetime import time

import pytest

from app.extensions import db
from app.hotline.booking import calendar
from app.hotline.booking.models import AvailabilityRule, Closure, ExtraWorkday
from app.policies import services as policy_services
from tests.browser.conftest import CONTEXT_OPTIONS
from tests.hotline.factories import create_rule, future_day
from tests.places.samples import add_place

PASSWORD = "shell-walk-password-1"
START = "/console/"
# Counted in the page before any of its scripts run: listeners on document/window by event type, the
# boosted page swaps that settled, and our <script src> elements still loading (a script's load event
# fires after it ran, so "nothing loading" means every added script has run).
PROBE = """(() => {
  const z = window.__shell = {listeners: {}, settled: 0, loading: 0};
  const add = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = function (type, fn, options) {
    if (this === document || this === window) { z.listeners[type] = (z.listeners[type] || 0) + 1; }
    return add.call(this, type, fn, options);
  };
  add.call(document, 'htmx:afterSettle', e => { if (e.target === document.body) { z.settled += 1; } });
  new MutationObserver(records => records.forEach(r => r.addedNodes.forEach(n => {
    if (n.tagName !== 'SCRIPT' || !n.src) { return; }
    z.loading += 1;
    const done = () => { z.loading -= 1; };
    add.call(n, 'load', done);
    add.call(n, 'error', done);
  }))).observe(document, {childList: true, subtree: true});
})();"""
ASSETS = """() => ({
  css: Array.from(document.querySelectorAll('link[rel=stylesheet]'),
                  l => l.getAttribute('href') + (l.media ? ' ' + l.media : '')).sort(),
  js: Array.from(document.querySelectorAll('script[src]'), s => s.getAttribute('src')).sort(),
})"""
STAFF_LINKS = ".console-entries a, .console-bar a, main nav:not(.pager) a"
PUBLIC_LINKS = ".site-nav a, .footer-links a:not([rel=nofollow]), main nav:not(.pager):not(.pagination) a, main a.place-link"
LINKS = """selector => Array.from(document.querySelectorAll(selector), a => a.getAttribute('href'))
  .filter(h => h && h.startsWith('/') && !h.startsWith('/static/'))"""


class Walk:
    """Boosted clicks in ``page`` compared with full loads in ``full``, from START along found links."""

    def __init__(self, page, full, start, selector, limit=30):
        self.page, self.full, self.start, self.selector, self.limit = page, full, start, selector, limit
        self.parent: dict[str, str] = {}
        self.reference: dict[str, dict] = {}
        self.links: dict[str, list[str]] = {}
        self.mismatches: list[str] = []

    def load_reference(self, url):
        """The full-load sets of ``url`` (once) and the links found there."""
        self.full.goto(url)
        self.reference[url] = self.full.evaluate(ASSETS)
        links = self.links[url] = self.full.evaluate(LINKS, self.selector)
        self.page.bring_to_front()  # a background tab gets no animation frames: clicks would wait
        return links

    def here(self):
        return self.page.evaluate("location.pathname + location.search")

    def click(self, href):
        """A boosted click on the link to ``href``; waits until it settled and its scripts ran."""
        before = self.page.evaluate("window.__shell.settled")
        self.page.locator(f'a[href="{href}"]:visible').first.click()
        self.page.wait_for_function(
            """([href, before]) => window.__shell.settled > before && window.__shell.loading === 0
                && location.pathname + location.search === href""",
            arg=[href, before],
        )
        if href not in self.reference:
            self.load_reference(href)
        got = self.page.evaluate(ASSETS)
        if got != self.reference[href]:
            self.mismatches.append(f"{href}: boosted {got} != full load {self.reference[href]}")

    def go(self, target):
        """Reach ``target`` by clicks only: to START (every page links to it), then down the found path."""
        chain = []
        while target != self.start:
            chain.append(target)
            target = self.parent[target]
        if self.here() != self.start:
            self.click(self.start)
        for href in reversed(chain):
            self.click(href)

    def run(self):
        """Discover and click every link breadth first; return the URLs in visit order."""
        self.page.goto(self.start)
        order, queue = [], [(self.start, h) for h in self.load_reference(self.start)]
        while queue and len(order) < self.limit:
            source, href = queue.pop(0)
            if href == self.start or href in self.parent:
                continue
            self.parent[href] = source
            self.go(href)
            order.append(href)
            queue += [(href, h) for h in self.links[href]]
        return order

    def listeners(self):
        return self.page.evaluate("window.__shell.listeners")


def walk_and_revisit(page, selector, start=START):
    """Walk every link, then visit one page per distinct head again: no script may bind twice."""
    page.context.add_init_script(PROBE)
    full = page.context.new_page()
    walk = Walk(page, full, start, selector)
    order = walk.run()
    assert len(order) > 2, order
    assert walk.mismatches == []
    bound = walk.listeners()
    distinct = {}
    for url in order:
        distinct.setdefault(tuple(walk.reference[url]["js"]), url)
    for url in distinct.values():
        walk.go(url)
    assert walk.listeners() == bound, "a script ran again and bound its listeners twice"
    assert walk.mismatches == []
    full.close()
    return order


@pytest.mark.parametrize("roles", [("counselor",), ("admin",), ("editor",), ("archivist",)], ids="-".join)
def test_console_links_keep_their_styles_and_scripts(page, make_user, browser_login, roles):
    """Each staff role: every console tile and area-nav link, clicked (boosted), has the full load's head."""
    user = make_user(roles=roles, password=PASSWORD)
    browser_login(page, user.username, PASSWORD)
    order = walk_and_revisit(page, STAFF_LINKS)
    print(roles, order)


def test_public_links_keep_their_styles_and_scripts(page, make_user):
    """A resident: the public nav, footer links and detail pages keep their head after a boosted click."""
    editor = make_user(roles=("editor",), username="shell-editor", password=PASSWORD)
    policy_services.save_faq(None, "彩礼有标准吗？", "有参考标准。", "彩礼治理")
    article = policy_services.save_article(
        None,
        {
            "kind": "policy",
            "title": "关于治理高额彩礼的指导意见",
            "topic": "彩礼治理",
            "summary": "摘要",
            "body": "正文。",
            "issuer": "章丘区民政局",
            "validity": "现行有效",
            "doc_number": "章民发〔2024〕6号",
        },
        "publish",
        editor,
    )
    add_place("黄河岸边的红色村庄", code="ZQ-0801")
    details = f', main a[href="/policies/{article.slug}"], main a[href="/policies/faq"]'
    order = walk_and_revisit(page, PUBLIC_LINKS + details, start="/")
    assert {"/places/ZQ-0801", "/hotline/", "/search", "/policies/faq"} <= set(order), order


HISTORY_URLS = "() => JSON.parse(sessionStorage.getItem('htmx-history-cache') || '[]').map(item => item.url)"


def test_staff_and_hotline_pages_stay_out_of_the_history_cache_after_boosted_entry(
    page, make_user, browser_login
):
    """Hotline and console pages reached by a boosted click from a public page are not snapshotted into
    sessionStorage (htmx's history cache): their opt-out must come with the page, not with <body>."""
    page.goto("/")
    for href in ("/hotline/", "/places/", "/"):
        page.locator(f'a[href="{href}"]:visible').first.click()
        page.wait_for_function(
            "href => location.pathname === href && !document.querySelector('.htmx-settling')", arg=href
        )
    cached = page.evaluate(HISTORY_URLS)
    assert "/places" in cached and not [url for url in cached if url.startswith("/hotline")], cached
    user = make_user(roles=("counselor",), password=PASSWORD)
    browser_login(page, user.username, PASSWORD)
    page.goto("/places/")
    for href in ("/console/", "/console/hotline/", "/console/", "/places/"):
        page.locator(f'a[href="{href}"]:visible').first.click()
        page.wait_for_function(
            "href => location.pathname === href && !document.querySelector('.htmx-settling')", arg=href
        )
    cached = page.evaluate(HISTORY_URLS)
    assert not [url for url in cached if url.startswith("/console")], cached


def test_destructive_actions_confirm_in_a_dialog_or_on_a_page(
    page, browser, live_server, make_user, browser_login
):
    """Deleting a rule, a closure or a 调休上班日, resetting a password and deactivating a user ask first: a
    <dialog> naming the thing with JS (取消 keeps it and returns focus), a confirmation page without JS. A
    later in-place action also clears the earlier page's flash message."""
    rule_id = create_rule(weekday=2, start=time(14), end=time(16)).id
    closure = calendar.add_closure(future_day(10), "单位活动")
    closure_id, closed_on = closure.id, closure.closed_on.isoformat()
    workday = calendar.add_extra_workday(future_day(11), 0, "调休上班")
    workday_id, work_on = workday.id, workday.work_on.isoformat()
    counselor = make_user(roles=("counselor",), password=PASSWORD)
    browser_login(page, counselor.username, PASSWORD)
    page.goto("/console/hotline/schedule/")
    delete_rule = page.get_by_role("button", name="删除 星期三 14:00 电话回访")
    delete_rule.click()
    dialog = page.get_by_role("dialog", name="请确认")
    assert "确定要删除每周规则“星期三 14:00–16:00 电话回访”吗？" in dialog.inner_text()
    assert page.evaluate("document.activeElement.textContent") == "取消"
    dialog.get_by_role("button", name="取消").click()
    assert dialog.count() == 0 and page.evaluate("document.activeElement.textContent").startswith("删除")
    delete_rule.click()
    dialog.get_by_role("button", name="确定").click()
    page.wait_for_function("() => !document.querySelector('.rule-card')")
    db.session.expire_all()
    assert db.session.get(AvailabilityRule, rule_id) is None
    # without JavaScript: the button leads to a page that says what will happen, with the real form
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, **CONTEXT_OPTIONS)
    plain = context.new_page()
    browser_login(plain, counselor.username, PASSWORD)
    plain.goto("/console/hotline/schedule/")
    plain.get_by_role("button", name=f"删除 {closed_on}").click()
    assert plain.get_by_role("heading", level=1).inner_text() == "删除休息日"
    assert f"确定要删除休息日 {closed_on}" in plain.locator("main").inner_text()
    plain.get_by_role("button", name="确定删除").click()
    plain.wait_for_url("**/console/hotline/schedule/")
    assert "已取消这个休息日" in plain.locator("#flashes").inner_text()
    plain.get_by_role("button", name=f"删除 {work_on}").click()
    assert plain.get_by_role("heading", level=1).inner_text() == "删除调休上班日"
    assert f"确定要删除调休上班日 {work_on}" in plain.locator("main").inner_text()
    plain.get_by_role("button", name="确定删除").click()
    plain.wait_for_url("**/console/hotline/schedule/")
    assert "已删除这个调休上班日" in plain.locator("#flashes").inner_text()
    context.close()
    db.session.expire_all()
    assert db.session.get(Closure, closure_id) is None
    assert db.session.get(ExtraWorkday, workday_id) is None
    # an admin: a flash from a full-page edit, then 停用 in place: asked, done in the row, old flash gone
    target = make_user(roles=("editor",), username="shell-target")
    admin = make_user(roles=("admin",), password=PASSWORD)
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url(lambda url: "/console/" not in url)
    browser_login(page, admin.username, PASSWORD)
    page.goto(f"/console/users/{target.id}/edit")
    with page.expect_navigation():  # a plain form post (as without JS): 303 to the list with a flash
        page.locator(f'form[action="/console/users/{target.id}/edit"]').evaluate("form => form.submit()")
    assert "已保存 shell-target 的信息" in page.locator("#flashes").inner_text()
    page.get_by_role("button", name=f"重置 {target.display_name} 的密码").click()
    reset = page.get_by_role("dialog", name="请确认")
    assert f"确定要重置 {target.display_name}（shell-target）的密码吗？" in reset.inner_text()
    reset.get_by_role("button", name="确定").click()
    page.locator(f"#user-{target.id} .otp").wait_for()  # the one-time password, in the row
    page.get_by_role("button", name=f"停用 {target.display_name}").click()
    page.get_by_role("dialog", name="请确认").get_by_role("button", name="确定").click()
    page.locator(f"#user-{target.id}").get_by_text("账号已停用").wait_for()
    assert page.locator("#flashes").inner_text() == ""
    assert not page.locator("#flashes").is_visible()
