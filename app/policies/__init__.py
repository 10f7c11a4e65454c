"""婚俗改革 policies: documents, interpretations, news, initiatives, FAQ; public pages and editor console."""

from flask import Blueprint, Flask

bp = Blueprint("policies", __name__)


def zh_date(value) -> str:
    """2024-03-05 -> 2024年3月5日."""
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def bj_time(value) -> str:
    """A UTC timestamp shown in Beijing time, e.g. 2024年3月5日 14:30."""
    from app.policies.forms import CHINA
    from app.policies.models import as_utc

    if value is None:
        return ""
    local = as_utc(value).astimezone(CHINA)
    return f"{zh_date(local)} {local:%H:%M}"


def init_app(app: Flask) -> None:
    """Register routes, the Markdown filter, search providers and the registry hooks."""
    from app.policies import cli, console, hooks, indexing, models, routes  # noqa: F401
    from app.policies.rendering import render_markdown

    app.register_blueprint(bp)
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["zh_date"] = zh_date
    app.jinja_env.filters["bj_time"] = bj_time
    app.cli.add_command(cli.policies_cli)
    indexing.register(app)
    hooks.register(app)
