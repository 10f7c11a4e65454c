"""Highlighting: escape first, then wrap matches in <mark>; the result is Markup."""

import functools

from markupsafe import Markup, escape

from app.search.analysis import bigrams, char_readings, fold, is_cjk, unfolded_pattern

SNIPPET_CHARS = 90
SNIPPET_LEAD = 24
LONG_TEXT = 256  # characters; longer texts are searched for the first match without folding them


class Needles:
    """What to mark for one query: literal fragments (folded) and pinyin keys for names."""

    def __init__(self, groups: list[list[str]]):
        self.literal: list[str] = []
        self.pinyin: list[str] = []
        for group in groups:
            for seg in group:
                if is_cjk(seg[0]):
                    self.literal.extend([seg] if len(seg) <= 2 else [seg, *bigrams(seg)])
                else:
                    self.literal.append(seg)
                    if seg.isalpha():
                        self.pinyin.append(seg)
            if len(group) > 1 and all(s.isalpha() for s in group):
                self.pinyin.append("".join(group))

    def __bool__(self) -> bool:
        return bool(self.literal or self.pinyin)

    @functools.cached_property
    def first(self):
        """A compiled pattern finding the first literal match in unfolded text (built once per query)."""
        return unfolded_pattern(self.literal)


def _literal_spans(mirror: str, needles: list[str]) -> list[tuple[int, int]]:
    spans = []
    for needle in needles:
        start = mirror.find(needle)
        count = 0
        while start != -1 and count < 50:
            spans.append((start, start + len(needle)))
            start = mirror.find(needle, start + 1)
            count += 1
    return spans


def _pinyin_spans(text: str, keys: list[str]) -> list[tuple[int, int]]:
    """Spans of characters whose pinyin (full, or initials for keys of >= 2 letters) spells a key."""
    readings = char_readings(text)
    spans = []
    for key in keys:
        for start in range(len(readings)):
            for end in (_match_full(readings, start, key), _match_initials(readings, start, key)):
                if end is not None:
                    spans.append((start, end))
    return spans


def _match_full(readings, start: int, key: str) -> int | None:
    pos, j = 0, start
    while pos < len(key) and j < len(readings):
        rest = key[pos:]
        for r in readings[j]:
            if rest.startswith(r):
                pos += len(r)
                break
            if r.startswith(rest):
                pos = len(key)
                break
        else:
            return None
        j += 1
    return j if pos == len(key) and j > start else None


def _match_initials(readings, start: int, key: str) -> int | None:
    if len(key) < 2 or start + len(key) > len(readings):
        return None
    for offset, letter in enumerate(key):
        if not any(r and r[0] == letter for r in readings[start + offset]):
            return None
    return start + len(key)


def _escape(text: str) -> str:
    """``str(markupsafe.escape(text))`` for a plain ``str``, without building a ``Markup`` per piece.

    The same five replacements as markupsafe (``&`` first); ``mark`` escapes a few pieces per title and
    snippet (20 hits a page) and wraps the joined result in one ``Markup``.
    """
    return (
        text.replace("&", "&amp;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


def _merge(spans):
    merged: list[list[int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return merged


def mark(text: str, needles: Needles, *, pinyin: bool = False) -> Markup:
    """Escape ``text`` and wrap every match of ``needles`` in <mark>."""
    text = text or ""
    if not needles or not text:
        return escape(text)
    return Markup(_marked(text, needles, pinyin))  # noqa: S704 - escaped by _marked, the tags are ours


def _marked(text: str, needles: Needles, pinyin: bool = False) -> str:
    """``str(mark(text, needles))`` for a non-empty ``text``: each piece escaped, matches in <mark>."""
    spans = _literal_spans(fold(text), needles.literal)
    if pinyin and needles.pinyin:
        spans += _pinyin_spans(text, needles.pinyin)
    if not spans:
        return _escape(text)
    out = []
    last = 0
    for a, b in _merge(spans):
        out.append(_escape(text[last:a]))
        out.append("<mark>")
        out.append(_escape(text[a:b]))
        out.append("</mark>")
        last = b
    out.append(_escape(text[last:]))
    return "".join(out)


def _first_match(text: str, needles: Needles) -> int:
    """Where ``fold(text)`` first holds a literal needle (-1: nowhere).

    A long text (a body runs to thousands of characters) is searched with the query's pattern instead of
    being folded whole: folding costs ~60 ns a character, the pattern is compiled once per query.
    """
    if len(text) > LONG_TEXT:
        found = needles.first.search(text)
        return found.start() if found else -1
    mirror = fold(text)
    return min((p for p in (mirror.find(n) for n in needles.literal) if p != -1), default=-1)


def _snippet_texts(data: dict):
    """The texts a snippet may come from, in order, each built only when reached."""
    yield data.get("summary") or ""
    yield data.get("body") or ""
    yield "；".join(data.get("keywords") or ())
    yield "；".join(data.get("aliases") or ())


def snippet(data: dict, needles: Needles) -> Markup:
    """A short excerpt around the first match in summary/body/keywords/aliases, marked."""
    if needles.literal:
        for text in _snippet_texts(data):
            first = _first_match(text, needles) if text else -1
            if first != -1:
                start = max(0, first - SNIPPET_LEAD)
                end = min(len(text), start + SNIPPET_CHARS)
                lead, tail = "…" if start else "", "…" if end < len(text) else ""
                return Markup(lead + _marked(text[start:end], needles) + tail)  # noqa: S704 - escaped
    text = next((t for t in _snippet_texts(data) if t), "")
    if len(text) > SNIPPET_CHARS:
        return escape(text[:SNIPPET_CHARS]) + Markup("…")
    return escape(text)
