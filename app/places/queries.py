"""Read-side queries for the public places pages, the API, GeoJSON and the sitemap (published only)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import (
    Index,
    Integer,
    Row,
    Text,
    bindparam,
    cast,
    exists,
    func,
    literal_column,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import joinedload, selectinload

from app.accounts.models import User
from app.extensions import db
from app.places.models import (
    Category,
    Era,
    Photo,
    PlaceAlias,
    PlaceName,
    ProtectionLevel,
    Source,
    Theme,
    Town,
    place_themes,
)
from app.places.reference import ReferenceMatcher, all_categories, all_eras, all_themes, all_towns
from app.places.rules import ALIAS_KINDS
from app.search import search

PUBLISHED = PlaceName.status == "published"
SORTS = {"relevance": "相关度", "name": "名称拼音", "distance": "距离"}
FACETS = ("town", "category", "era", "theme")
PER_PAGE = 20


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon) points in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(h)))


def published_place(code: str) -> PlaceName | None:
    """The published entry with ``code`` (with its lists loaded), or None."""
    query = (
        select(PlaceName)
        .where(PlaceName.code == code, PUBLISHED)
        .options(
            selectinload(PlaceName.aliases),
            selectinload(PlaceName.sources),
            selectinload(PlaceName.photos),
            selectinload(PlaceName.themes),
            # The page shows the reviewer's name only: one join, not a lazy load of the whole account
            # (password hash, second factor) plus its roles (issue 12: two queries fewer per page).
            joinedload(PlaceName.reviewer).load_only(User.display_name).lazyload(User.role_rows),
        )
    )
    return db.session.scalars(query).first()


@dataclass(frozen=True)
class PageSource:
    citation: str
    url: str
    note: str


@dataclass(frozen=True)
class PagePhoto:
    id: int
    filename: str
    caption: str
    credit: str
    thumb_width: int
    thumb_height: int


@dataclass(frozen=True)
class PageTheme:
    id: int
    slug: str
    name: str


@dataclass(frozen=True)
class PlacePage:
    """What the public place page shows, as plain values (``place_page``); names of reference values,
    None where the entry has none (town, era, protection level, reviewer)."""

    id: int
    code: str
    name: str
    pinyin: str
    category: str
    town: str | None
    era: str | None
    protection_level: str | None
    village: str
    address: str
    latitude: float | None
    longitude: float | None
    origin: str
    history: str
    story: str
    persons: tuple[str, ...]
    events: tuple[str, ...]
    updated_at: datetime
    reviewer: str | None  # the reviewer's display name
    reviewed_at: datetime | None
    aliases: tuple[
        tuple[str, tuple[str, ...]], ...
    ]  # (kind, names) in ALIAS_KINDS order, empty kinds left out
    sources: tuple[PageSource, ...]
    photos: tuple[PagePhoto, ...]
    themes: tuple[PageTheme, ...]

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None


# The place page reads plain columns through two prebuilt Core statements (their SQL and cache keys are
# built once): the entry with its reference names and reviewer, then its four lists in one UNION ALL.
_places = PlaceName.__table__
_users = User.__table__
_PAGE_ROW = (
    select(
        _places.c.id,
        _places.c.code,
        _places.c.name,
        _places.c.pinyin,
        Category.__table__.c.name.label("category"),
        Town.__table__.c.name.label("town"),
        Era.__table__.c.name.label("era"),
        ProtectionLevel.__table__.c.name.label("protection_level"),
        _places.c.village,
        _places.c.address,
        _places.c.latitude,
        _places.c.longitude,
        _places.c.origin,
        _places.c.history,
        _places.c.story,
        _places.c.persons,
        _places.c.events,
        _places.c.updated_at,
        _users.c.display_name.label("reviewer"),  # NULL without a reviewer (outer join)
        _places.c.reviewed_at,
    )
    .select_from(_places)
    .outerjoin(Category.__table__, Category.__table__.c.id == _places.c.category_id)
    .outerjoin(Town.__table__, Town.__table__.c.id == _places.c.town_id)
    .outerjoin(Era.__table__, Era.__table__.c.id == _places.c.era_id)
    .outerjoin(ProtectionLevel.__table__, ProtectionLevel.__table__.c.id == _places.c.protection_level_id)
    .outerjoin(_users, _users.c.id == _places.c.reviewer_id)
    .where(_places.c.code == bindparam("code"), _places.c.status == "published")
)


def _page_list(tag: str, table, texts, numbers, position, ident, where):
    """One branch of the lists UNION: tag, three texts, three numbers, then the sort position and id."""
    # Typed NULLs: PostgreSQL types a column of NULLs in the first branches as text, then refuses to
    # unite it with the photos' integers.
    texts = [*texts, *[cast(null(), Text)] * (3 - len(texts))]
    numbers = [*numbers, *[cast(null(), Integer)] * (3 - len(numbers))]
    return (
        select(
            literal_column(f"'{tag}'").label("tag"),
            *(value.label(f"t{i}") for i, value in enumerate(texts)),
            *(value.label(f"n{i}") for i, value in enumerate(numbers)),
            position.label("position"),
            ident.label("ident"),
        )
        .select_from(table)
        .where(where)
    )


_alias_t, _source_t, _photo_t, _theme_t = (
    PlaceAlias.__table__,
    Source.__table__,
    Photo.__table__,
    Theme.__table__,
)
_PLACE_ID = bindparam("place_id")
_PAGE_LISTS = union_all(
    _page_list(
        "a",
        _alias_t,
        (_alias_t.c.name, _alias_t.c.kind),
        (),
        _alias_t.c.position,
        _alias_t.c.id,
        _alias_t.c.place_id == _PLACE_ID,
    ),
    _page_list(
        "s",
        _source_t,
        (_source_t.c.citation, _source_t.c.url, _source_t.c.note),
        (),
        _source_t.c.position,
        _source_t.c.id,
        _source_t.c.place_id == _PLACE_ID,
    ),
    _page_list(
        "p",
        _photo_t,
        (_photo_t.c.filename, _photo_t.c.caption, _photo_t.c.credit),
        (_photo_t.c.id, _photo_t.c.thumb_width, _photo_t.c.thumb_height),
        _photo_t.c.position,
        _photo_t.c.id,
        _photo_t.c.place_id == _PLACE_ID,
    ),
    _page_list(
        "t",
        _theme_t.join(place_themes, place_themes.c.theme_id == _theme_t.c.id),
        (_theme_t.c.slug, _theme_t.c.name),
        (_theme_t.c.id,),
        _theme_t.c.position,
        _theme_t.c.id,
        place_themes.c.place_id == _PLACE_ID,
    ),
).order_by(literal_column("tag"), literal_column("position"), literal_column("ident"))


def place_page(code: str) -> PlacePage | None:
    """The published entry with ``code`` as the public page shows it (two SQL statements), or None.

    Same content and order as ``published_place`` (aliases, sources and photos by position then id, themes
    by position) without building ORM objects; ``published_place`` stays for the photo page and the API.
    """
    row = db.session.execute(_PAGE_ROW, {"code": code}).first()
    if row is None:
        return None
    aliases: dict[str, list[str]] = {}
    sources: list[PageSource] = []
    photos: list[PagePhoto] = []
    themes: list[PageTheme] = []
    for item in db.session.execute(_PAGE_LISTS, {"place_id": row.id}):
        tag = item.tag
        if tag == "a":
            aliases.setdefault(item.t1, []).append(item.t0)
        elif tag == "s":
            sources.append(PageSource(item.t0, item.t1, item.t2))
        elif tag == "p":
            photos.append(PagePhoto(item.n0, item.t0, item.t1, item.t2, item.n1, item.n2))
        else:
            themes.append(PageTheme(item.n0, item.t0, item.t1))
    return PlacePage(
        id=row.id,
        code=row.code,
        name=row.name,
        pinyin=row.pinyin,
        category=row.category,
        town=row.town,
        era=row.era,
        protection_level=row.protection_level,
        village=row.village,
        address=row.address,
        latitude=row.latitude,
        longitude=row.longitude,
        origin=row.origin,
        history=row.history,
        story=row.story,
        persons=tuple(row.persons or ()),
        events=tuple(row.events or ()),
        updated_at=row.updated_at,
        reviewer=row.reviewer,
        reviewed_at=row.reviewed_at,
        aliases=tuple((kind, tuple(aliases[kind])) for kind in ALIAS_KINDS if kind in aliases),
        sources=tuple(sources),
        photos=tuple(photos),
        themes=tuple(themes),
    )


def places_by_codes(codes: list[str]) -> dict[str, PlaceName]:
    """Published entries for ``codes`` in one query, keyed by code (API list items)."""
    if not codes:
        return {}
    # Filter the status in Python: without ANALYZE statistics SQLite would pick the (unselective)
    # status index over the unique code index and scan the whole table.
    query = select(PlaceName).where(PlaceName.code.in_(codes))
    return {place.code: place for place in db.session.scalars(query) if place.status == "published"}


def list_rows_by_codes(codes: list[str]) -> dict[str, Row]:
    """The few columns a result line needs beyond the index (tone pinyin, coordinates), keyed by code."""
    if not codes:
        return {}
    query = select(
        PlaceName.code, PlaceName.pinyin, PlaceName.latitude, PlaceName.longitude, PlaceName.status
    ).where(PlaceName.code.in_(codes))
    return {row.code: row for row in db.session.execute(query) if row.status == "published"}


@dataclass(frozen=True)
class ListRow:
    """What a result line needs beyond the index: tone pinyin and coordinates (plus the plain pinyin)."""

    code: str
    pinyin: str
    pinyin_plain: str
    latitude: float | None
    longitude: float | None


_ROWS_TTL = 60.0  # seconds; a tone-mark-only pinyin edit shows in result lists within a minute
_ROWS_MAX = 50_000
_rows_cache: dict[tuple[str, str], tuple[float, ListRow]] = {}


def _row_matches_hit(row: ListRow, hit) -> bool:
    """The cached row still agrees with what the index holds (name pinyin and coordinates)."""
    fields = hit.fields
    return row.pinyin_plain == (fields.get("sort_key") or "") and (row.latitude, row.longitude) == (
        fields.get("lat"),
        fields.get("lon"),
    )


def list_rows_for_hits(hits) -> dict[str, ListRow]:
    """``list_rows_by_codes`` for search hits, cached per process (one SQL query saved per page).

    A cached row is used only while it is younger than a minute AND still agrees with the hit's
    indexed plain pinyin and coordinates, so renames and moves show at once (the index is updated
    right after commit); only published rows are cached, and hits come from the public index.
    """
    key_base = str(db.engine.url)
    now = time.monotonic()
    found: dict[str, ListRow] = {}
    missing = []
    for hit in hits:
        cached = _rows_cache.get((key_base, hit.id))
        if cached and now - cached[0] < _ROWS_TTL and _row_matches_hit(cached[1], hit):
            found[hit.id] = cached[1]
        else:
            missing.append(hit.id)
    if missing:
        if len(_rows_cache) > _ROWS_MAX:
            _rows_cache.clear()
        query = select(
            PlaceName.code,
            PlaceName.pinyin,
            PlaceName.pinyin_plain,
            PlaceName.latitude,
            PlaceName.longitude,
            PlaceName.status,
        ).where(PlaceName.code.in_(missing))
        for row in db.session.execute(query):
            if row.status == "published":
                item = ListRow(
                    row.code, row.pinyin or "", row.pinyin_plain or "", row.latitude, row.longitude
                )
                _rows_cache[(key_base, row.code)] = (now, item)
                found[row.code] = item
    return found


def forget_rows() -> None:
    """Drop the cached result-line rows (tests; the TTL and index check cover normal edits)."""
    _rows_cache.clear()


@dataclass(frozen=True)
class Related:
    code: str
    name: str
    town: str | None
    reason: str


# Indexes for related_places (migration 0009), declared next to the queries they serve.
Index(
    "ix_place_names_status_latitude",
    PlaceName.__table__.c.status,
    PlaceName.__table__.c.latitude,
    PlaceName.__table__.c.longitude,
)
Index(
    "ix_place_names_status_pinyin",
    PlaceName.__table__.c.status,
    PlaceName.__table__.c.pinyin_plain,
    PlaceName.__table__.c.code,
)
NEAR_BOXES = ((0.01, 0.0125), (0.075, 0.095))  # half-sizes in degrees (lat, lon), the last ~8 km
LON_SCALE = 0.8  # cos 36.7°: a degree of longitude is 0.8 of a degree of latitude in Zhangqiu


def _nearest_rows(place: PlaceName | PlacePage, want: int) -> list[Row]:
    """The ``want`` published entries nearest to ``place`` inside the ~8 km box, by squared distance in SQL.

    A small box first: when its ``want`` nearest lie inside its inscribed circle, nothing outside is nearer,
    so the big box (hundreds of entries around a 镇街 seat at 10k entries) is read only when needed.
    """
    lat, lon = place.latitude, place.longitude
    approx = (PlaceName.latitude - lat) * (PlaceName.latitude - lat) + (PlaceName.longitude - lon) * (
        PlaceName.longitude - lon
    ) * (LON_SCALE * LON_SCALE)
    rows: list[Row] = []
    for dlat, dlon in NEAR_BOXES:
        box = (
            select(
                PlaceName.code,
                PlaceName.name,
                Town.name.label("town"),
                PlaceName.latitude,
                PlaceName.longitude,
                approx.label("approx"),
            )
            .outerjoin(Town, Town.id == PlaceName.town_id)
            .where(
                PUBLISHED,
                PlaceName.id != place.id,
                PlaceName.latitude.between(lat - dlat, lat + dlat),
                PlaceName.longitude.between(lon - dlon, lon + dlon),
            )
            .order_by(approx)
            .limit(want)
        )
        rows = db.session.execute(box).all()
        radius = min(dlat, dlon * LON_SCALE)
        if len(rows) == want and rows[-1].approx <= radius * radius:
            break
    return rows


def related_places(place: PlaceName | PlacePage, limit: int = 6) -> list[Related]:
    """Published places within ~8 km (nearest first) and ones sharing a theme (pinyin order), with a reason."""
    found: dict[str, Related] = {}
    if place.has_coordinates:
        for row in _nearest_rows(place, limit // 2 or 1):
            km = distance_km((place.latitude, place.longitude), (row.latitude, row.longitude))
            if km <= 8:
                found[row.code] = Related(row.code, row.name, row.town, f"相距约 {km:.1f} 公里")
    theme_ids = [theme.id for theme in place.themes]
    if theme_ids:
        shares_theme = exists().where(
            place_themes.c.place_id == PlaceName.id, place_themes.c.theme_id.in_(theme_ids)
        )
        first_theme = (
            select(Theme.name)
            .join(place_themes, place_themes.c.theme_id == Theme.id)
            .where(place_themes.c.place_id == PlaceName.id, Theme.id.in_(theme_ids))
            .order_by(Theme.id)
            .limit(1)
            .scalar_subquery()
        )
        same_theme = (
            select(PlaceName.code, PlaceName.name, Town.name.label("town"), first_theme.label("theme"))
            .outerjoin(Town, Town.id == PlaceName.town_id)
            .where(PUBLISHED, PlaceName.id != place.id, shares_theme)
            .order_by(PlaceName.pinyin_plain, PlaceName.code)
            .limit(limit + len(found))
        )
        for row in db.session.execute(same_theme):
            if row.code not in found and len(found) < limit:
                found[row.code] = Related(row.code, row.name, row.town, f"同属专题：{row.theme}")
    return list(found.values())[:limit]


def first_published_code() -> str | None:
    return db.session.scalar(select(PlaceName.code).where(PUBLISHED).order_by(PlaceName.id).limit(1))


def published_count() -> int:
    return db.session.scalar(select(func.count()).select_from(PlaceName).where(PUBLISHED)) or 0


@dataclass(frozen=True)
class ThemeLink:
    slug: str
    name: str


def home_summary() -> dict:
    """The home page's places section as plain data (kept per content generation by the caller)."""
    themes = [(ThemeLink(theme.slug, theme.name), count) for theme, count in themes_with_counts()]
    return {"place_count": published_count(), "place_themes": themes}


