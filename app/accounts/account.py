"""The signed-in staff member's own security page: second factor, active sessions, sign out everywhere."""

from flask import flash, redirect, session, url_for
from flask_login import current_user, logout_user

from app.accounts import mfa, sessions
from app.accounts.blueprint import bp
from app.extensions import db
from app.web.access import login_required
from app.web.render import render


@bp.get("/account/security")
@login_required
def security():
    """Show the second-factor state and every browser signed in to this account."""
    user = current_user._get_current_object()
    current = sessions.current_record(user)
    return render(
        "accounts/security.html",
        records=sessions.active_for(user),
        current_id=current.id if current else None,
        has_mfa=user.has_mfa,
        required=mfa.required_for(user),
        codes_left=mfa.recovery_codes_left(user) if user.has_mfa else 0,
    )


@bp.post("/account/sessions/end-all")
@login_required
def end_all_sessions():
    """Sign out everywhere: end every session record of this account, this browser's included."""
    user = current_user._get_current_object()
    mfa.log(user, "sign_out_all", user)
    sessions.end_all(user)
    db.session.commit()
    logout_user()
    session.clear()
    flash("已在所有设备上退出登录。", "success")
    return redirect(url_for("accounts.login"), code=303)
