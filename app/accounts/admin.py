"""User administration for admins (``/console/users/``), with htmx inline row editing.

Every action works as a plain form post too: without htmx the view redirects back to the list (or shows
the one-time password on a page); with htmx it returns just the user's row.
"""

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.accounts import mfa, services
from app.accounts.blueprint import bp
from app.accounts.forms import UserCreateForm, UserEditForm
from app.accounts.models import User
from app.extensions import db
from app.web.access import role_required
from app.web.confirm import Confirmation, ask_first, describes
from app.web.render import render, wants_fragment


def _get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _edit_form(user: User, **kwargs) -> UserEditForm:
    return UserEditForm(prefix=f"u{user.id}", **kwargs)


def _list_page(status: int = 200, states: dict | None = None):
    users = db.session.scalars(select(User).order_by(User.username)).all()
    return render("accounts/users.html", users=users, states=states or {}, status=status)


def _row(user: User, status: int = 200, **state):
    """The user's row: a fragment for htmx, the list page (with that row's state) otherwise."""
    if wants_fragment():
        return render("accounts/_user_row.html", "accounts/_user_row.html", u=user, status=status, **state)
    return _list_page(status, {user.id: state})


@bp.get("/console/users/")
@role_required("admin")
def list_users():
    """List staff users with their roles and state."""
    return _list_page()


@bp.route("/console/users/new", methods=["GET", "POST"])
@role_required("admin")
def create_user():
    """Create a staff user with a one-time password shown once."""
    form = UserCreateForm()
    status = 200
    if form.validate_on_submit():
        try:
            user, temporary = services.create_user_with_temporary_password(
                form.username.data, form.display_name.data, form.roles.data
            )
        except services.AccountError as exc:
            getattr(form, exc.field or "username").errors.append(exc.message)
            status = 422
        else:
            return render("accounts/user_created.html", user=user, temp_password=temporary, status=201)
    elif request.method == "POST":
        status = 422
    return render("accounts/user_new.html", form=form, status=status)


@bp.get("/console/users/<int:user_id>")
@role_required("admin")
def show_user(user_id: int):
    """Show one user's row (htmx: used by 取消 to leave inline editing)."""
    return _row(_get_user(user_id))


@bp.route("/console/users/<int:user_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_user(user_id: int):
    """Edit a user's name and roles inline (htmx) or on its own page."""
    user = _get_user(user_id)
    form = _edit_form(user, obj=None if request.method == "POST" else user)
    if request.method == "GET":
        form.roles.data = user.roles
    status = 200
    if form.validate_on_submit():
        try:
            services.update_user(user, form.display_name.data, form.roles.data, acting=current_user)
        except services.AccountError as exc:
            getattr(form, exc.field or "roles").errors.append(exc.message)
            db.session.rollback()
            status = 422
        else:
            if wants_fragment():
                return _row(user, message="已保存。")
            flash(f"已保存 {user.username} 的信息。", "success")
            return redirect(url_for("accounts.list_users"), code=303)
    elif request.method == "POST":
        status = 422
    return render("accounts/user_edit.html", "accounts/_user_form.html", u=user, form=form, status=status)


def _user_confirmation(
    user: User, verb: str, what: str, title: str, consequence: str, **fields
) -> Confirmation:
    """「确定要{verb} 显示名（用户名）的{what}吗？」, back to the user list (issue 13: a dialog with
    JavaScript, a confirmation page without)."""
    return Confirmation(
        title=title,
        question=f"确定要{verb} {user.display_name}（{user.username}）的{what}吗？",
        consequence=consequence,
        button=f"确定{verb}",
        back_url=url_for("accounts.list_users"),
        fields=fields,
    )


@describes("accounts.deactivate")
def deactivate_confirmation(user: User) -> Confirmation:
    consequence = "停用后其登录会话立即失效，不能再登录；以后可以重新启用。"
    return _user_confirmation(user, "停用", "账号", "停用账号", consequence, active="0")


@bp.route("/console/users/<int:user_id>/active", methods=["GET", "POST"])
@role_required("admin")
def set_user_active(user_id: int):
    """Deactivate (after confirmation; ending their sessions) or reactivate a user."""
    user = _get_user(user_id)
    active = request.method == "POST" and request.form.get("active") == "1"
    if not active and (asked := ask_first(deactivate_confirmation(user))) is not None:
        return asked
    try:
        services.set_active(user, active, acting=current_user)
    except services.AccountError as exc:
        db.session.rollback()
        return _row(user, status=422, error=exc.message)
    message = "账号已启用。" if active else "账号已停用，其登录会话已失效。"
    if wants_fragment():
        return _row(user, message=message)
    flash(f"{user.username}：{message}", "success")
    return redirect(url_for("accounts.list_users"), code=303)


@describes("accounts.reset_password")
def reset_password_confirmation(user: User) -> Confirmation:
    consequence = "原密码将立即失效；新的一次性密码只显示一次，本人下次登录时必须修改。"
    return _user_confirmation(user, "重置", "密码", "重置密码", consequence)


@bp.route("/console/users/<int:user_id>/reset-password", methods=["GET", "POST"])
@role_required("admin")
def reset_user_password(user_id: int):
    """Give a user a one-time password, after confirmation (shown once; must be changed at next sign-in)."""
    user = _get_user(user_id)
    if (asked := ask_first(reset_password_confirmation(user))) is not None:
        return asked
    temporary = services.reset_password(user)
    return _row(user, temp_password=temporary)


@describes("accounts.reset_mfa")
def reset_mfa_confirmation(user: User) -> Confirmation:
    consequence = "其登录会话将失效，下次登录时需重新绑定。"
    return _user_confirmation(user, "重置", "两步验证", "重置两步验证", consequence)


@bp.route("/console/users/<int:user_id>/reset-mfa", methods=["GET", "POST"])
@role_required("admin")
def reset_user_mfa(user_id: int):
    """Remove a user's second factor, after confirmation (logged; they enrol again at next sign-in; their
    sessions end)."""
    user = _get_user(user_id)
    if (asked := ask_first(reset_mfa_confirmation(user))) is not None:
        return asked
    mfa.reset(user, current_user._get_current_object())
    message = "已重置两步验证，该用户下次登录时需重新绑定。"
    if wants_fragment():
        return _row(user, message=message)
    flash(f"{user.username}：{message}", "success")
    return redirect(url_for("accounts.list_users"), code=303)
