"""Access control in one place: role decorators used by every staff view."""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, make_response, redirect, request, url_for
from flask_login import current_user

from app.web.render import wants_fragment
from app.web.urls import safe_next

ROLES = {
    "admin": "系统管理员",
    "editor": "政策编辑",
    "counselor": "热线咨询员",
    "archivist": "地名档案员",
}


def _return_path() -> str | None:
    """Where to go after signing in: this page, or for htmx the page the user is looking at."""
    if getattr(request, "htmx", None):
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        if current.netloc == request.host and current.path:
            return safe_next(current.path + (f"?{current.query}" if current.query else ""))
    return safe_next(request.full_path.rstrip("?"))


def _login_redirect():
    """Send an anonymous visitor to the login page (htmx: 401 + HX-Redirect, a full-page redirect)."""
    target = url_for("accounts.login", next=_return_path())
    if getattr(request, "htmx", None):
        response = redirect(target)
        response.status_code = 401
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target)


def login_required(view: Callable) -> Callable:
    """Require a signed-in, active staff user whose password is not pending a forced change."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return _login_redirect()
        if current_user.must_change_password and request.endpoint not in {
            "accounts.change_password",
            "accounts.logout",
        }:
            target = url_for("accounts.change_password")
            if wants_fragment():  # a fragment swap must not receive a whole page: let htmx navigate
                response = make_response("", 200)
                response.headers["HX-Redirect"] = target
                return response
            return redirect(target)
        return view(*args, **kwargs)

    wrapped.staff_roles = getattr(view, "staff_roles", ())  # type: ignore[attr-defined]
    wrapped.login_required = True  # type: ignore[attr-defined]
    return wrapped


def role_required(*roles: str) -> Callable:
    """Require one of ``roles`` (admins are not implied: privacy rules differ per role)."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def checked(*args, **kwargs):
            if not current_user.has_any_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped = login_required(checked)
        wrapped.staff_roles = roles  # type: ignore[attr-defined]
        return wrapped

    return decorator
