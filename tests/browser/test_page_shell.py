"""Issue 13, the page shell: a boosted click gives every page exactly the stylesheets and scripts of a full
load (htmx's head-support extension), and a page's scripts run once however often one navigates back and
forth (no listener bound twice).

One page object per walk: it signs in once and then only clicks (boosted), so the state it carries is the
state a user's tab carries. A second page in the same context loads each URL fully, once, for the
reference sets.
"""

import pytest

from app.policies import services as policy_services
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
