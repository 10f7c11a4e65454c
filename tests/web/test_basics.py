"""Public basics: home page, elder mode, health, security headers, error pages."""


def test_home_page_shows_three_sections(client):
    """The home page links to the three parts of the site."""
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for label in ("婚俗改革", "幸福泉城热线", "红色地名"):
        assert label in html
    assert 'lang="zh-CN"' in html


def test_security_headers(client):
    """Every response carries a strict CSP and the usual hardening headers."""
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def test_elder_mode_toggles_with_plain_post(client):
    """POST /prefs/elder sets a cookie that switches the page into 长辈模式 and back."""
    response = client.post("/prefs/elder", data={"next": "/"})
    assert response.status_code == 303
    assert 'class="elder"' in client.get("/").get_data(as_text=True)
    client.post("/prefs/elder", data={"next": "/"})
    assert 'class="elder"' not in client.get("/").get_data(as_text=True)


def test_elder_toggle_refuses_foreign_next(client):
    """A foreign ``next`` is ignored and the user lands on the home page."""
    response = client.post("/prefs/elder", data={"next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_healthz_reports_database(client):
    """/healthz answers JSON with the database status."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert response.json["checks"]["database"]["status"] == "ok"


def test_404_is_chinese_page_and_fragment(client):
    """Unknown URLs give a Chinese 404 page, and a fragment for htmx requests."""
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert "页面不存在" in page.get_data(as_text=True)
    assert "<html" in page.get_data(as_text=True)
    fragment = client.get("/no-such-page", headers={"HX-Request": "true"})
    assert fragment.status_code == 404
    assert "<html" not in fragment.get_data(as_text=True)
    assert fragment.headers["HX-Retarget"] == "#htmx-alert"


def test_missing_csrf_token_is_400(client):
    """A POST without a CSRF token is refused with a Chinese message."""
    response = client.post("/logout", data={}, csrf=False)  # /prefs/elder is exempt (see test_caching)
    assert response.status_code == 400
    assert "安全校验" in response.get_data(as_text=True)


def test_sqlite_connections_get_wal_busy_timeout_and_foreign_keys(app):
    """Every SQLite connection runs in WAL mode with a busy timeout and enforced foreign keys."""
    import pytest
    from sqlalchemy import text

    from app.extensions import db

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite-only pragmas (this run uses PostgreSQL)")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
