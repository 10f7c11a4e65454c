"""Staff accounts, roles, sign-in, and user administration."""

from flask import Flask

from app.accounts import account, admin, cli, mfa, routes, sessions, signin  # noqa: F401  (views register on bp)
from app.accounts.blueprint import bp
from app.accounts.models import User, configure_hasher
from app.extensions import db, login_manager
from app.web.registry import ConsoleEntry, get_registry


def init_app(app: Flask) -> None:
    """Wire Flask-Login, the account routes, the console entries and the ``users`` CLI."""
    configure_hasher(app.config.get("ARGON2_PARAMS"))
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "请先登录。"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str):
        ident, _, token = user_id.partition(":")
        if not ident.isdigit() or not token:
            return None
        user = db.session.get(User, int(ident))
        if user is None or not user.active or user.session_token != token:
            return None
        if sessions.current_record(user) is None:  # ended, expired, or presented by another browser
            return None
        if mfa.required_for(user) and not user.has_mfa:  # e.g. reset by an admin: enrol again first
            return None
        return user

    app.register_blueprint(bp)
    app.cli.add_command(cli.users_cli)
    get_registry(app).console.append(
        ConsoleEntry("用户管理", "accounts.list_users", ("admin",), "账号、角色、重置密码", order=90)
    )
