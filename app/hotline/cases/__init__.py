"""Cases: the counselor console, case records, notes, follow-ups, statistics and the retention purge.

Booking events arrive through ``app.hotline.signals``; receivers live in ``handlers``.
"""

from flask import Flask

from app.hotline import signals
from app.hotline.cases import (  # noqa: F401  (views register on hotline.bp)
    calls,
    demo,
    handlers,
    lists,
    reports,
    routes,
    snippet_routes,
    snippets,
)
from app.hotline.cases.cli import purge_command
from app.hotline.cli import hotline_cli
from app.web.registry import ConsoleEntry, get_registry


def init_app(app: Flask) -> None:
    """Connect the booking signals, attach ``flask hotline purge``, console tiles and demo cases."""
    signals.booking_created.connect(handlers.booking_created)
    signals.booking_moved.connect(handlers.booking_moved)
    signals.booking_cancelled.connect(handlers.booking_cancelled)
    signals.booking_needs_move.connect(handlers.booking_needs_move)
    signals.waitlist_offered.connect(handlers.waitlist_offered)
    signals.waitlist_lapsed.connect(handlers.waitlist_lapsed)
    hotline_cli.add_command(purge_command)
    # Ahead of CSRF protection: a note posted after the session expired is kept for after sign-in.
    app.before_request_funcs.setdefault(None, []).insert(0, snippet_routes.keep_note_on_expired_session)
    registry = get_registry(app)
    registry.console.append(
        ConsoleEntry(
            "热线个案", "hotline.console_today", ("counselor",), "今日预约与来电、个案、回访", order=20
        )
    )
    registry.console.append(
        ConsoleEntry("热线统计", "hotline.stats", ("counselor", "admin"), "匿名统计图表与导出", order=22)
    )
    registry.console.append(
        ConsoleEntry("热线访问记录", "hotline.access_log", ("admin",), "谁在何时查看了哪个个案", order=23)
    )
    registry.console.append(
        ConsoleEntry(
            "热线记录常用语", "hotline.snippets_admin", ("admin",), "咨询员写记录时一键插入的常用语", order=24
        )
    )
    registry.demo.append(("31-hotline-cases", demo.load))
    registry.demo.append(("32-hotline-snippets", snippets.load_demo))
