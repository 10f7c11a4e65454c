"""Attack-audit findings on accounts (issue 15): limiter keys and ProxyFix, timing, passwords, sessions, HSTS."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app import config as config_module
from app.accounts import models, services
from app.accounts.models import StaffSession
from app.extensions import db
from app.hotline.privacy import _load_or_create_key
from app.web.time import utcnow
from tests.conftest import totp_code

PASSWORD = "long-enough-pass"


def _login(client, username, password=PASSWORD, **kwargs):
    return client.post("/login", data={"username": username, "password": password}, **kwargs)


# --- finding 1: one rate-limit bucket for the whole district ------------------------------------------


def test_one_users_failures_do_not_block_other_accounts_from_the_same_address(client, make_user):
    """Finding 1: bad logins against one account from the office NAT leave colleagues able to sign in."""
    make_user(roles=("editor",), username="wang", password=PASSWORD)
    for _ in range(25):  # more than the old per-address limit of 20 per 5 minutes
        _login(client, "mallory-target", "wrong-password!")
    assert _login(client, "wang").status_code == 302


def test_proxy_fix_only_when_trusted(other_app, make_user):
    """Finding 1: behind PROXY_FIX_TRUSTED proxies X-Forwarded-For is the client; otherwise it is ignored."""
    for trusted, expected in ((1, "203.0.113.9"), (0, "127.0.0.1")):
        application = other_app(PROXY_FIX_TRUSTED=trusted)
        application.add_url_rule("/_addr", "addr", lambda: __import__("flask").request.remote_addr)
        response = application.test_client().get("/_addr", headers={"X-Forwarded-For": "203.0.113.9"})
        assert response.get_data(as_text=True) == expected


def test_growing_delay_is_per_client_behind_the_proxy(other_app, make_user):
    """Finding 1: with ProxyFix, two residents behind the proxy are throttled separately."""
    application = other_app(PROXY_FIX_TRUSTED=1)
    make_user(roles=("editor",), username="wang", password=PASSWORD)
    client = application.test_client()
    application.config["WTF_CSRF_ENABLED"] = False
    for _ in range(5):
        _login(client, "wang", "wrong-password!", headers={"X-Forwarded-For": "198.51.100.1"})
    assert _login(client, "wang", headers={"X-Forwarded-For": "198.51.100.1"}).status_code == 429
    assert _login(client, "wang", headers={"X-Forwarded-For": "198.51.100.2"}).status_code == 302


# --- finding 2: username enumeration by timing ---------------------------------------------------------


class CountingHasher:
    """Wraps the real argon2 hasher and counts verifications."""

    def __init__(self, real):
        self.real, self.calls = real, 0

    def verify(self, *args):
        self.calls += 1
        return self.real.verify(*args)

    def __getattr__(self, name):
        return getattr(self.real, name)


@pytest.mark.parametrize("case", ["unknown", "wrong", "locked-wrong", "locked-right", "inactive"])
def test_every_failure_path_runs_one_hash(client, make_user, monkeypatch, case):
    """Finding 2: unknown, wrong, locked and inactive all cost exactly one argon2 verification."""
    user = make_user(roles=("editor",), username="wang", password=PASSWORD)
    if case.startswith("locked"):
        user.locked_until = utcnow() + timedelta(minutes=10)
    if case == "inactive":
        user.active = False
    db.session.commit()
    counter = CountingHasher(models._hasher)
    monkeypatch.setattr(models, "_hasher", counter)
    monkeypatch.setattr(models, "_DUMMY_HASH", counter.real.hash("x"))
    name = "nobody-here" if case == "unknown" else "wang"
    password = PASSWORD if case in {"locked-right", "inactive"} else "wrong-password!"
    assert _login(client, name, password).status_code in {401, 429}
    assert counter.calls == 1


# --- finding 9: weak passwords ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "weak", ["aaaaaaaaaa", "1234567890", "password12", "abcabcabca", "qwertyuiop", "woaini1314", "wang123456"]
)
def test_weak_passwords_are_refused(app, weak):
    """Finding 9: common passwords, repeats, sequences and the username (plus digits) are refused."""
    with pytest.raises(services.AccountError) as error:
        services.create_user("wang", weak, ["editor"])
    assert error.value.field == "password"


def test_change_password_refuses_a_common_one(client, login_as):
    """Finding 9: the own-password form refuses a common password with a Chinese message (422)."""
    login_as("editor", password=PASSWORD)
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "password12", "confirm_password": "password12"},
    )
    assert response.status_code == 422 and "太常见" in response.get_data(as_text=True)


def test_long_passphrase_without_composition_rules_is_fine(app):
    """Finding 9: no composition rules: a long lower-case passphrase is accepted."""
    assert services.create_user("wang", "lanterns over the quarry", ["editor"]).username == "wang"


# --- finding 8: stolen cookies, session records ----------------------------------------------------------


def _signed_in(client, make_user, roles=("editor",)):
    make_user(roles=roles, username="wang", password=PASSWORD)
    headers = {"User-Agent": "Phone Browser 1.0"}
    _login(client, "wang", headers=headers)
    if "admin" in roles or "counselor" in roles:
        client.post("/login/code", data={"code": totp_code()}, headers=headers)
    return headers


def test_cookie_from_another_browser_is_refused(app, client, make_user):
    """Finding 8: the same session cookie presented with another User-Agent is anonymous."""
    headers = _signed_in(client, make_user)
    assert client.get("/console/", headers=headers).status_code == 200
    assert client.get("/console/", headers={"User-Agent": "Thief Browser 9"}).status_code == 302


def test_absolute_session_limit(app, client, make_user):
    """Finding 8: a session older than STAFF_SESSION_ABSOLUTE_HOURS ends even when used all along."""
    headers = _signed_in(client, make_user)
    record = db.session.scalar(select(StaffSession))
    record.created_at = utcnow() - timedelta(hours=app.config["STAFF_SESSION_ABSOLUTE_HOURS"], minutes=1)
    db.session.commit()
    assert client.get("/console/", headers=headers).status_code == 302


def test_sessions_page_and_sign_out_everywhere(app, client, make_user):
    """Finding 8: staff see their signed-in browsers and can end them all at once."""
    headers = _signed_in(client, make_user, roles=("counselor",))
    other = app.test_client()
    other_headers = {"User-Agent": "Office PC"}
    other.post("/login", data={"username": "wang", "password": PASSWORD}, headers=other_headers)
    page = client.get("/account/security", headers=headers).get_data(as_text=True)
    assert "Phone Browser 1.0" in page and "当前设备" in page
    response = client.post("/account/sessions/end-all", headers=headers)
    assert response.status_code == 303
    assert client.get("/console/", headers=headers).status_code == 302
    live = db.session.scalars(select(StaffSession).where(StaffSession.ended_at.is_(None))).all()
    assert live == []


# --- finding 10: HSTS, absolute URLs from SITE_URL -----------------------------------------------------


def test_hsts_only_behind_https(other_app):
    """Finding 10: HSTS is sent when SESSION_COOKIE_SECURE is set, not otherwise."""
    secure = other_app(SESSION_COOKIE_SECURE=True).test_client().get("/")
    plain = other_app(SESSION_COOKIE_SECURE=False).test_client().get("/")
    assert "max-age=" in secure.headers["Strict-Transport-Security"]
    assert "Strict-Transport-Security" not in plain.headers


def test_sitemap_and_robots_ignore_the_host_header(other_app):
    """Finding 10: with SITE_URL set, a forged Host header does not reach sitemap.xml or robots.txt."""
    client = other_app(SITE_URL="https://mzj.example.cn").test_client()
    sitemap = client.get("/sitemap.xml", headers={"Host": "evil.example"}).get_data(as_text=True)
    robots = client.get("/robots.txt", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert "evil.example" not in sitemap + robots
    assert "https://mzj.example.cn/" in sitemap and "Sitemap: https://mzj.example.cn/sitemap.xml" in robots


def test_production_trusts_only_the_site_host(other_app):
    """Finding 10: in production TRUSTED_HOSTS defaults to SITE_URL's host (other Host headers get 400)."""
    application = other_app(
        ENV_NAME="production",
        SECRET_KEY="k" * 48,
        SITE_URL="https://mzj.example.cn",
        HOTLINE_DATA_KEY=_load_or_create_key(str(config_module.INSTANCE)),  # required (issue 14)
        TRUSTED_HOSTS=None,
    )
    assert application.config["TRUSTED_HOSTS"] == ["mzj.example.cn"]
    application.testing = False
    application.config["PROPAGATE_EXCEPTIONS"] = False
    assert application.test_client().get("/", headers={"Host": "mzj.example.cn"}).status_code == 200
    assert application.test_client().get("/", headers={"Host": "evil.example"}).status_code == 400
