"""``flask hotline``: one command group; booking adds ``slots``, cases add ``purge`` (in their init_app).

``rotate-key`` is attached by ``app.ops`` (app/ops/keys.py: resumable, with a dry run).
"""

from flask.cli import AppGroup

hotline_cli = AppGroup("hotline", help="幸福泉城热线：时段与数据保留。")
