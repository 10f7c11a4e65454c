"""Urgent keyword triage: does a resident's text mention violence or self-harm?

The keyword list is the ``urgent_keywords`` setting edited in the schedule console, else the shared
distress list in ``app/search/data/distress.txt`` (the same words put the help card on search pages).
"""

import unicodedata

from app.hotline.booking.calendar import get_setting
from app.search.distress import default_words


def urgent_keywords() -> list[str]:
    """The triage keyword list (setting, one per line or separated by 、 , ，; else the shared list)."""
    value = get_setting("urgent_keywords")
    if value and value.strip():
        parts = value.replace("，", "\n").replace(",", "\n").replace("、", "\n").splitlines()
        return [p.strip() for p in parts if p.strip()]
    return default_words()


def detect_urgent(text: str | None) -> bool:
    """True when ``text`` mentions violence or self-harm (configurable keyword list)."""
    if not text:
        return False
    normalised = unicodedata.normalize("NFKC", text).replace(" ", "")
    return any(keyword in normalised for keyword in urgent_keywords())
