"""Warm-up at worker start (app/ops/warmup.py): every registered public page once, and quietly."""

import logging

from app.ops.logs import JsonFormatter
from app.ops.warmup import warm_up
from app.web import caching
from tests.places import samples


def _lines(caplog) -> list[str]:
    formatter = JsonFormatter()
    return [formatter.format(record) for record in caplog.records]


def test_warm_up_renders_every_registered_page_without_a_trace(app, client, caplog):
    """Each feature's pages answer 200; no access line, no metrics, no page-cache entry, no session."""
    place = samples.add_place("龙山烈士陵园")
    caplog.set_level(logging.DEBUG)
    done = warm_up(app)
    assert {path for path, _status, _ms in done} == {
        "/",
        "/policies/",
        "/policies/faq",
        "/places/",
        "/places/?q=烈士",
        f"/places/{place.code}",
        "/hotline/",
        "/search?q=彩礼",
    }
    assert [status for _path, status, _ms in done] == [200] * len(done)
    lines = _lines(caplog)
    assert not [line for line in lines if '"logger": "app.access"' in line]
    assert any('"message": "warm-up: 8 page(s) in' in line for line in lines)
    if caching.cache_enabled(app):
        assert not caching.cache.cache._cache  # SimpleCache in tests: nothing stored by the warm-up
    text = client.get("/metrics").get_data(as_text=True)
    assert 'route="/places/"' not in text and 'route="/hotline/"' not in text


def test_a_failing_page_is_logged_and_the_rest_still_warm(app, caplog, monkeypatch):
    def broken():
        raise RuntimeError("boom")

    monkeypatch.setitem(app.view_functions, "hotline.intro", broken)
    caplog.set_level(logging.WARNING)
    done = dict((path, status) for path, status, _ms in warm_up(app))
    assert done["/hotline/"] == 0 and done["/"] == 200 and done["/places/"] == 200
    assert any("warm-up: /hotline/ failed" in line for line in _lines(caplog))


def test_warm_up_stops_at_its_budget(app, caplog):
    caplog.set_level(logging.WARNING)
    assert warm_up(app, budget=0) == []
    assert any("warm-up: stopped after 0 s, 7 page(s) left" in line for line in _lines(caplog))


def test_warm_up_works_when_only_the_site_host_is_trusted(app, monkeypatch):
    """Production answers only to its own host name (TRUSTED_HOSTS): the warm-up asks as that host."""
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["zq.example.gov.cn"])
    done = warm_up(app)
    assert done and [status for _path, status, _ms in done] == [200] * len(done)


def test_pages_that_do_not_answer_200_are_named(app, caplog, monkeypatch):
    monkeypatch.setitem(app.view_functions, "hotline.intro", lambda: ("", 404))
    caplog.set_level(logging.WARNING)
    warm_up(app)
    assert any("warm-up: 1 page(s) did not answer 200: /hotline/ 404" in line for line in _lines(caplog))
