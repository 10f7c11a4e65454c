"""Login, logout, own password, and the staff console home."""

from flask import abort, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user

from app.accounts import services, sessions, signin
from app.accounts.blueprint import bp
from app.accounts.forms import LoginForm, PasswordForm
from app.accounts.landing import landing_url
from app.extensions import limiter, login_account_address_key, login_account_key
from app.web.access import login_required
from app.web.registry import get_registry
from app.web.render import render
from app.web.urls import safe_next


def _login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_limit() -> str:
    return current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"]


def _account_address_limit() -> str:
    return current_app.config["LOGIN_ACCOUNT_ADDRESS_RATE_LIMIT"]


def _failed(response) -> bool:
    return response.status_code == 401


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"], error_message="登录尝试太频繁，请稍后再试。")
@limiter.limit(
    _account_limit,
    methods=["POST"],
    key_func=login_account_key,
    error_message="这个账号的登录尝试太频繁，请稍后再试。",
)
@limiter.limit(
    _account_address_limit,
    methods=["POST"],
    key_func=login_account_address_key,
    deduct_when=_failed,
    error_message="密码错误次数过多，请稍后再试（等待时间随失败次数增加）。",
)
def login():
    """Sign a staff member in (generic error that does not reveal whether the user exists)."""
    next_url = safe_next(request.args.get("next") or request.form.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or landing_url(current_user))
    form = LoginForm()
    error = None
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.username.data, form.password.data)
        except services.AccountLocked as exc:
            error, status = exc.message, 429
        except services.LoginFailed as exc:
            error, status = exc.message, 401
        else:
            return signin.begin(user, next_url)
    elif request.method == "POST":
        status = 422
    return render("accounts/login.html", form=form, error=error, next_url=next_url, status=status)


@bp.post("/logout")
def logout():
    """Sign out and invalidate the session cookie everywhere."""
    if current_user.is_authenticated:
        sessions.end_current()  # this browser's record: a copied cookie stops working
    logout_user()
    session.clear()
    flash("您已安全退出。", "success")
    return redirect(url_for("web.home"), code=303)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Let a signed-in user change their own password."""
    form = PasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.new_password.data)
        except services.AccountError as exc:
            getattr(form, exc.field or "new_password").errors.append(exc.message)
            status = 422
        else:
            login_user(
                current_user._get_current_object()
            )  # the token rotated: re-issue this session's cookie
            flash("密码已修改。", "success")
            return redirect(url_for("accounts.console"))
    elif request.method == "POST":
        status = 422
    return render("accounts/password.html", form=form, status=status)


@bp.get("/console/")
@login_required
def console():
    """Show each role its own entry points."""
    entries = [e for e in get_registry(current_app).console if current_user.has_any_role(*e.roles)]
    if not current_user.roles:
        abort(403)
    return render("accounts/console.html", entries=entries)