def theme_by_slug(slug: str) -> Theme | None:
    return db.session.scalars(select(Theme).where(Theme.slug == slug)).first()


def themes_with_counts() -> list[tuple[Theme, int]]:
    """Every theme with its number of published entries (themes without any are left out)."""
    counts = dict(
        db.session.execute(
            select(place_themes.c.theme_id, func.count())
            .join(PlaceName, PlaceName.id == place_themes.c.place_id)
            .where(PUBLISHED)
            .group_by(place_themes.c.theme_id)
        ).all()
    )
    return [(theme, counts[theme.id]) for theme in all_themes() if counts.get(theme.id)]


def theme_places(theme: Theme, page: int, per_page: int = 30) -> tuple[list[PlaceName], int]:
    """Published entries of ``theme`` in pinyin order, one page, plus the total."""
    base = (
        select(PlaceName)
        .join(place_themes, place_themes.c.place_id == PlaceName.id)
        .where(PUBLISHED, place_themes.c.theme_id == theme.id)
    )
    total = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = db.session.scalars(
        base.order_by(PlaceName.pinyin_plain, PlaceName.code).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return list(rows), total


def geojson_features() -> list[dict]:
    """GeoJSON features of every published entry that has coordinates (plain column queries: 10k rows)."""
    themes: dict[int, list[str]] = {}
    theme_rows = db.session.execute(
        select(place_themes.c.place_id, Theme.name)
        .join(Theme, Theme.id == place_themes.c.theme_id)
        .join(PlaceName, PlaceName.id == place_themes.c.place_id)
        .where(PUBLISHED)
        .order_by(Theme.position)
    )
    for place_id, name in theme_rows:
        themes.setdefault(place_id, []).append(name)
    rows = db.session.execute(
        select(
            PlaceName.id,
            PlaceName.code,
            PlaceName.name,
            PlaceName.pinyin,
            PlaceName.latitude,
            PlaceName.longitude,
            Category.name.label("category"),
            Town.name.label("town"),
            Era.name.label("era"),
        )
        .join(Category, Category.id == PlaceName.category_id)
        .outerjoin(Town, Town.id == PlaceName.town_id)
        .outerjoin(Era, Era.id == PlaceName.era_id)
        .where(PUBLISHED, PlaceName.latitude.is_not(None), PlaceName.longitude.is_not(None))
        .order_by(PlaceName.code)
    )
    return [
        {
            "type": "Feature",
            "id": row.code,
            "geometry": {"type": "Point", "coordinates": [row.longitude, row.latitude]},
            "properties": {
                "code": row.code,
                "name": row.name,
                "pinyin": row.pinyin,
                "category": row.category,
                "town": row.town,
                "era": row.era,
                "themes": themes.get(row.id, []),
                "url": f"/places/{row.code}",
            },
        }
        for row in rows
    ]


def sitemap_rows() -> list[tuple[str, object]]:
    """(code, updated_at) of every published entry."""
    return list(db.session.execute(select(PlaceName.code, PlaceName.updated_at).where(PUBLISHED)).all())


@dataclass(frozen=True)
class Choice:
    name: str


@dataclass
class Choices:
    """Option lists for the search form's selects (all reference values, official order)."""

    towns: list[Choice] = field(default_factory=list)
    categories: list[Choice] = field(default_factory=list)
    eras: list[Choice] = field(default_factory=list)
    themes: list[Choice] = field(default_factory=list)


_CHOICES_TTL = 60.0  # seconds; admins rarely edit reference lists, and every page render needs them
_choices_cache: dict[str, tuple[float, Choices]] = {}


def filter_choices() -> Choices:
    """The select options, cached per process for a minute (4 queries saved on every full page)."""
    key = str(db.engine.url)
    cached = _choices_cache.get(key)
    now = time.monotonic()
    if cached and now - cached[0] < _CHOICES_TTL:
        return cached[1]
    choices = Choices(
        *(
            [Choice(row.name) for row in rows]
            for rows in (all_towns(), all_categories(), all_eras(), all_themes())
        )
    )
    _choices_cache[key] = (now, choices)
    return choices


def forget_choices() -> None:
    """Drop the cached select options (after a reference list or theme changes)."""
    _choices_cache.clear()


def town_centre(name: str) -> tuple[float, float] | None:
    """The centre (lat, lon) of the 镇街 named ``name`` (full or short name)."""
    town = ReferenceMatcher().town(name)
    if town is None or town.latitude is None or town.longitude is None:
        return None
    return (town.latitude, town.longitude)


def parse_near(value: str | None) -> tuple[tuple[float, float] | None, str]:
    """``near`` is "lat,lon" (from the 附近 button) or a 镇街 name; returns (point, label)."""
    value = (value or "").strip()
    if not value:
        return None, ""
    parts = value.replace("，", ",").split(",")
    if len(parts) == 2:
        try:
            lat, lon = float(parts[0]), float(parts[1])
        except ValueError:
            return None, ""
        if -90 <= lat <= 90 and -180 <= lon <= 180 and math.isfinite(lat) and math.isfinite(lon):
            return (round(lat, 5), round(lon, 5)), "您的位置"
        return None, ""
    point = town_centre(value)
    return (point, value) if point else (None, "")


# Query-string filters shared by the search page and the API, with the longest value each may have.
FILTER_LIMITS = {"q": 100, "town": 40, "category": 40, "era": 40, "theme": 60}


def clean_filters(args) -> dict:
    """The search text and facet filters from a query string, stripped and cut to sane lengths."""
    return {key: (args.get(key) or "").strip()[:limit] for key, limit in FILTER_LIMITS.items()}


def run_search(params: dict, per_page: int = PER_PAGE, rows=None, facets=FACETS):
    """Search published places through the search package; returns (result, rows by code, near)."""
    near, near_label = parse_near(params["near"])
    sort = params["sort"]
    if sort == "distance" and near is None:
        sort = "relevance"
    filters = {k: params[k] for k in FACETS if params.get(k)}
    result = search(
        params["q"],
        kinds=["place"],
        filters=filters,
        page=params["page"],
        per_page=per_page,
        sort=sort,
        near=near,
        facets=facets,
    )
    # Default: the result-line rows (tone pinyin, coordinates), from the per-process cache when valid.
    found = list_rows_for_hits(result.hits) if rows is None else rows([hit.id for hit in result.hits])
    return result, found, (near, near_label, sort)
