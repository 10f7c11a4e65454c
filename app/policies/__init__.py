"""婚俗改革 policies: documents, interpretations, news, initiatives and the FAQ, public and in the console.

One blueprint (``routes``, ``console``), ``flask policies``, two search providers, four registry entries.
"""

from flask import Flask

from app.policies import console, demo, hooks, indexing, routes  # noqa: F401  (views register on bp)
from app.policies.blueprint import bp
from app.policies.cli import policies_cli
from app.policies.rendering import render_markdown
from app.web.registry import ConsoleEntry, HomeSection, get_registry


def init_app(app: Flask) -> None:
    """Register the blueprint, the Markdown filter, the CLI, search providers and registry entries."""
    app.register_blueprint(bp)
    app.jinja_env.filters["markdown"] = render_markdown
    app.cli.add_command(policies_cli)
    indexing.register(app)
    app.before_request(hooks.release_due_before_request)
    registry = get_registry(app)
    registry.cache_bypass.append(hooks.release_pending)
    registry.sitemap.append(hooks.sitemap_entries)
    registry.home.append(HomeSection("policies/_home.html", hooks.home_context, order=10))
    registry.warm_up.append(lambda: ["/policies/", "/policies/faq"])
    registry.console.append(
        ConsoleEntry(
            "婚俗改革政策", "policies.console_list", ("editor",), "发布政策文件、解读、动态和倡议", 10
        )
    )
    registry.console.append(
        ConsoleEntry("常见问题", "policies.console_faq", ("editor",), "编辑和排序常见问题", 11)
    )
    registry.demo.append(("10-policies", demo.load))
