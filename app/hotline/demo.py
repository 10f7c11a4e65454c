"""Demo data for the hotline booking side (key 30-hotline-schedule)."""


def load() -> None:
    """Create weekly rules, this year's holidays, slots and a few upcoming bookings (idempotent)."""
