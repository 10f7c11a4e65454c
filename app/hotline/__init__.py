"""幸福泉城 hotline: resident booking (public) and counselor console.

Interface between the booking side (engineer A) and case management (engineer B):

- ``app.hotline.privacy``: ``normalize_phone(raw) -> str`` (11-digit mainland mobile; spaces, dashes,
  +86/0086 and full-width digits accepted; otherwise raises ``InvalidPhone`` whose ``.message`` is
  Chinese), ``mask_phone(phone) -> "138****1234"``, ``phone_hash(phone) -> str`` (HMAC-SHA256 hex, keyed
  from the data key), ``encrypt(text) -> str`` / ``decrypt(token) -> str`` / ``rotate(token) -> str``
  (MultiFernet; keys from ``HOTLINE_DATA_KEY``, comma separated, newest first, else
  ``instance/hotline-data.key`` created once with mode 0600) and ``EncryptedText``, a SQLAlchemy type that
  encrypts a column at rest transparently.
- ``app.hotline.models``: ``TOPICS`` (key -> 中文), ``MODES = {"phone": "电话回访", "visit": "到场面谈"}``,
  ``STATUSES``, ``TOWNS`` (the 18 镇街), ``LOCAL_TZ`` (Asia/Shanghai), ``UTCDateTime`` (aware UTC on
  SQLite too); models ``AvailabilityRule``, ``Closure``, ``ExtraWorkday``, ``Slot`` (start_at, end_at,
  mode, capacity, booked; unique (start_at, mode)), ``HotlineSetting`` and ``Booking`` (reference,
  slot, topic, mode, nickname*, phone*, phone_hash, description*, safe_call_times*, may_leave_message,
  town, urgent, consent_at, consent_version, status ∈ booked/cancelled/completed/no_show, created_at,
  cancelled_at, completed_at, purged_at; * = encrypted). Transitions: ``cancel()`` (gives the place
  back), ``move_to(slot)`` (caller reserved a place first), ``mark_no_show()``, ``complete()``; they raise
  ``BookingStateError`` when the status does not allow them. Display helpers: ``masked_phone``,
  ``reference_display`` (ABCD-EFGH), ``topic_label``, ``mode_label``, ``status_label``.
- Case hook: ``services.book_slot`` calls ``app.hotline.cases.open_case_for_booking(booking, urgent)``
  in the booking's own transaction (after flush, before commit); ``services.reschedule_booking`` and
  ``services.cancel_booking`` call ``on_booking_rescheduled(booking, old_slot)`` /
  ``on_booking_cancelled(booking)`` from the same module.
- Modules: ``services`` (book, find, cancel, reschedule, .ics, key rotation), ``slots`` (settings,
  calendar, materialisation, ``reserve_place``, schedule editing), ``errors`` (``HotlineError`` & co.),
  ``routes`` (intro, booking steps, picker), ``manage`` (find/move/cancel, .ics), ``schedule`` (console).
- ``services.detect_urgent(text) -> bool``: the configurable keyword triage (``HOTLINE_URGENT_KEYWORDS`` or
  the ``urgent_keywords`` setting edited in the schedule console).
- CLI: ``app.hotline.cli.hotline_cli`` is the ``flask hotline`` AppGroup (``slots``); case commands
  (``purge``) are attached from ``app.hotline.cases_cli`` when that module exists. ``init_app`` imports
  ``app.hotline.cases``, ``app.hotline.case_routes`` and ``app.hotline.cases_cli`` when present (before
  the blueprint is registered) and calls their ``init_app(app)`` if they define one.
"""

import importlib.util

from flask import Blueprint, Flask

bp = Blueprint("hotline", __name__)


def _has_module(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def _sitemap():
    """Public hotline pages for search engines (booking and manage pages are private)."""
    from app.web.registry import SitemapEntry

    yield SitemapEntry(loc="/hotline/")


def init_app(app: Flask) -> None:
    """Register the hotline routes, models, CLI, console tile and demo data."""
    from app.hotline import cli, manage, models, routes, schedule  # noqa: F401
    from app.web.registry import ConsoleEntry, get_registry

    app.config.setdefault("HOTLINE_BOOKING_DAYS", 14)
    app.config.setdefault("HOTLINE_MIN_NOTICE_HOURS", 12)
    app.config.setdefault("HOTLINE_BOOKING_RATE_LIMIT", "10 per hour;30 per day")
    app.config.setdefault("HOTLINE_MANAGE_RATE_LIMIT", "10 per 10 minutes")
    app.config.setdefault("HOTLINE_MIN_FORM_SECONDS", 2)
    app.config.setdefault("HOTLINE_OPENING_HOURS", [("08:30", "12:00"), ("13:30", "17:30")])
    app.config.setdefault(
        "HOTLINE_URGENT_KEYWORDS",
        ["家暴", "打我", "打人", "动手", "威胁", "自杀", "轻生", "不想活", "杀", "离家出走", "跳楼", "喝药"],
    )
    app.config.setdefault("HOTLINE_VISIT_ADDRESS", "章丘区民政局服务大厅（明水街道，示例地址）")
    app.config.setdefault("HOTLINE_QUICK_EXIT_URL", "https://www.baidu.com/s?wd=天气")

    # Case management (engineer B) plugs in here: its modules register views on ``bp`` and commands on
    # ``hotline_cli``; a module-level ``init_app(app)`` is called when present.
    for name in ("app.hotline.cases", "app.hotline.case_routes", "app.hotline.cases_cli"):
        if _has_module(name):
            module = importlib.import_module(name)
            if hasattr(module, "init_app"):
                module.init_app(app)
    app.register_blueprint(bp)
    app.cli.add_command(cli.hotline_cli)

    registry = get_registry(app)
    registry.sitemap.append(_sitemap)
    registry.console.append(
        ConsoleEntry(
            "热线排班",
            "hotline.schedule_home",
            ("counselor", "admin"),
            "每周时段、节假日与调休、开放设置",
            order=21,
        )
    )
    from app.hotline import demo

    registry.demo.append(("30-hotline-schedule", demo.load))
