"""Operations: scheduled jobs, backups, JSON request logs, Prometheus metrics, production start-up checks.

Production deployment (gunicorn, nginx, systemd timers) is described in deploy/README.md.
"""

from flask import Flask

from app.hotline.cli import hotline_cli
from app.ops import console, logs, metrics, startup  # noqa: F401  (views register on bp)
from app.ops.blueprint import bp
from app.ops.cli import backup_cli, jobs_cli
from app.ops.jobs import health
from app.ops.keys import rotate_key_command
from app.web.registry import ConsoleEntry, get_registry

configure_logging = logs.configure


def init_app(app: Flask) -> None:
    """Request logs, metrics, the jobs health check and console tile, the CLI; production checks last."""
    logs.init_app(app)
    metrics.init_app(app)
    app.register_blueprint(bp)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(backup_cli)
    hotline_cli.add_command(rotate_key_command)  # `flask hotline rotate-key`
    registry = get_registry(app)
    registry.health["jobs"] = health
    registry.console.append(
        ConsoleEntry(
            "定时任务", "ops.jobs_status", ("admin",), "时段生成、个人信息清除、定时发布的运行状态", order=90
        )
    )
    if app.config.get("ENV_NAME") == "production":
        startup.check(app)
