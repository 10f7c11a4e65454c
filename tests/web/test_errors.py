"""Error pages: Chinese full pages, in-place htmx fragments, no stack traces; production settings."""

import pytest

from app import create_app
from app.config import TestConfig, finalize

HX = {"HX-Request": "true"}


def _boom():
    raise RuntimeError("secret internal detail")


@pytest.fixture
def error_routes(app):
    """A test-only route that raises, registered before the app's first request."""
    app.add_url_rule("/_test/boom", "test_boom", _boom, methods=["GET", "POST"])
    return app


def _trigger(code, client, app, headers=None):
    """Produce an error response with status ``code`` through real requests."""
    headers = headers or {}
    if code == 400:  # a POST without its CSRF token
        return client.post("/logout", data={}, csrf=False, headers=headers)
    if code == 403:
        return client.get("/console/users/", headers=headers)
    if code == 404:
        return client.get("/no/such/page", headers=headers)
    if code == 405:
        return client.get("/logout", headers=headers)
    if code == 413:
        app.config["MAX_CONTENT_LENGTH"] = 200
        return client.post("/prefs/elder", data={"next": "x" * 5000}, headers=headers)
    if code == 429:
        app.config["LOGIN_RATE_LIMIT"] = "1 per minute"
        client.post("/login", data={"username": "a", "password": "b"})
        return client.post("/login", data={"username": "a", "password": "b"}, headers=headers)
    if code == 500:
        return client.get("/_test/boom", headers=headers)
    raise AssertionError(code)


TITLES = {
    400: "请求有误",
    403: "没有权限",
    404: "页面不存在",
    405: "操作方式不对",
    413: "内容太大",
    429: "太频繁",
    500: "系统出了点问题",
}


@pytest.mark.parametrize("code", sorted(TITLES))
def test_error_full_page(code, client, login_as, error_routes):
    """Each error is a full Chinese page with the right status, a way home and no stack trace."""
    if code == 403:
        login_as("editor")
    response = _trigger(code, client, error_routes)
    html = response.get_data(as_text=True)
    assert response.status_code == code
    assert "<html" in html and 'lang="zh-CN"' in html
    assert TITLES[code] in html
    assert "回到首页" in html
    assert "Traceback" not in html and "secret internal detail" not in html
    assert "HX-Retarget" not in response.headers


@pytest.mark.parametrize("code", sorted(TITLES))
def test_error_htmx_fragment(code, client, login_as, error_routes):
    """For htmx requests each error is a small fragment shown in the page's alert region."""
    if code == 403:
        login_as("editor")
    response = _trigger(code, client, error_routes, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == code
    assert "<html" not in html and TITLES[code] in html
    assert response.headers["HX-Retarget"] == "#htmx-alert"
    assert response.headers["HX-Reswap"] == "innerHTML"
    assert "HX-Request" in response.headers.get("Vary", "")
    assert "secret internal detail" not in html


def test_boosted_navigation_gets_full_error_page(client):
    """A boosted (hx-boost) navigation to a missing page gets the full page, not a fragment."""
    response = client.get("/no/such/page", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert response.status_code == 404 and "<html" in response.get_data(as_text=True)


def test_api_errors_are_json(client):
    """Under /api/ errors are JSON, not HTML."""
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.is_json and response.json["error"]["status"] == 404


def test_unexpected_error_is_logged(client, error_routes, caplog):
    """An unexpected exception is logged with its traceback for operators (and hidden from users)."""
    client.get("/_test/boom")
    assert any("unhandled error" in r.getMessage() and r.exc_info for r in caplog.records)


def test_production_refuses_default_or_missing_secret_key(tmp_path):
    """APP_ENV=production refuses to start without SECRET_KEY or with a known default one."""
    for key in (None, "", TestConfig.SECRET_KEY, "dev", "change-me"):
        with pytest.raises(RuntimeError, match="SECRET_KEY"):
            finalize({"ENV_NAME": "production", "SECRET_KEY": key}, tmp_path)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"ENV_NAME": "production", "SECRET_KEY": TestConfig.SECRET_KEY})
    config = {"ENV_NAME": "production", "SECRET_KEY": "x" * 48}
    finalize(config, tmp_path)
    assert config["SECRET_KEY"] == "x" * 48


def test_development_generates_a_secret_key_once(tmp_path):
    """Without SECRET_KEY, development generates one into instance/ and reuses it."""
    first = {"ENV_NAME": "development", "SECRET_KEY": None}
    finalize(first, tmp_path)
    second = {"ENV_NAME": "development", "SECRET_KEY": None}
    finalize(second, tmp_path)
    assert len(first["SECRET_KEY"]) >= 32 and first["SECRET_KEY"] == second["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_healthz_reports_component_failures(app, client):
    """/healthz lists registered checks; a failing component shows as error without a 500."""
    from app.web.registry import get_registry

    def broken():
        raise OSError("disk gone")

    get_registry(app).health["broken-part"] = broken
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["checks"]["broken-part"] == {"status": "error"}
    assert response.json["checks"]["database"]["status"] == "ok"


def test_staff_pages_are_not_cached(client, login_as):
    """Staff pages carry Cache-Control: no-store and a noindex robots meta."""
    login_as("admin")
    response = client.get("/console/users/")
    assert response.headers["Cache-Control"] == "no-store"
    assert 'name="robots" content="noindex' in response.get_data(as_text=True)
    assert 'hx-history="false"' in response.get_data(as_text=True)


def test_vary_on_fragment_capable_responses(client):
    """Responses from the render helper vary on HX-Request so caches never mix page and fragment."""
    assert "HX-Request" in client.get("/").headers.get("Vary", "")
