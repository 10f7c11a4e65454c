"""Page-cache hits answered before Flask (app/web/front.py): the same answer as a miss, and only for strangers."""

import json
import logging

import pytest

from app.policies import services as policy_services
from app.web import caching
from app.web.front import PageCacheFront
from tests.places.samples import add_place
from tests.web.test_caching import PUBLIC_PATHS, _sample_path

PER_REQUEST = {"X-Request-ID", "Date"}


class Reached:
    """Records whether the last request got past the front into Flask."""

    def __init__(self, app):
        front: PageCacheFront = app.wsgi_app
        inner, self.last = front.wsgi_app, False

        def outer(environ, start_response):
            self.last = False
            return front(environ, start_response)

        def counting(environ, start_response):
            self.last = True
            return inner(environ, start_response)

        front.wsgi_app = counting
        app.wsgi_app = outer


_reached: list[Reached] = []


def _hit(response) -> bool:
    """True when the front answered ``response``, the client's latest request (Flask was not reached)."""
    return not _reached[-1].last


def _headers(response) -> dict:
    return {k: v for k, v in response.headers.items() if k not in PER_REQUEST}


@pytest.fixture(autouse=True)
def _front(app):
    """Count requests reaching Flask; the policies' release check counts as just run for the whole test."""
    assert isinstance(app.wsgi_app, PageCacheFront)
    _reached.append(Reached(app))
    policy_services.release_due_articles(force=True)
    policy_services._last_release["at"] = 1e18
    yield
    policy_services._last_release["at"] = 0.0
    _reached.pop()


@pytest.mark.parametrize("encoding", ["gzip", "br", "identity"])
def test_a_hit_answers_exactly_what_the_miss_answered(client, encoding):
    """Status, every header (CSP, Vary, ETag, Cache-Control, coding) and body of a hit equal the miss."""
    for path in [*PUBLIC_PATHS, "/hotline/"]:
        miss = client.get(path, headers={"Accept-Encoding": encoding})
        assert not _hit(miss), path
        hit = client.get(path, headers={"Accept-Encoding": encoding})
        assert _hit(hit), path
        assert hit.status_code == miss.status_code == 200, path
        assert _headers(hit) == _headers(miss), path
        assert hit.data == miss.data, path
        assert hit.headers["Content-Security-Policy"] and len(hit.headers["X-Request-ID"]) == 32


def test_a_hit_answers_conditional_and_head_requests(client):
    """If-None-Match gets 304 from the front (junk gets the page); HEAD gets the headers only."""
    client.get("/policies/faq")
    etag = client.get("/policies/faq").headers["ETag"]
    not_modified = client.get("/policies/faq", headers={"If-None-Match": etag})
    assert _hit(not_modified) and not_modified.status_code == 304 and not_modified.data == b""
    assert not_modified.headers["ETag"] == etag
    junk = client.get("/policies/faq", headers={"If-None-Match": '"nope", W/'})
    assert _hit(junk) and junk.status_code == 200 and junk.data
    head = client.head("/policies/faq")
    assert _hit(head) and head.status_code == 200 and head.data == b""
    assert int(head.headers["Content-Length"]) == len(junk.data)


def test_a_hit_is_logged_and_counted_like_any_request(client, caplog):
    """The access line (route, status, request id) and the request metrics cover hits too."""
    client.get("/policies/")
    caplog.set_level(logging.INFO, logger="app.access")
    hit = client.get("/policies/", headers={"X-Request-ID": "nginx-req-0123456789"})
    assert _hit(hit) and hit.headers["X-Request-ID"] == "nginx-req-0123456789"
    record = caplog.records[-1]
    assert record.name == "app.access" and record.request_id == "nginx-req-0123456789"
    assert record.fields["route"] == "/policies/" and record.fields["status"] == 200
    metrics = client.get("/metrics").get_data(as_text=True)
    line = 'zq_http_request_duration_seconds_count{method="GET",route="/policies/",status="200"} 2.0'
    assert line in metrics
    client.get("/search?q=彩礼")
    assert _hit(client.get("/search?q=彩礼"))
    assert 'zq_search_seconds_count{endpoint="search.search_page"} 2.0' in client.get("/metrics").get_data(
        as_text=True
    )
    json.dumps(record.fields)  # the production formatter's input stays plain data


def test_staff_and_session_cookies_never_get_a_cached_page(app, client, login_as):
    """A signed-in staff member, and a stranger with a stale session cookie, are answered by Flask."""
    client.get("/policies/")
    assert _hit(client.get("/policies/"))
    stale = app.test_client()
    stale.set_cookie(app.config["SESSION_COOKIE_NAME"], "stale.or.forged.value")
    answer = stale.get("/policies/")
    assert not _hit(answer) and answer.status_code == 200
    assert answer.headers["Cache-Control"] == "private, no-store"
    again = stale.get("/policies/")
    assert not _hit(again)
    login_as("editor")
    staff = client.get("/policies/")
    assert not _hit(staff) and staff.headers["Cache-Control"] == "private, no-store"
    assert "X-CSRFToken" in staff.get_data(as_text=True)
    assert _hit(app.test_client().get("/policies/"))  # the stale and staff answers were not stored


def test_only_public_pages_are_ever_stored(app, client):
    """Walking url_map anonymously twice: no GET route outside PUBLIC_PAGES is ever answered by the front."""
    rules = [r for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint != "static"]
    for rule in rules:
        if rule.endpoint in caching.PUBLIC_PAGES:
            continue
        path = _sample_path(rule)
        client.get(path)
        assert not _hit(client.get(path)), rule.rule


def test_untrusted_hosts_and_due_housekeeping_go_through_flask(app, client):
    """A bad Host gets Flask's 400 even for a cached page; a due release check runs its hook."""
    client.get("/policies/")
    app.config["TRUSTED_HOSTS"] = ["localhost"]
    try:
        evil = client.get("/policies/", headers={"Host": "evil.example"})
        assert not _hit(evil) and evil.status_code == 400
        assert _hit(client.get("/policies/"))
    finally:
        app.config["TRUSTED_HOSTS"] = None
    policy_services._last_release["at"] = 0.0
    due = client.get("/policies/")
    assert not _hit(due) and due.status_code == 200
    assert _hit(client.get("/policies/"))  # the hook ran; the next 30 s are the front's again


def test_uncached_home_keeps_its_place_counts_only_for_one_content_generation(app, client):
    """The home's theme counts are kept per content generation: a new published place shows at once."""
    caching.cache.clear()
    add_place("甲村烈士纪念亭", themes=("英烈纪念",))
    first = client.get("/").get_data(as_text=True)
    assert "英烈纪念" in first and "专题 · 1 处" in first
    before = caching.current_generation()
    add_place("乙村烈士纪念碑", themes=("英烈纪念",))
    assert caching.current_generation() > before
    second = client.get("/").get_data(as_text=True)
    assert "专题 · 2 处" in second


def test_a_miss_is_looked_up_once(app, client, monkeypatch):
    """The front's lookup serves Flask too: one cache read per miss (with Redis, one round trip), and the
    page is stored under that same key, so the next request is a hit."""
    backend = caching.cache.cache
    reads = []
    original = backend.get
    monkeypatch.setattr(backend, "get", lambda key: reads.append(key) or original(key))
    first = client.get("/policies/faq?once=1")
    assert not _hit(first) and first.status_code == 200 and len(reads) == 1
    again = client.get("/policies/faq?once=1")
    assert _hit(again) and len(reads) == 2 and reads[0] == reads[1]
