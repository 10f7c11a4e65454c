"""Account services: password step of sign-in, password rules, user management."""

import secrets

from flask import current_app
from sqlalchemy import func, select

from app.accounts import sessions
from app.accounts.models import User, UserRole, dummy_verify
from app.accounts.passwords import password_problem
from app.extensions import db
from app.web.access import ROLES
from app.web.errors import DomainError
from app.web.time import utcnow

USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_.-")


class AccountError(DomainError):
    """An account rule said no: a Chinese message for the user, the form field at fault (if any)."""


class LoginFailed(AccountError):
    status = 401


class AccountLocked(AccountError):
    status = 429


def find_user(username: str) -> User | None:
    """Return the user with ``username`` (case-insensitive), or None."""
    name = (username or "").strip().lower()
    if not name:
        return None
    return db.session.scalar(select(User).where(func.lower(User.username) == name))


def authenticate(username: str, password: str) -> User:
    """Check the password (step one of sign-in); every failure costs one hash and says the same thing.

    No hard lock on wrong passwords (a stranger could lock anyone out): they are throttled per account
    and address by the limiter on ``/login``. A lock set by wrong second-factor codes is checked only
    after a correct password, so it reveals nothing about which usernames exist.
    """
    user = find_user(username)
    if user is None:
        dummy_verify(password)
        raise LoginFailed("用户名或密码不正确。")
    if not user.check_password(password) or not user.active:
        user.failures_since_login += 1
        db.session.commit()
        raise LoginFailed("用户名或密码不正确。")
    if user.is_locked():
        raise AccountLocked(
            f"验证码错误次数过多，账号已暂时锁定，请 {current_app.config['LOGIN_LOCKOUT_MINUTES']} 分钟后再试，"
            "或联系系统管理员。"
        )
    return user


def complete_sign_in(user: User) -> int:
    """Record a finished sign-in (after the second factor); returns the failures since the last one."""
    failures = user.failures_since_login
    user.failed_logins = 0
    user.failures_since_login = 0
    user.locked_until = None
    user.last_login_at = utcnow()
    db.session.commit()
    return failures


def validate_password(password: str, username: str = "") -> None:
    """Refuse short, common, repeated or sequential passwords and the username (ASVS 6.2)."""
    problem = password_problem(password, username)
    if problem:
        raise AccountError(problem, "password")


def validate_username(username: str) -> str:
    name = (username or "").strip().lower()
    if not 3 <= len(name) <= 40 or not set(name) <= USERNAME_CHARS:
        raise AccountError("用户名需为 3–40 位小写字母、数字或 _ . -。", "username")
    return name


def create_user(username: str, password: str, roles, display_name: str | None = None, **flags) -> User:
    """Create a staff user; raises AccountError on a bad or duplicate username, password or role."""
    name = validate_username(username)
    if find_user(name):
        raise AccountError("这个用户名已经存在。", "username")
    roles = list(dict.fromkeys(roles))
    if not roles or set(roles) - set(ROLES):
        raise AccountError("请至少选择一个有效的角色。", "roles")
    validate_password(password, name)
    display = (display_name or name).strip()
    if not 1 <= len(display) <= 40:
        raise AccountError("姓名需为 1–40 个字符。", "display_name")
    user = User(username=name, display_name=display, **flags)
    user.set_password(password)
    user.set_roles(roles)
    db.session.add(user)
    db.session.commit()
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Change a user's own password after checking the current one."""
    if not user.check_password(current):
        raise AccountError("当前密码不正确。", "current_password")
    if current == new:
        raise AccountError("新密码不能与当前密码相同。", "new_password")
    try:
        validate_password(new, user.username)
    except AccountError as exc:
        raise AccountError(exc.message, "new_password") from exc
    user.set_password(new)
    user.must_change_password = False
    user.rotate_session()
    db.session.commit()


def _temporary_password() -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY346789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


def create_user_with_temporary_password(username: str, display_name: str, roles) -> tuple[User, str]:
    """Create a user whose one-time password must be changed at first sign-in; return both."""
    temporary = _temporary_password()
    user = create_user(username, temporary, roles, display_name, must_change_password=True)
    return user, temporary


def reset_password(user: User) -> str:
    """Give ``user`` a one-time password that must be changed at next login; return it."""
    temporary = _temporary_password()
    user.set_password(temporary)
    user.must_change_password = True
    user.failed_logins = 0
    user.locked_until = None
    sessions.end_all(user)
    return temporary


def _other_active_admins(user: User) -> int:
    return db.session.scalar(
        select(func.count(User.id))
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == "admin", User.active.is_(True), User.id != user.id)
    )


def set_active(user: User, active: bool, acting: User | None = None) -> None:
    """Activate or deactivate a user; deactivation ends their sessions at once."""
    if not active and acting is not None and acting.id == user.id:
        raise AccountError("不能停用自己的账号。")
    if not active and user.has_role("admin") and not _other_active_admins(user):
        raise AccountError("至少需要保留一个启用的系统管理员。")
    user.active = active
    if not active:
        sessions.end_all(user)
    db.session.commit()


def set_roles(user: User, roles) -> None:
    """Replace a user's roles."""
    update_user(user, user.display_name, roles)


def update_user(user: User, display_name: str, roles, acting: User | None = None) -> None:
    """Change a user's display name and roles (an admin cannot drop the last admin or their own)."""
    roles = list(dict.fromkeys(roles))
    if not roles or set(roles) - set(ROLES):
        raise AccountError("请至少选择一个有效的角色。", "roles")
    display = (display_name or "").strip()
    if not 1 <= len(display) <= 40:
        raise AccountError("姓名需为 1–40 个字符。", "display_name")
    if user.has_role("admin") and "admin" not in roles:
        if acting is not None and acting.id == user.id:
            raise AccountError("不能取消自己的系统管理员角色。", "roles")
        if user.active and not _other_active_admins(user):
            raise AccountError("至少需要保留一个启用的系统管理员。", "roles")
    user.display_name = display
    user.set_roles(roles)
    db.session.commit()


def logout_everywhere(user: User) -> None:
    """Invalidate every session cookie the user holds (and end every session record)."""
    sessions.end_all(user)
