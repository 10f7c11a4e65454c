"""Cross-cutting web layer: rendering, access control, errors, security headers, elder mode."""

from flask import Flask, request

from app.web import errors, routes, security, sessions, urls
from app.web.access import ROLES
from app.web.blueprint import bp
from app.web.confirm import confirm_question
from app.web.registry import get_registry
from app.web.time import cn_date, cn_datetime


def init_app(app: Flask) -> None:
    """Register the site-wide routes, hooks and template globals."""
    app.register_blueprint(bp)
    security.init_app(app)
    errors.init_app(app)
    urls.init_app(app)
    sessions.init_app(app)

    @app.context_processor
    def inject_globals():
        return {
            "elder_mode": request.cookies.get(routes.ELDER_COOKIE) == "1",
            "hotline_phone": app.config["HOTLINE_PHONE"],
            "bureau_name": app.config["BUREAU_NAME"],
            "role_names": ROLES,
            "current_path": request.full_path.rstrip("?"),
        }

    get_registry(app).warm_up.append(lambda: ["/"])
    app.add_template_global(confirm_question)
    app.jinja_env.filters["cn_datetime"] = cn_datetime
    app.jinja_env.filters["cn_date"] = cn_date
    app.jinja_env.filters["tel"] = lambda number: "".join(ch for ch in number if ch.isdigit() or ch == "+")
