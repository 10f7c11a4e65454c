"""Cross-cutting web layer: rendering, access control, errors, security headers, elder mode."""

from datetime import UTC, datetime, timedelta, timezone

from flask import Blueprint, Flask, request

bp = Blueprint("web", __name__)
CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")  # no DST in China


def cn_datetime(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Format a UTC timestamp (aware, or naive as SQLite returns it) in China time."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(CHINA_TZ).strftime(fmt)


def init_app(app: Flask) -> None:
    """Register the site-wide routes, hooks and template globals."""
    from app.web import errors, routes, security  # noqa: F401  (routes registers views on bp)
    from app.web.access import ROLES

    app.register_blueprint(bp)
    security.init_app(app)
    errors.init_app(app)

    @app.context_processor
    def inject_globals():
        return {
            "elder_mode": request.cookies.get(routes.ELDER_COOKIE) == "1",
            "hotline_phone": app.config["HOTLINE_PHONE"],
            "bureau_name": app.config["BUREAU_NAME"],
            "role_names": ROLES,
            "current_path": request.full_path.rstrip("?"),
        }

    app.jinja_env.filters["cn_datetime"] = cn_datetime
    app.jinja_env.filters["tel"] = lambda number: "".join(ch for ch in number if ch.isdigit() or ch == "+")
