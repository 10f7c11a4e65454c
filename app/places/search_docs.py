"""Search provider for kind "place": published entries only, as ``app.search.SearchDocument``s.

Services call ``schedule_place(place)`` (or ``schedule_code(code)``) inside their transaction whenever
an entry may have changed for the public (publish, edit, archive, delete, code change); the search
package re-indexes after COMMIT and drops ids that are no longer public.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.places.models import PlaceName
from app.search import SearchDocument, register_provider, schedule

KIND = "place"
_MARKUP = re.compile(r"[#*_>`\[\]]+")


def _plain(text: str) -> str:
    """Strip the few Markdown marks archivists use so the index holds plain text."""
    return _MARKUP.sub("", text or "").strip()


def schedule_code(code: str) -> None:
    """Ask the search package to (re)index place ``code`` after the current transaction commits."""
    schedule(KIND, code)


def schedule_place(place: PlaceName) -> None:
    """Schedule re-indexing of ``place`` (call for every change; non-public entries get removed)."""
    schedule_code(place.code)


def place_url(code: str) -> str:
    return f"/places/{code}"


def to_document(place: PlaceName) -> SearchDocument:
    """Build the SearchDocument for a published place."""
    summary = _plain(place.origin or place.story or place.history)[:200]
    body = "\n".join(_plain(part) for part in (place.origin, place.history, place.story) if part)
    extra = " ".join(filter(None, [place.village, place.address]))
    return SearchDocument(
        kind=KIND,
        id=place.code,
        title=place.name,
        url=place_url(place.code),
        aliases=[alias.name for alias in place.aliases],
        keywords=[*(place.persons or []), *(place.events or [])],
        summary=summary,
        body=f"{extra}\n{body}" if extra else body,
        town=place.town.name if place.town else None,
        category=place.category.name if place.category else None,
        era=place.era.name if place.era else None,
        themes=[theme.name for theme in place.themes],
        lat=place.latitude,
        lon=place.longitude,
        sort_key=place.pinyin_plain or "",
        date=(place.published_at or place.updated_at).date()
        if (place.published_at or place.updated_at)
        else None,
    )


def load(ids: list[str] | None) -> Iterable:
    """Yield documents for every published place, or for the published ones among ``ids``."""
    query = (
        select(PlaceName)
        .where(PlaceName.status == "published")
        .options(selectinload(PlaceName.aliases), selectinload(PlaceName.themes))
        .order_by(PlaceName.id)
    )
    if ids is None:
        for place in db.session.scalars(query).unique():
            yield to_document(place)
        return
    ids = list(ids)
    for start in range(0, len(ids), 500):  # keep IN lists well under database parameter limits
        chunk = ids[start : start + 500]
        for place in db.session.scalars(query.where(PlaceName.code.in_(chunk))).unique():
            yield to_document(place)


def init_app(app: Flask) -> None:
    """Register the place provider with the search package."""
    register_provider(app, KIND, load)
