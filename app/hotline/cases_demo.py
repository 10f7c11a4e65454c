"""Demo data for case management (key 31-hotline-cases)."""


def load() -> None:
    """Create a month of past cases (idempotent)."""
