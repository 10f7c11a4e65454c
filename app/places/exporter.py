"""Export place entries as CSV, XLSX, JSON or GeoJSON.

The staff export holds every entry with its status; the CSV/XLSX columns are the import columns plus
``pinyin, persons, events, status, updated_at``, so an export can be edited and imported again. Text cells
that start with = + - @ (or a tab/CR) are prefixed with ``'`` in CSV and XLSX so a spreadsheet never runs
them as formulas; the import removes that prefix again.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.places.importing.cells import format_aliases, format_sources
from app.places.models import PlaceName
from app.places.rules import COLUMNS

EXPORT_COLUMNS = (*COLUMNS, "pinyin", "persons", "events", "status", "updated_at")
FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "json": ("application/json; charset=utf-8", "json"),
    "geojson": ("application/geo+json; charset=utf-8", "geojson"),
}
RISKY_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Prefix a text cell that a spreadsheet would treat as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(RISKY_START):
        return "'" + value
    return value


def export_places(status: str | None = None) -> list[PlaceName]:
    """Every entry (or those with ``status``) in code order, with related rows loaded."""
    query = (
        select(PlaceName)
        .options(
            selectinload(PlaceName.aliases),
            selectinload(PlaceName.sources),
            selectinload(PlaceName.themes),
            selectinload(PlaceName.photos),
        )
        .order_by(PlaceName.code)
    )
    if status:
        query = query.where(PlaceName.status == status)
    return list(db.session.scalars(query))


def _coordinate(value: float | None):
    return "" if value is None else value


def row(place: PlaceName) -> dict:
    """One entry as a flat row keyed by EXPORT_COLUMNS (lists joined with ；)."""
    return {
        "code": place.code,
        "name": place.name,
        "aliases": format_aliases([{"name": a.name, "kind": a.kind} for a in place.aliases]),
        "category": place.category.name if place.category else "",
        "town": place.town.name if place.town else "",
        "village": place.village or "",
        "address": place.address or "",
        "longitude": _coordinate(place.longitude),
        "latitude": _coordinate(place.latitude),
        "era": place.era.name if place.era else "",
        "origin": place.origin or "",
        "history": place.history or "",
        "story": place.story or "",
        "sources": format_sources(
            [{"citation": s.citation, "url": s.url, "note": s.note} for s in place.sources]
        ),
        "themes": "；".join(t.name for t in place.themes),
        "protection_level": place.protection_level.name if place.protection_level else "",
        "pinyin": place.pinyin or "",
        "persons": "；".join(place.persons or []),
        "events": "；".join(place.events or []),
        "status": place.status,
        "updated_at": place.updated_at.isoformat(timespec="seconds") if place.updated_at else "",
    }


def to_csv(places: Iterable[PlaceName]) -> bytes:
    """UTF-8 CSV with BOM (Excel opens it correctly), formula-like cells neutralised."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for place in places:
        data = row(place)
        writer.writerow(
            [neutralise(data[c]) if c not in ("longitude", "latitude") else data[c] for c in EXPORT_COLUMNS]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(places: Iterable[PlaceName]) -> bytes:
    """An XLSX workbook; every text cell is written as text and formula-like text is neutralised."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("红色地名")
    sheet.append(list(EXPORT_COLUMNS))
    for place in places:
        data = row(place)
        cells = []
        for column in EXPORT_COLUMNS:
            value = data[column]
            if column not in ("longitude", "latitude"):
                value = neutralise(value)
            cell = WriteOnlyCell(sheet, value=value if value != "" else None)
            if isinstance(value, str) and value:
                cell.data_type = "s"  # never let openpyxl read a leading "=" as a formula
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def as_dict(place: PlaceName) -> dict:
    """A full JSON object for one entry (staff export): the revision snapshot plus photos and dates."""
    data = place.snapshot()
    data.pop("pinyin_plain")  # derived from the name; the import regenerates it
    data["photos"] = [{"file": p.filename, "caption": p.caption, "credit": p.credit} for p in place.photos]
    data["updated_at"] = place.updated_at.isoformat(timespec="seconds") if place.updated_at else None
    data["published_at"] = place.published_at.isoformat(timespec="seconds") if place.published_at else None
    return data


def to_json(places: Iterable[PlaceName]) -> bytes:
    """A JSON document ``{"places": [...]}``."""
    data = {"places": [as_dict(p) for p in places]}
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def to_geojson(places: Iterable[PlaceName]) -> bytes:
    """A GeoJSON FeatureCollection of the entries that have coordinates."""
    features = []
    for place in places:
        if not place.has_coordinates:
            continue
        properties = {
            "code": place.code,
            "name": place.name,
            "category": place.category.name if place.category else None,
            "town": place.town.name if place.town else None,
            "era": place.era.name if place.era else None,
            "status": place.status,
            "url": f"/places/{place.code}",
        }
        geometry = {"type": "Point", "coordinates": [place.longitude, place.latitude]}
        features.append({"type": "Feature", "id": place.code, "geometry": geometry, "properties": properties})
    data = {"type": "FeatureCollection", "features": features}
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


WRITERS = {"csv": to_csv, "xlsx": to_xlsx, "json": to_json, "geojson": to_geojson}


def export(fmt: str, status: str | None = None) -> bytes:
    """Export every entry (optionally of one status) in ``fmt``."""
    if fmt not in WRITERS:
        raise ValueError(f"unknown export format {fmt!r}")
    return WRITERS[fmt](export_places(status))
