"""Entry data in, PlaceName out: validate snapshot-shaped data and copy it onto an entry.

``services.save_place`` and the import (``importing.apply``) both write through these functions, so an
entry saved from the console and one imported from a spreadsheet obey the same rules. Nothing here
commits; the caller owns the transaction.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from sqlalchemy import func, select

from app.extensions import db
from app.places.errors import InvalidPlace
from app.places.models import PlaceAlias, PlaceName, PlaceRevision, Source, Theme
from app.places.pinyin import syllables
from app.places.reference import ReferenceMatcher, normalize
from app.places.rules import ALIAS_KINDS, CODE_RE


def plain_from_tone(pinyin: str) -> str:
    """``Míng shuǐ`` → ``mingshui`` (tone marks and separators dropped)."""
    decomposed = unicodedata.normalize("NFD", pinyin or "")
    letters = [ch for ch in decomposed if "a" <= ch.lower() <= "z"]
    return "".join(letters).lower()


def theme_slug(name: str) -> str:
    """A URL slug for a new theme from its pinyin, unique among themes."""
    base = "-".join(p for _, p in syllables(name) if p.isascii() and p.isalnum()).lower()[:70] or "zhuanti"
    slug, n = base, 2
    while db.session.scalar(select(Theme.id).where(Theme.slug == slug)) is not None:
        slug, n = f"{base}-{n}", n + 1
    return slug


def ensure_theme(name: str, matcher=None) -> Theme:
    """The theme called ``name``, created (with a pinyin slug) when it does not exist yet."""
    matcher = matcher or ReferenceMatcher()
    theme = matcher.theme(name)
    if theme is None:
        position = (db.session.scalar(select(func.max(Theme.position))) or 0) + 1
        theme = Theme(name=name.strip(), slug=theme_slug(name), position=position)
        db.session.add(theme)
        db.session.flush()
        matcher.themes[normalize(name)] = theme
    return theme


def text_value(data: dict, key: str, limit: int | None = None) -> str:
    value = str(data.get(key) or "").strip()
    return value[:limit] if limit else value


def apply_data(place: PlaceName, data: dict[str, Any], matcher) -> None:
    """Copy ``data`` (snapshot-shaped: reference values by name) onto ``place``; raises InvalidPlace."""
    apply_scalars(place, data, matcher)
    _replace_aliases(place, clean_aliases(data, place.name))
    _replace_sources(place, clean_sources(data))
    place.themes = clean_themes(data, matcher)


def apply_scalars(place: PlaceName, data: dict[str, Any], matcher) -> None:
    """Validate and copy the column values of ``data`` (not aliases, sources, themes) onto ``place``."""
    code = text_value(data, "code").upper()
    name = text_value(data, "name")
    if not code:
        raise InvalidPlace("请填写编号（如 ZQ-0001）。", "code")
    if not CODE_RE.match(code):
        raise InvalidPlace("编号只能用字母、数字和连字符，如 ZQ-0001。", "code")
    if not name:
        raise InvalidPlace("请填写标准名称。", "name")
    if len(name) > 100:
        raise InvalidPlace("标准名称最多 100 个字。", "name")
    category = matcher.category(data.get("category") or "")
    if category is None:
        raise InvalidPlace("请选择类别。", "category")
    town = matcher.town(data["town"]) if data.get("town") else None
    if data.get("town") and town is None:
        raise InvalidPlace("未知的镇街。", "town")
    era = matcher.era(data["era"]) if data.get("era") else None
    if data.get("era") and era is None:
        raise InvalidPlace("未知的时期。", "era")
    level = matcher.protection_level(data["protection_level"]) if data.get("protection_level") else None
    if data.get("protection_level") and level is None:
        raise InvalidPlace("未知的保护级别。", "protection_level")
    lat, lon = data.get("latitude"), data.get("longitude")
    if (lat is None) != (lon is None):
        raise InvalidPlace("经度和纬度要么都填，要么都不填。", "latitude" if lat is None else "longitude")
    if lat is not None and not -90 <= lat <= 90:
        raise InvalidPlace("纬度应在 -90 到 90 之间。", "latitude")
    if lon is not None and not -180 <= lon <= 180:
        raise InvalidPlace("经度应在 -180 到 180 之间。", "longitude")

    place.code = code
    place.name = name
    place.pinyin, place.pinyin_plain = _pinyin_pair(data, name)
    place.category = category
    place.town = town
    place.village = text_value(data, "village", 100)
    place.address = text_value(data, "address", 200)
    place.latitude = lat
    place.longitude = lon
    place.era = era
    place.protection_level = level
    place.origin = text_value(data, "origin")
    place.history = text_value(data, "history")
    place.story = text_value(data, "story")
    if data.get("persons") is not None:
        place.persons = [str(p).strip() for p in data["persons"] if str(p).strip()]
    if data.get("events") is not None:
        place.events = [str(e).strip() for e in data["events"] if str(e).strip()]


def preview_snapshot(place: PlaceName, data: dict[str, Any], matcher) -> dict[str, Any]:
    """The snapshot ``place`` would have after ``apply_data(place, data)``, validated the same way but
    changing nothing: the values go onto a transient probe that never joins the session, and themes
    that do not exist yet stay names (they are created when the change is published)."""
    probe = PlaceName(persons=list(place.persons or []), events=list(place.events or []))
    apply_scalars(probe, data, matcher)
    snap = probe.snapshot()
    snap["aliases"] = [{"name": n, "kind": k} for n, k in clean_aliases(data, probe.name)]
    snap["sources"] = [{"citation": c, "url": u, "note": n} for c, u, n in clean_sources(data)]
    themes: list[str] = []
    for theme_name in data.get("themes") or []:
        name = str(theme_name).strip()[:60]
        existing = matcher.theme(name) if name else None
        name = existing.name if existing is not None else name
        if name and name not in themes:
            themes.append(name)
    snap["themes"] = themes
    snap["status"] = place.status
    return snap


def clean_aliases(data: dict, name: str) -> list[tuple[str, str]]:
    aliases, seen = [], set()
    for item in data.get("aliases") or []:
        alias_name = str(item.get("name") or "").strip()[:100]
        kind = item.get("kind") if item.get("kind") in ALIAS_KINDS else ALIAS_KINDS[0]
        if alias_name and (alias_name, kind) not in seen and alias_name != name:
            seen.add((alias_name, kind))
            aliases.append((alias_name, kind))
    return aliases


def clean_sources(data: dict) -> list[tuple[str, str, str]]:
    sources = []
    for item in data.get("sources") or []:
        citation = str(item.get("citation") or "").strip()[:500]
        if citation:
            sources.append(
                (citation, str(item.get("url") or "").strip()[:500], str(item.get("note") or "").strip())
            )
    return sources


def clean_themes(data: dict, matcher) -> list[Theme]:
    themes: list[Theme] = []
    for theme_name in data.get("themes") or []:
        if str(theme_name).strip():
            theme = ensure_theme(str(theme_name).strip()[:60], matcher)
            if theme not in themes:
                themes.append(theme)
    return themes


def _pinyin_pair(data: dict, name: str) -> tuple[str, str]:
    """(tone-marked, plain) pinyin: the typed pinyin if any, else generated in one pypinyin pass."""
    typed = text_value(data, "pinyin", 300)
    if typed:
        return typed, plain_from_tone(typed)
    pairs = syllables(name)
    return " ".join(tone for tone, _ in pairs), "".join(plain for _, plain in pairs).lower()


def _replace_aliases(place: PlaceName, wanted: list[tuple[str, str]]) -> None:
    current = [(a.name, a.kind) for a in place.aliases]
    if current == wanted:
        return
    place.aliases = [PlaceAlias(name=n, kind=k, position=i) for i, (n, k) in enumerate(wanted)]


def _replace_sources(place: PlaceName, wanted: list[tuple[str, str, str]]) -> None:
    current = [(s.citation, s.url or "", s.note or "") for s in place.sources]
    if current == wanted:
        return
    place.sources = [Source(citation=c, url=u, note=n, position=i) for i, (c, u, n) in enumerate(wanted)]


def record_revision(place: PlaceName, user, note: str) -> PlaceRevision:
    revision = PlaceRevision(place=place, snapshot=place.snapshot(), author=user, note=note[:200])
    db.session.add(revision)
    return revision


def recorded_user(user):
    """Only a real, signed-in User is recorded as author (the CLI passes None)."""
    return user if getattr(user, "id", None) else None
