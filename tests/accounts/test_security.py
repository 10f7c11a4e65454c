"""Sign-in hardening: throttling per account and address, per-IP rate limit, session renewal, logout, idle expiry, bad input."""

import time
from datetime import timedelta

from itsdangerous import TimestampSigner

from app.accounts import services
from app.accounts.models import User
from app.extensions import db
from app.web.time import utcnow
from tests.conftest import totp_code

PASSWORD = "long-enough-pass"


def _login(client, username="wang", password=PASSWORD, **kwargs):
    return client.post("/login", data={"username": username, "password": password}, **kwargs)


def test_wrong_passwords_do_not_lock_the_account(client, make_user, app):
    """Finding 3: wrong passwords from a stranger never lock the account; the holder still signs in."""
    app.config["LOGIN_ACCOUNT_ADDRESS_RATE_LIMIT"] = "100 per minute"
    make_user(roles=("editor",), username="wang", password=PASSWORD)
    for _ in range(app.config["LOGIN_MAX_FAILURES"] + 2):
        assert _login(client, password="wrong-password!").status_code == 401
    assert not services.find_user("wang").is_locked()
    assert _login(client).status_code == 302


def test_wrong_passwords_are_throttled_per_account_and_address(client, make_user, app):
    """Finding 3: after 5 wrong passwords from one address that account is throttled there (429), not elsewhere."""
    make_user(roles=("editor",), username="wang", password=PASSWORD)
    for _ in range(5):
        assert _login(client, password="wrong-password!").status_code == 401
    throttled = _login(client)
    assert throttled.status_code == 429 and "密码错误次数过多" in throttled.get_data(as_text=True)
    assert int(throttled.headers["Retry-After"]) > 0
    elsewhere = _login(client, environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert elsewhere.status_code == 302


def test_holder_is_told_how_many_failures_there_were(client, make_user, app):
    """Finding 3: at the next successful sign-in the holder sees the number of failed attempts."""
    make_user(roles=("editor",), username="wang", password=PASSWORD)
    for _ in range(3):
        _login(client, password="wrong-password!")
    response = _login(client, follow_redirects=True)
    assert "有 3 次失败的登录尝试" in response.get_data(as_text=True)
    assert services.find_user("wang").failures_since_login == 0


def test_lockout_expires(client, make_user, app):
    """A lock ends after LOGIN_LOCKOUT_MINUTES; then the right password works again."""

    user = make_user(roles=("editor",), username="wang", password=PASSWORD)
    user.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert _login(client).status_code == 302


def test_admin_reset_unlocks(client, make_user, app):
    """Resetting a password clears a lock so the user can sign in with the one-time password."""
    user = make_user(roles=("editor",), username="wang", password=PASSWORD)
    user.locked_until = utcnow() + timedelta(minutes=10)
    db.session.commit()
    temporary = services.reset_password(user)
    response = _login(client, password=temporary)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account/password")


def test_per_ip_rate_limit_on_login(client, app):
    """Too many login POSTs from one address get 429 with a Chinese message, whatever the usernames."""
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    for n in range(3):
        assert _login(client, username=f"nobody{n}").status_code == 401
    response = _login(client, username="someone-else")
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "登录尝试太频繁" in html
    assert "Traceback" not in html
    # GET /login is not limited: the form still shows.
    assert client.get("/login").status_code == 200


def test_rate_limit_fragment_for_htmx(client, app):
    """An htmx login POST over the limit gets a 429 fragment shown in the alert region."""
    app.config["LOGIN_RATE_LIMIT"] = "1 per minute"
    _login(client, username="nobody")
    response = _login(client, username="nobody", headers={"HX-Request": "true"})
    assert response.status_code == 429
    assert "<html" not in response.get_data(as_text=True)
    assert response.headers["HX-Retarget"] == "#htmx-alert"


def test_session_renewed_at_login(client, make_user):
    """Signing in starts a new session: data planted in the pre-login session is gone."""
    make_user(roles=("editor",), username="wang", password=PASSWORD)
    with client.session_transaction() as sess:
        sess["planted"] = "attacker"
    before = client.get_cookie("session").value
    _login(client)
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess.permanent
    assert client.get_cookie("session").value != before


def test_logout_ends_session(client, make_user):
    """After logout the same client is anonymous and the console redirects to /login."""
    make_user(roles=("editor",), username="wang", password=PASSWORD)
    _login(client)
    response = client.post("/logout")
    assert response.status_code == 303
    console = client.get("/console/")
    assert console.status_code == 302 and "/login" in console.headers["Location"]


def test_logout_without_csrf_is_refused(client, make_user):
    """A cross-site logout POST without a CSRF token is refused (400) and the user stays signed in."""
    make_user(roles=("editor",), username="wang", password=PASSWORD)
    _login(client)
    assert client.post("/logout", csrf=False).status_code == 400
    assert client.get("/console/").status_code == 200


def test_session_expires_after_8_hours_idle(client, make_user, monkeypatch):
    """A session unused for more than 8 hours no longer signs anyone in; within 8 hours it does."""
    make_user(roles=("editor",), username="wang", password=PASSWORD)
    _login(client)
    now = int(time.time())
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now + 7 * 3600)
    assert client.get("/console/").status_code == 200  # activity refreshes the cookie
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now + 7 * 3600 + 8 * 3600 - 60)
    assert client.get("/console/").status_code == 200
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now + 7 * 3600 + 16 * 3600 + 60)
    response = client.get("/console/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_deactivated_users_old_session_stops_working(client, make_user):
    """Deactivating a user ends their existing session at once."""
    user = make_user(roles=("editor",), username="wang", password=PASSWORD)
    _login(client)
    assert client.get("/console/").status_code == 200
    services.set_active(db.session.get(User, user.id), False)
    response = client.get("/console/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    htmx = client.get("/console/", headers={"HX-Request": "true"})
    assert htmx.status_code == 401 and "/login" in htmx.headers["HX-Redirect"]


def test_deactivated_user_cannot_sign_in(client, make_user):
    """A deactivated user gets the same generic error as a wrong password."""
    make_user(roles=("editor",), username="wang", password=PASSWORD, active=False)
    response = _login(client)
    assert response.status_code == 401
    assert "用户名或密码不正确" in response.get_data(as_text=True)


def test_empty_and_overlong_login_fields(client):
    """Empty or over-long fields re-render the form with 422 and Chinese field errors, keeping input."""
    empty = client.post("/login", data={"username": "", "password": ""})
    assert empty.status_code == 422
    assert "请填写此项" in empty.get_data(as_text=True)
    long_name = "a" * 500
    long = client.post("/login", data={"username": long_name, "password": "x" * 5000})
    assert long.status_code == 422
    html = long.get_data(as_text=True)
    assert "用户名太长" in html and "密码太长" in html
    assert f'value="{long_name}"' in html


def test_login_csrf_missing_or_wrong(client):
    """Login without or with a forged CSRF token gets 400 and a Chinese message, never 500."""
    missing = client.post("/login", data={"username": "a", "password": "b"}, csrf=False)
    assert missing.status_code == 400 and "安全校验" in missing.get_data(as_text=True)
    client.get("/login")
    wrong = client.post("/login", data={"username": "a", "password": "b", "csrf_token": "forged"}, csrf=False)
    assert wrong.status_code == 400 and "安全校验" in wrong.get_data(as_text=True)


def test_foreign_next_is_ignored(client, make_user):
    """After sign-in a foreign ``next`` is ignored; a local one is followed."""
    make_user(roles=("editor",), username="wang", password=PASSWORD)
    for bad in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
        response = client.post("/login?next=" + bad, data={"username": "wang", "password": PASSWORD})
        assert response.headers["Location"] == "/console/policies/", bad  # the editor's own work
        client.post("/logout")
    good = client.post("/login?next=/account/password", data={"username": "wang", "password": PASSWORD})
    assert good.headers["Location"] == "/account/password"


def test_login_page_keeps_next_in_form(client):
    """The login form posts back to /login with the safe next target."""
    html = client.get("/login?next=/console/users/").get_data(as_text=True)
    assert "next=/console/users/" in html or "next=%2Fconsole%2Fusers%2F" in html


def test_must_change_password_is_enforced(client, make_user):
    """A user with a one-time password can only reach the change-password page until they change it."""
    user = make_user(roles=("editor",), username="wang", password=PASSWORD)
    temporary = services.reset_password(user)
    _login(client, password=temporary)
    console = client.get("/console/")
    assert console.status_code == 302 and console.headers["Location"].endswith("/account/password")
    bad = client.post(
        "/account/password",
        data={"current_password": temporary, "new_password": "short", "confirm_password": "short"},
    )
    assert bad.status_code == 422 and "至少需要" in bad.get_data(as_text=True)
    done = client.post(
        "/account/password",
        data={
            "current_password": temporary,
            "new_password": "a-new-password-1",
            "confirm_password": "a-new-password-1",
        },
    )
    assert done.status_code == 302
    assert client.get("/console/").status_code == 200
    assert not db.session.get(User, user.id).must_change_password


def test_password_mismatch_keeps_user_signed_in(client, login_as):
    """A mismatched confirmation is a 422 with a Chinese error; nothing is saved."""
    login_as("editor", password=PASSWORD)
    response = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a-new-password-1",
            "confirm_password": "other-pass-11",
        },
    )
    assert response.status_code == 422
    assert "两次输入的新密码不一致" in response.get_data(as_text=True)


