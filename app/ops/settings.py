"""Operations settings, read from the environment (listed in deploy/env.example and the README)."""

import os

from flask import Flask


def apply_defaults(app: Flask) -> None:
    """Fill the ops settings a config did not set: log format and level, metrics addresses, backup folder."""
    production = app.config.get("ENV_NAME") == "production"
    defaults = {
        "LOG_FORMAT": os.environ.get("LOG_FORMAT") or ("json" if production else "text"),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        "METRICS_ALLOWED_IPS": os.environ.get("METRICS_ALLOWED_IPS", "127.0.0.1,::1"),
        "BACKUP_DIR": os.environ.get("BACKUP_DIR") or os.path.join(app.instance_path, "backups"),
    }
    for key, value in defaults.items():
        app.config.setdefault(key, value)
