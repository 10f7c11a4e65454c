"""Distress words: one list for the search help card and the hotline's urgent-case triage.

The default list is ``data/distress.txt``. A feature may register a source that overrides it (the
hotline registers its console setting), so the search and the triage always read the same words.
"""

import logging
import re
import time
from collections.abc import Callable

from flask import Flask, current_app, has_app_context

from app.search.analysis import fold
from app.search.words import read_list

log = logging.getLogger(__name__)

SOURCE_KEY = "zq_distress_source"
CACHE_KEY = "zq_distress_cache"
CACHE_SECONDS = 10.0
_SEPARATORS = re.compile(r"[\s\u3000,，、;；.。!！?？:：'\"“”‘’()（）\-_/]+")


def default_words() -> list[str]:
    """The shipped list (``app/search/data/distress.txt``)."""
    return read_list("distress.txt")


def register_source(app: Flask, source: Callable[[], list[str]]) -> None:
    """Let ``source()`` supply the effective list (e.g. a console setting); it falls back to the default."""
    app.extensions[SOURCE_KEY] = source
    app.extensions.pop(CACHE_KEY, None)


def distress_words() -> list[str]:
    """The effective list: the registered source when it answers, else the shipped default.

    Cached per process for ``CACHE_SECONDS`` (reading the setting cost more than the search itself);
    a console change reaches the help card within that time.
    """
    if not has_app_context():
        return default_words()
    cached = current_app.extensions.get(CACHE_KEY)
    now = time.monotonic()
    if cached and now - cached[0] < current_app.config.get("SEARCH_DISTRESS_CACHE_SECONDS", CACHE_SECONDS):
        return cached[1]
    words = _read_words()
    current_app.extensions[CACHE_KEY] = (now, words)
    return words


def _read_words() -> list[str]:
    source = current_app.extensions.get(SOURCE_KEY)
    if source is not None:
        try:
            words = [fold(w) for w in source() or () if w and w.strip()]
            if words:
                return words
        except Exception:  # a broken setting must not hide the help card
            log.exception("search: distress word source failed; using the default list")
    return default_words()


def compact(text: str) -> str:
    """``text`` folded (traditional, full-width, case) with spaces and punctuation removed."""
    return _SEPARATORS.sub("", fold(text or ""))


def needs_help(text) -> bool:
    """True when ``text`` (a query or a description) contains a distress word."""
    if not isinstance(text, str) or not text.strip():
        return False
    squeezed = compact(text)
    return any(word in squeezed for word in distress_words())