def test_htmx_login_redirect_returns_to_current_page(client):
    """An anonymous htmx fragment request redirects (HX-Redirect) to login with next = the page shown."""
    response = client.get(
        "/console/users/5/edit",
        headers={"HX-Request": "true", "HX-Current-URL": "http://localhost/console/users/?x=1"},
    )
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/login?next=/console/users/?x%3D1"
    foreign = client.get(
        "/console/users/5/edit", headers={"HX-Request": "true", "HX-Current-URL": "http://evil.example/x"}
    )
    assert foreign.headers["HX-Redirect"] == "/login?next=/console/users/5/edit"


def test_password_form_overlong_and_empty_fields(client, login_as):
    """Over-long or empty password fields give Chinese errors (422), never English or 500."""
    login_as("editor", password=PASSWORD)
    long = client.post(
        "/account/password",
        data={"current_password": "x" * 300, "new_password": "y" * 300, "confirm_password": "y" * 300},
    )
    html = long.get_data(as_text=True)
    assert long.status_code == 422 and "密码不能超过 128 个字符" in html
    assert "Field cannot be longer" not in html
    empty = client.post("/account/password", data={})
    assert empty.status_code == 422 and "请填写此项" in empty.get_data(as_text=True)


def test_forced_password_change_for_htmx_fragment(client, make_user):
    """With a one-time password, an htmx fragment request is sent to the password page via HX-Redirect."""
    user = make_user(roles=("admin",), username="wang", password=PASSWORD)
    temporary = services.reset_password(user)
    _login(client, password=temporary)
    client.post("/login/code", data={"code": totp_code()})
    response = client.get("/console/users/", headers={"HX-Request": "true"})
    assert response.status_code == 200 and response.headers["HX-Redirect"] == "/account/password"
    assert response.get_data() == b""


def test_session_protection_still_ends_a_session_from_another_browser(client, make_user):
    """Strong session protection: the same session cookie from a different user agent is signed out."""
    make_user(roles=("editor",), username="wang", password=PASSWORD)
    _login(client, headers={"User-Agent": "Browser A"})
    assert client.get("/console/", headers={"User-Agent": "Browser A"}).status_code == 200
    moved = client.get("/console/", headers={"User-Agent": "Browser B"})
    assert moved.status_code == 302 and "/login" in moved.headers["Location"]


def test_anonymous_page_views_compute_no_session_identifier(client, app, monkeypatch):
    """No session, nothing to protect: the address/agent hash is not computed for an anonymous view."""
    from app.extensions import login_manager

    calls = []
    real = login_manager._session_identifier_generator
    monkeypatch.setattr(login_manager, "_session_identifier_generator", lambda: calls.append(1) or real())
    assert client.get("/").status_code == 200
    assert client.get("/policies/").status_code == 200
    assert calls == []
