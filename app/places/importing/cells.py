"""Spreadsheet cells <-> entry values: lists split on ；, aliases ``kind:name``, sources ``citation | url | note``.

The import parses these cells and the export writes them, so a staff export can be imported again.
"""

from __future__ import annotations

import re

from app.places.rules import ALIAS_KINDS

LIST_SPLIT = re.compile(r"[；;]")
KIND_SPLIT = re.compile(r"[:：]")
SOURCE_SPLIT = re.compile(r"\s*[|｜]\s*")
URL_START = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
FORMULA_START = ("=", "+", "-", "@")


def split_list(text: str) -> list[str]:
    """``甲；乙;丙`` → ["甲", "乙", "丙"] (empty items dropped)."""
    return [part.strip() for part in LIST_SPLIT.split(text or "") if part.strip()]


def parse_aliases(text: str) -> list[dict[str, str]]:
    """``曾用名:东岭村；俗称:老岭`` → [{"name": "东岭村", "kind": "曾用名"}, ...]; no kind → 曾用名."""
    out = []
    for item in split_list(text):
        parts = KIND_SPLIT.split(item, maxsplit=1)
        if len(parts) == 2 and parts[0].strip() in ALIAS_KINDS:
            out.append({"name": parts[1].strip(), "kind": parts[0].strip()})
        else:
            out.append({"name": item, "kind": "曾用名"})
    return [a for a in out if a["name"]]


def parse_sources(text: str) -> list[dict[str, str]]:
    """``《章丘县志》| https://… | 第 3 页；…`` → [{"citation", "url", "note"}, ...]."""
    out = []
    for item in split_list(text):
        parts = SOURCE_SPLIT.split(item)
        citation = parts[0].strip()
        url, note = "", ""
        for extra in parts[1:]:
            if URL_START.match(extra) and not url:
                url = extra.strip()
            else:
                note = f"{note} {extra}".strip()
        if citation:
            out.append({"citation": citation, "url": url, "note": note})
    return out


def format_aliases(aliases: list[dict[str, str]]) -> str:
    """The inverse of ``parse_aliases``."""
    return "；".join(f"{a['kind']}:{a['name']}" for a in aliases)


def format_sources(sources: list[dict[str, str]]) -> str:
    """The inverse of ``parse_sources``."""
    items = []
    for s in sources:
        parts = [s["citation"]]
        if s.get("url"):
            parts.append(s["url"])
        if s.get("note"):
            parts.append(s["note"])
        items.append(" | ".join(parts))
    return "；".join(items)


def unneutralise(value: str) -> str:
    """Our own exports prefix risky cells with "'" (formula-injection guard); undo it on the way back."""
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_START:
        return value[1:]
    return value


def clean(value: str) -> str:
    """Drop control characters (tabs and newlines stay) and normalise line ends."""
    value = "".join(ch for ch in value if ch.isprintable() or ch in "\n\t")
    return value.replace("\r\n", "\n").strip()
