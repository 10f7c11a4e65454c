"""Second factor (issue 15): enrolment, codes, replay, drift, recovery codes, lockout, reset, encryption."""

import re
from datetime import UTC, datetime, timedelta

import pyotp
from sqlalchemy import select, text

from app.accounts import mfa, services
from app.accounts.models import AccountEvent, User
from app.extensions import db
from tests.conftest import TEST_TOTP_SECRET, totp_code

PASSWORD = "long-enough-pass"
HX = {"HX-Request": "true"}


def _password(client, username, password=PASSWORD):
    return client.post("/login", data={"username": username, "password": password})


def _setup_secret(client) -> str:
    """Open the enrolment page and read the secret shown as text."""
    html = client.get("/login/mfa-setup").get_data(as_text=True)
    match = re.search(r'<code class="otp-secret">([A-Z2-7 ]+)</code>', html)
    assert match, html
    return match.group(1).replace(" ", "")


def test_counselor_enrols_at_first_sign_in(client, make_user):
    """A counselor without a second factor is sent to enrolment; a code confirms it; 10 recovery codes once."""
    make_user(roles=("counselor",), username="lili", password=PASSWORD, mfa=False)
    response = _password(client, "lili")
    assert response.headers["Location"].endswith("/login/mfa-setup")
    page = client.get("/login/mfa-setup").get_data(as_text=True)
    assert "<svg" in page and 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    assert "style=" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]  # the CSP forbids inline styles
    secret = _setup_secret(client)
    assert client.get("/console/").status_code == 302  # still not signed in
    done = client.post("/login/mfa-setup", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 201
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", done.get_data(as_text=True))
    assert len(set(codes)) == 10
    assert done.headers["Cache-Control"] == "no-store"
    assert client.get("/console/").status_code == 200
    user = services.find_user("lili")
    assert user.has_mfa and mfa.recovery_codes_left(user) == 10


def test_wrong_code_at_enrolment_keeps_the_page(client, make_user):
    """A wrong confirmation code re-shows the enrolment page with a Chinese error (422), not enrolled."""
    make_user(roles=("admin",), username="boss", password=PASSWORD, mfa=False)
    _password(client, "boss")
    _setup_secret(client)
    response = client.post("/login/mfa-setup", data={"code": "000000"})
    assert response.status_code == 422 and "验证码不正确" in response.get_data(as_text=True)
    assert not services.find_user("boss").has_mfa


def test_editor_may_skip_and_enrol_later(client, make_user, app):
    """Editors sign in with the password alone unless MFA_REQUIRED_FOR_ALL is set."""
    make_user(roles=("editor",), username="wang", password=PASSWORD)
    assert _password(client, "wang").headers["Location"].endswith("/console/policies/")
    client.post("/logout")
    app.config["MFA_REQUIRED_FOR_ALL"] = True
    assert _password(client, "wang").headers["Location"].endswith("/login/mfa-setup")


def test_sign_in_with_code(client, make_user):
    """Password, then the code page; the session is signed in only after a right code."""
    make_user(roles=("counselor",), username="lili", password=PASSWORD)
    response = _password(client, "lili")
    assert response.headers["Location"].endswith("/login/code")
    page = client.get("/login/code").get_data(as_text=True)
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    assert client.get("/console/hotline/").status_code == 302
    done = client.post("/login/code", data={"code": totp_code()})
    assert done.status_code == 302 and done.headers["Location"].endswith("/console/hotline/")
    assert client.get("/console/hotline/").status_code == 200


def test_replayed_code_is_refused(client, make_user):
    """A code is accepted once: the same code in a second sign-in within its window is refused."""
    make_user(roles=("counselor",), username="lili", password=PASSWORD)
    code = totp_code()
    _password(client, "lili")
    assert client.post("/login/code", data={"code": code}).status_code == 302
    client.post("/logout")
    _password(client, "lili")
    again = client.post("/login/code", data={"code": code})
    assert again.status_code == 422 and "已用过" in again.get_data(as_text=True)


def test_one_step_of_drift_either_way(app, make_user):
    """Codes from the previous and the next 30 s step are accepted; two steps away are refused."""
    user = make_user(roles=("counselor",), username="lili", password=PASSWORD)
    now = datetime.now(UTC)
    totp = pyotp.TOTP(TEST_TOTP_SECRET)
    step = totp.timecode(now)
    assert not mfa.verify(user, totp.generate_otp(step - 2), now)
    assert not mfa.verify(user, totp.generate_otp(step + 2), now)
    assert mfa.verify(user, totp.generate_otp(step - 1), now)
    assert mfa.verify(user, totp.generate_otp(step + 1), now)
    assert not mfa.verify(user, totp.generate_otp(step), now)  # older than an accepted code: refused


def test_recovery_code_works_once(client, make_user):
    """A recovery code signs in once; the same code is refused the second time."""
    user = make_user(roles=("counselor",), username="lili", password=PASSWORD, mfa=False)
    codes = mfa.enrol(user, TEST_TOTP_SECRET, totp_code())
    _password(client, "lili")
    first = client.post("/login/code", data={"recovery_code": codes[3].upper()})
    assert first.status_code == 302
    client.post("/logout")
    _password(client, "lili")
    second = client.post("/login/code", data={"recovery_code": codes[3]})
    assert second.status_code == 422 and "恢复码不正确或已用过" in second.get_data(as_text=True)
    assert mfa.recovery_codes_left(services.find_user("lili")) == 9


def test_five_wrong_codes_lock_the_account(client, make_user, app):
    """Five wrong codes lock the account (429); then even the right password answers 'locked'."""
    make_user(roles=("counselor",), username="lili", password=PASSWORD)
    _password(client, "lili")
    statuses = [client.post("/login/code", data={"code": "000000"}).status_code for _ in range(5)]
    assert statuses == [422, 422, 422, 422, 429]
    assert services.find_user("lili").is_locked()
    again = _password(client, "lili")
    assert again.status_code == 429 and "账号已暂时锁定" in again.get_data(as_text=True)
    wrong = _password(client, "lili", "wrong-password!")  # a wrong password still says only "wrong"
    assert wrong.status_code == 401 and "账号已暂时锁定" not in wrong.get_data(as_text=True)


def _dummy(rule) -> str:
    values = {arg: "1" for arg in rule.arguments}
    url = rule.rule
    for arg in rule.arguments:
        url = re.sub(rf"<(?:[^<>:]+:)?{arg}>", values[arg], url)
    return url


def test_half_signed_in_session_reaches_nothing_but_the_code_page(app, client, make_user):
    """After the password only, every staff route (walking url_map) treats the browser as anonymous."""
    user = make_user(roles=("admin", "counselor", "editor", "archivist"), username="all", password=PASSWORD)
    assert mfa.required_for(user)
    _password(client, "all")
    problems = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if not getattr(view, "login_required", False):
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            response = client.open(_dummy(rule), method=method)
            location = response.headers.get("Location", "")
            if response.status_code != 302 or "/login" not in location:
                problems.append(f"{method} {rule.rule}: {response.status_code}")
    assert problems == []
    assert client.get("/login/code").status_code == 200


def test_admin_resets_a_second_factor(client, login_as, make_user):
    """An admin's reset removes the factor, ends the user's sessions, is logged, and forces re-enrolment."""
    admin = login_as("admin")
    target = make_user(roles=("counselor",), username="lili", password=PASSWORD)
    page = client.get("/console/users/").get_data(as_text=True)
    assert TEST_TOTP_SECRET not in page  # nobody reads another's secret
    response = client.post(f"/console/users/{target.id}/reset-mfa", data={"confirm": "yes"}, headers=HX)
    assert response.status_code == 200 and "已重置两步验证" in response.get_data(as_text=True)
    db.session.refresh(target)
    assert not target.has_mfa and target.totp_secret is None
    event = db.session.scalar(select(AccountEvent).where(AccountEvent.action == "mfa_reset"))
    assert event.user_id == target.id and event.actor_id == admin.id
    client.post("/logout")
    assert _password(client, "lili").headers["Location"].endswith("/login/mfa-setup")


def test_mfa_reset_needs_admin(client, login_as, make_user):
    """Only admins may reset someone's second factor."""
    login_as("counselor")
    target = make_user(roles=("counselor",), username="lili", password=PASSWORD)
    assert client.post(f"/console/users/{target.id}/reset-mfa", data={"confirm": "yes"}).status_code == 403
    db.session.refresh(target)
    assert target.has_mfa


def test_secret_is_encrypted_at_rest(app, make_user):
    """The stored column holds a Fernet token, never the base32 secret."""
    user = make_user(roles=("counselor",), username="lili", password=PASSWORD)
    raw = db.session.execute(text("SELECT totp_secret FROM users WHERE id = :i"), {"i": user.id}).scalar()
    assert raw and TEST_TOTP_SECRET not in raw and raw.startswith("gAAAA")
    assert db.session.get(User, user.id).totp_secret == TEST_TOTP_SECRET


def test_cli_list_and_mfa_reset(runner, make_user):
    """`flask users list` shows who has a second factor; `flask users mfa-reset` removes it."""
    make_user(roles=("counselor",), username="lili", password=PASSWORD)
    make_user(roles=("admin",), username="boss", password=PASSWORD, mfa=False)
    listing = runner.invoke(args=["users", "list"]).output
    assert re.search(r"lili\s.*\smfa\s", listing) and re.search(r"boss\s.*NO-MFA", listing)
    result = runner.invoke(args=["users", "mfa-reset", "lili"])
    assert result.exit_code == 0, result.output
    assert not services.find_user("lili").has_mfa
    assert runner.invoke(args=["users", "mfa-reset", "nobody"]).exit_code != 0


def test_pending_step_expires(client, make_user, app):
    """A half-signed-in session older than MFA_PENDING_SECONDS goes back to the password form."""
    make_user(roles=("counselor",), username="lili", password=PASSWORD)
    _password(client, "lili")
    with client.session_transaction() as sess:
        state = dict(sess["mfa_pending"])
        state["at"] = int((datetime.now(UTC) - timedelta(hours=1)).timestamp())
        sess["mfa_pending"] = state
    response = client.post("/login/code", data={"code": totp_code()})
    assert response.status_code == 303 and response.headers["Location"].endswith("/login")
