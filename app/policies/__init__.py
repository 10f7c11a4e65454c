"""婚俗改革 policies: documents, interpretations, news, initiatives, FAQ; public pages and editor console."""

from flask import Blueprint, Flask

bp = Blueprint("policies", __name__)


def init_app(app: Flask) -> None:
    """Register routes, the Markdown filter, search providers and the registry hooks."""
    from app.policies import cli, console, hooks, indexing, models, routes  # noqa: F401
    from app.policies.rendering import render_markdown

    app.register_blueprint(bp)
    app.jinja_env.filters["markdown"] = render_markdown
    app.cli.add_command(cli.policies_cli)
    indexing.register(app)
    hooks.register(app)
