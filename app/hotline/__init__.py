"""幸福泉城 hotline: residents book a call-back or a visit (``booking``), counselors work cases (``cases``).

One ``hotline`` blueprint and one ``flask hotline`` group; booking tells cases what happened via ``signals``.
"""

from flask import Flask

from app.hotline import booking, cases, search_docs
from app.hotline.blueprint import bp
from app.hotline.cli import hotline_cli
from app.web.registry import SitemapEntry, get_registry

DEFAULTS = {
    "HOTLINE_BOOKING_DAYS": 14,
    "HOTLINE_MIN_NOTICE_HOURS": 12,
    "HOTLINE_BOOKING_RATE_LIMIT": "10 per hour;30 per day",
    "HOTLINE_MANAGE_RATE_LIMIT": "10 per 10 minutes",
    "HOTLINE_MIN_FORM_SECONDS": 2,
    "HOTLINE_OPENING_HOURS": [("08:30", "12:00"), ("13:30", "17:30")],
    "HOTLINE_VISIT_ADDRESS": "章丘区民政局服务大厅（明水街道，示例地址）",
    "HOTLINE_QUICK_EXIT_URL": "https://www.baidu.com/s?wd=天气",
    "HOTLINE_RETENTION_DAYS": 180,
    "HOTLINE_UNUSED_BOOKING_DAYS": 30,
    "HOTLINE_WAITLIST_HOLD_HOURS": 2,
}


def _sitemap():
    """Public hotline pages for search engines (booking and manage pages are private)."""
    yield SitemapEntry(loc="/hotline/")


def init_app(app: Flask) -> None:
    """Config defaults, both sub-packages (views, CLI, console tiles, demo data), the blueprint."""
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, list(value) if isinstance(value, list) else value)
    booking.init_app(app)
    cases.init_app(app)
    app.register_blueprint(bp)
    app.cli.add_command(hotline_cli)
    get_registry(app).sitemap.append(_sitemap)
    get_registry(app).warm_up.append(lambda: ["/hotline/"])
    search_docs.init_app(app)
