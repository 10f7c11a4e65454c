"""``flask hotline``: one command group; booking adds ``slots``, cases add ``purge`` (in their init_app)."""

import click
from flask.cli import AppGroup

from app.hotline.privacy import rotate_encryption

hotline_cli = AppGroup("hotline", help="幸福泉城热线：时段与数据保留。")


@hotline_cli.command("rotate-key")
def rotate_key_command():
    """Re-encrypt every encrypted hotline value with the newest HOTLINE_DATA_KEY."""
    count = rotate_encryption()
    click.echo(f"re-encrypted {count} rows")
