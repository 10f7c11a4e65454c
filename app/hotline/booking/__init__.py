"""Booking: residents choose a free time and leave a way to be called back; staff edit the schedule.

Calendar and slots, bookings, the booking wizard, manage pages and the schedule console.
"""

from flask import Flask

from app.hotline import signals
from app.hotline.booking import console, demo, manage, offers, routes, waitlist_pages  # noqa: F401
from app.hotline.booking.cli import slots_command
from app.hotline.cli import hotline_cli
from app.web.registry import ConsoleEntry, get_registry


def init_app(app: Flask) -> None:
    """Attach ``flask hotline slots``, the waitlist's offers, the schedule console tile and the demo schedule."""
    hotline_cli.add_command(slots_command)
    signals.places_freed.connect(offers.on_places_freed)
    signals.day_closed.connect(offers.on_day_closed)
    registry = get_registry(app)
    registry.console.append(
        ConsoleEntry(
            "热线排班",
            "hotline.schedule_home",
            ("counselor", "admin"),
            "每周时段、节假日与调休、开放设置",
            order=21,
        )
    )
    registry.demo.append(("30-hotline-schedule", demo.load))
