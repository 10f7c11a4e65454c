"""Urgent keyword triage: does a resident's text mention violence or self-harm?

The keyword list is the ``urgent_keywords`` setting edited in the schedule console, else the
``HOTLINE_URGENT_KEYWORDS`` config.
"""

import unicodedata

from flask import current_app

from app.hotline.booking.calendar import get_setting


def urgent_keywords() -> list[str]:
    """The triage keyword list (setting, one per line or separated by 、 , ，; else config)."""
    value = get_setting("urgent_keywords")
    if value and value.strip():
        parts = value.replace("，", "\n").replace(",", "\n").replace("、", "\n").splitlines()
        return [p.strip() for p in parts if p.strip()]
    return list(current_app.config["HOTLINE_URGENT_KEYWORDS"])


def detect_urgent(text: str | None) -> bool:
    """True when ``text`` mentions violence or self-harm (configurable keyword list)."""
    if not text:
        return False
    normalised = unicodedata.normalize("NFKC", text).replace(" ", "")
    return any(keyword in normalised for keyword in urgent_keywords())
