"""Match free-text reference values (import cells, form input) to the seeded reference rows.

Used by the importer and the console forms. Matching is by name after normalisation (full-width →
half-width, spaces removed, traditional → simplified); towns also match by short name and by older or
longer forms: 明水, 明水街道, 明水街道办事处, 章丘区明水街道, 埠村镇 → 埠村街道.
Build one ``ReferenceMatcher`` per import (it loads each list once) and call its methods per cell.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from sqlalchemy import select

from app.extensions import db
from app.places.models import Category, Era, ProtectionLevel, Theme, Town

_PREFIXES = ("山东省", "济南市", "章丘区", "章丘市", "章丘")
_TOWN_SUFFIXES = ("街道办事处", "办事处", "街道", "镇", "乡")


@lru_cache(maxsize=1)
def _opencc():
    try:
        from opencc import OpenCC

        return OpenCC("t2s")
    except Exception:  # pragma: no cover - OpenCC is a declared dependency; degrade to identity
        return None


def normalize(value: object) -> str:
    """NFKC (full-width → half-width), drop all whitespace, traditional → simplified."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    text = re.sub(r"\s+", "", text)
    converter = _opencc()
    if converter is not None and text:
        text = converter.convert(text)
    return text


def town_keys(text: str) -> list[str]:
    """Candidate keys for a town cell: the value, without district prefixes, and without suffixes."""
    keys = [text]
    stripped = text
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            if stripped.startswith(prefix) and len(stripped) > len(prefix):
                stripped = stripped[len(prefix) :]
                changed = True
    keys.append(stripped)
    for suffix in _TOWN_SUFFIXES:
        if stripped.endswith(suffix) and len(stripped) > len(suffix):
            keys.append(stripped[: -len(suffix)])
            break
    return keys


class ReferenceMatcher:
    """Loads the reference lists once and matches names to rows (``None`` when unknown)."""

    def __init__(self) -> None:
        self.categories = {normalize(c.name): c for c in db.session.scalars(select(Category))}
        for category in list(self.categories.values()):
            self.categories.setdefault(normalize(category.code), category)
        self.eras = {normalize(e.name): e for e in db.session.scalars(select(Era))}
        self.protection_levels = {normalize(p.name): p for p in db.session.scalars(select(ProtectionLevel))}
        self.themes = {normalize(t.name): t for t in db.session.scalars(select(Theme))}
        self.towns: dict[str, Town] = {}
        for town in db.session.scalars(select(Town).order_by(Town.position)):
            self.towns[normalize(town.name)] = town
            self.towns.setdefault(normalize(town.short_name), town)
            self.towns.setdefault(town_keys(normalize(town.name))[-1], town)  # 刁镇 → 刁

    def category(self, value: object) -> Category | None:
        """Match a category by name (革命遗址) or by its code (2601)."""
        return self.categories.get(normalize(value))

    def era(self, value: object) -> Era | None:
        """Match an era by name; 抗战时期/抗日时期 and 解放时期 shorthands are accepted."""
        key = normalize(value)
        key = {"抗战时期": "抗日战争时期", "抗日时期": "抗日战争时期", "解放时期": "解放战争时期"}.get(
            key, key
        )
        if key in self.eras:
            return self.eras[key]
        if key and not key.endswith("时期"):
            return self.eras.get(key + "时期")
        return None

    def protection_level(self, value: object) -> ProtectionLevel | None:
        """Match a protection level by name; 国保/省保/市保/区保 shorthands are accepted."""
        key = normalize(value)
        short = {"国保": "全国重点文物保护单位", "省保": "省级文物保护单位", "市保": "市级文物保护单位"}
        short["区保"] = "区级文物保护单位"
        return self.protection_levels.get(short.get(key, key))

    def theme(self, value: object) -> Theme | None:
        """Match an existing theme by name."""
        return self.themes.get(normalize(value))

    def town(self, value: object) -> Town | None:
        """Match one of the 18 镇街 by full name, short name or an older/longer form."""
        text = normalize(value)
        if not text:
            return None
        for key in town_keys(text):
            if key in self.towns:
                return self.towns[key]
        return None


def match_town(value: object) -> Town | None:
    """One-off town match (builds a matcher; use ReferenceMatcher for many rows)."""
    return ReferenceMatcher().town(value)


def match_category(value: object) -> Category | None:
    """One-off category match."""
    return ReferenceMatcher().category(value)


def match_era(value: object) -> Era | None:
    """One-off era match."""
    return ReferenceMatcher().era(value)


def match_protection_level(value: object) -> ProtectionLevel | None:
    """One-off protection level match."""
    return ReferenceMatcher().protection_level(value)


def all_towns() -> list[Town]:
    """The 18 镇街 in their official order."""
    return list(db.session.scalars(select(Town).order_by(Town.position)))


def all_categories() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.position)))


def all_eras() -> list[Era]:
    return list(db.session.scalars(select(Era).order_by(Era.position)))


def all_protection_levels() -> list[ProtectionLevel]:
    return list(db.session.scalars(select(ProtectionLevel).order_by(ProtectionLevel.position)))


def all_themes() -> list[Theme]:
    return list(db.session.scalars(select(Theme).order_by(Theme.position, Theme.id)))
