"""Sign-in in two steps: the password (``routes.login``), then a TOTP code or enrolment on these pages.

Between the steps the session holds only ``mfa_pending`` (user id, the account's session token, time):
Flask-Login does not know the user, so a half-signed-in browser reaches nothing but these pages. A new
secret being enrolled travels sealed (Fernet) in the session until its first code confirms it.
"""

import time

from flask import current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_user

from app.accounts import mfa, services, sessions
from app.accounts.blueprint import bp
from app.accounts.forms import CodeForm, RecoveryForm
from app.accounts.landing import landing_url
from app.accounts.models import User
from app.extensions import db, limiter
from app.web.crypto import seal, unseal
from app.web.render import render
from app.web.urls import safe_next

PENDING_KEY = "mfa_pending"
ENROL_KEY = "mfa_enrol"
KEEP_PREFIX = "keep_"
LOCKED = "验证码错误次数过多，账号已暂时锁定，请 {minutes} 分钟后再试，或联系系统管理员。"


def _mfa_limit() -> str:
    return current_app.config["MFA_RATE_LIMIT"]


def _fresh_session() -> None:
    """Clear the session (no fixation), keeping only ``keep_*`` entries: opaque tokens that features set
    for after sign-in (e.g. a case note kept when the session expired mid-write)."""
    kept = {key: value for key, value in session.items() if key.startswith(KEEP_PREFIX)}
    session.clear()
    session.update(kept)


def begin(user: User, next_url: str | None):
    """After a correct password: finish at once, or go on to the code or enrolment page."""
    if not mfa.required_for(user):
        return finish(user, next_url)
    _fresh_session()  # a fresh session for the second step: no fixation
    session[PENDING_KEY] = {
        "uid": user.id,
        "tok": user.session_token,
        "at": int(time.time()),
        "next": next_url,
    }
    return redirect(url_for("accounts.login_code" if user.has_mfa else "accounts.mfa_setup"), code=303)


def pending_user() -> User | None:
    """The user who gave a correct password in this browser in the last few minutes, if any."""
    state = session.get(PENDING_KEY)
    if not isinstance(state, dict) or not isinstance(state.get("uid"), int):
        return None
    if time.time() - float(state.get("at") or 0) > current_app.config["MFA_PENDING_SECONDS"]:
        return None
    user = db.session.get(User, state["uid"])
    if user is None or not user.active or user.session_token != state.get("tok") or user.is_locked():
        return None
    return user


def finish(user: User, next_url: str | None, after: str | None = None):
    """Sign the user in for real: a new session, a session record, the failures since last time."""
    failures = services.complete_sign_in(user)
    _fresh_session()  # new session at login: no fixation
    session.permanent = True
    login_user(user)
    sessions.start(user)
    if failures:
        flash(
            f"自您上次登录以来，有 {failures} 次失败的登录尝试（密码或验证码错误）。如非本人操作，请联系管理员。",
            "warning",
        )
    if user.must_change_password:
        flash("请先设置一个新密码。", "info")
        return redirect(url_for("accounts.change_password"))
    return redirect(after or safe_next(next_url) or landing_url(user))


def _expired():
    session.pop(PENDING_KEY, None)
    flash("登录已超时，请重新输入用户名和密码。", "info")
    return redirect(url_for("accounts.login"), code=303)


def _next_url() -> str | None:
    return (session.get(PENDING_KEY) or {}).get("next")


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_mfa_limit, methods=["POST"], error_message="尝试太频繁，请稍后再试。")
def login_code():
    """Step two: the 6-digit code from the authenticator app, or a one-time recovery code."""
    user = pending_user()
    if user is None or not user.has_mfa:
        return _expired()
    form, recovery = CodeForm(), RecoveryForm()
    status = 200
    if request.method == "POST":
        using_recovery = "recovery_code" in request.form
        target = recovery if using_recovery else form
        if target.validate_on_submit():
            ok = (
                mfa.use_recovery_code(user, recovery.recovery_code.data)
                if using_recovery
                else mfa.verify(user, form.code.data)
            )
            if ok:
                return finish(user, _next_url())
            if mfa.record_failure(user):
                session.pop(PENDING_KEY, None)
                minutes = current_app.config["LOGIN_LOCKOUT_MINUTES"]
                return render(
                    "accounts/login_code.html",
                    form=form,
                    recovery=recovery,
                    locked=LOCKED.format(minutes=minutes),
                    status=429,
                )
            field = recovery.recovery_code if using_recovery else form.code
            field.errors = [
                *field.errors,
                "恢复码不正确或已用过。"
                if using_recovery
                else "验证码不正确或已用过，请输入应用中当前显示的 6 位数字。",
            ]
        status = 422
    return render("accounts/login_code.html", form=form, recovery=recovery, status=status)


def _enrolling_user() -> User | None:
    if current_user.is_authenticated and not current_user.has_mfa:
        return current_user._get_current_object()
    user = pending_user()
    return user if user is not None and not user.has_mfa else None


@bp.route("/login/mfa-setup", methods=["GET", "POST"])
@limiter.limit(_mfa_limit, methods=["POST"], error_message="尝试太频繁，请稍后再试。")
def mfa_setup():
    """Enrol a second factor: scan the QR code (or type the secret), confirm with a code, get recovery codes."""
    user = _enrolling_user()
    if user is None:
        if current_user.is_authenticated:
            return redirect(url_for("accounts.security"), code=303)
        return _expired()
    secret = (unseal(session.get(ENROL_KEY), max_age=current_app.config["MFA_PENDING_SECONDS"]) or {}).get(
        "s"
    )
    if not secret:
        secret = mfa.new_secret()
        session[ENROL_KEY] = seal({"s": secret})
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        codes = mfa.enrol(user, secret, form.code.data)
        if codes is not None:
            session.pop(ENROL_KEY, None)
            return _show_recovery_codes(user, codes)
        if mfa.record_failure(user):
            session.pop(PENDING_KEY, None)
            return _expired()
        form.code.errors = [*form.code.errors, "验证码不正确，请输入应用中当前显示的 6 位数字。"]
        status = 422
    elif request.method == "POST":
        status = 422
    uri = mfa.provisioning_uri(user, secret)
    return render(
        "accounts/mfa_setup.html",
        form=form,
        qr=mfa.qr_svg(uri),
        secret=mfa.group(secret),
        required=mfa.required_for(user),
        status=status,
    )


def _show_recovery_codes(user: User, codes: list[str]):
    """Finish signing in (if this was the second step) and show the recovery codes once."""
    next_url = safe_next(_next_url()) or landing_url(user)
    if not current_user.is_authenticated:
        finish(user, next_url)
    response = render("accounts/recovery_codes.html", codes=codes, next_url=next_url, status=201)
    response.headers["Cache-Control"] = "no-store"
    return response
