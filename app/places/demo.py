"""Demo data "20-places": ≥200 red place-name entries across all 18 镇街 (idempotent).

Everything here is 示例 (sample) content written for this site (see ``demo_entries``): the villages, people
and events are composed from archive-style templates and are NOT historical records. Every entry carries a
source whose note says so, and the photos are drawn by code with Pillow (no third-party images).
"""

from __future__ import annotations

import io
import logging
import random

from sqlalchemy import select

from app.extensions import db
from app.places import pinyin
from app.places.demo_entries import DEMO_COUNT, SAMPLE_NOTE, generate
from app.places.models import PlaceAlias, PlaceName, PlaceRevision, Source
from app.places.reference import ReferenceMatcher

__all__ = ["DEMO_COUNT", "SAMPLE_NOTE", "build_place", "draw_photo", "generate", "load"]

log = logging.getLogger(__name__)


def build_place(entry: dict, refs: ReferenceMatcher, author=None, reviewer=None) -> PlaceName:
    """A PlaceName (not yet added to the session) from a generated entry."""
    place = PlaceName(
        code=entry["code"],
        name=entry["name"],
        pinyin=pinyin.tone_pinyin(entry["name"]),
        pinyin_plain=pinyin.plain_pinyin(entry["name"]),
        category=refs.category(entry["category"]),
        town=refs.town(entry["town"]),
        era=refs.era(entry["era"]),
        protection_level=refs.protection_level(entry["level"]),
        village=entry["village"],
        address=entry["address"],
        latitude=entry["latitude"],
        longitude=entry["longitude"],
        origin=entry["origin"],
        history=entry["history"],
        story=entry["story"],
        persons=entry["persons"],
        events=entry["events"],
        status="draft",
        author=author,
    )
    place.aliases = [
        PlaceAlias(name=name, kind=kind, position=i) for i, (name, kind) in enumerate(entry["aliases"])
    ]
    place.sources = [
        Source(citation=citation, url=url, note=note, position=i)
        for i, (citation, url, note) in enumerate(entry["sources"])
    ]
    place.themes = [theme for theme in (refs.theme(name) for name in entry["themes"]) if theme is not None]
    status = entry["status"]
    if status in {"published", "archived"} and reviewer is not None:
        place.status = "in_review"
        place.approve(reviewer, "示例数据审核通过。")
    elif status in {"published", "archived"}:
        place.publish_directly()
    if status == "in_review":
        place.status = "in_review"
    if status == "archived":
        place.archive()
    return place


def _user(username: str):
    from app.accounts.models import User

    return db.session.scalars(select(User).where(User.username == username)).first()


def load() -> None:
    """Create the demo entries that do not exist yet, then draw a few photos (idempotent)."""
    from app.places.search_docs import schedule_code

    refs = ReferenceMatcher()
    author, reviewer = _user("archivist"), _user("reviewer")
    existing = set(db.session.scalars(select(PlaceName.code)))
    created = 0
    for entry in generate(DEMO_COUNT):
        if entry["code"] in existing:
            continue
        place = build_place(entry, refs, author, reviewer)
        db.session.add(place)
        db.session.flush()
        db.session.add(
            PlaceRevision(place=place, snapshot=place.snapshot(), author=author, note="示例数据导入")
        )
        schedule_code(place.code)
        created += 1
    db.session.commit()
    log.info("places demo: %d entries created", created)
    _load_photos()


# --- photos drawn by code -----------------------------------------------------------------------

PHOTO_CODES = ("ZQ-0001", "ZQ-0002", "ZQ-0004", "ZQ-0005", "ZQ-0008", "ZQ-0019")


def draw_photo(kind: str, seed: int, size: tuple[int, int] = (1200, 800)) -> bytes:
    """A simple illustration (sky, hills, a monument or a house) as PNG bytes."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    width, height = size
    image = Image.new("RGB", size, (200, 220, 235))
    draw = ImageDraw.Draw(image)
    top, bottom = (120 + rng.randint(0, 40), 170, 225), (235, 240, 245)
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        )
    for layer in range(3):
        base = int(height * (0.55 + 0.08 * layer))
        shade = (70 + 30 * layer, 110 + 25 * layer, 80 + 15 * layer)
        points = [(0, height)]
        for x in range(0, width + 100, 100):
            points.append((x, base - rng.randint(0, 120 - 30 * layer)))
        points.append((width, height))
        draw.polygon(points, fill=shade)
    draw.rectangle([0, int(height * 0.82), width, height], fill=(150, 140, 110))
    cx = width // 2 + rng.randint(-200, 200)
    ground = int(height * 0.84)
    if kind == "monument":
        draw.rectangle([cx - 90, ground - 40, cx + 90, ground], fill=(190, 190, 185))
        draw.polygon(
            [
                (cx - 35, ground - 40),
                (cx + 35, ground - 40),
                (cx + 18, ground - 420),
                (cx - 18, ground - 420),
            ],
            fill=(225, 225, 220),
        )
        draw.polygon(
            [(cx - 18, ground - 420), (cx + 18, ground - 420), (cx, ground - 470)], fill=(225, 225, 220)
        )
        draw.polygon([(cx - 8, ground - 380), (cx + 8, ground - 380), (cx, ground - 395)], fill=(163, 22, 27))
    else:
        draw.rectangle([cx - 180, ground - 150, cx + 180, ground], fill=(180, 160, 130))
        draw.polygon(
            [(cx - 210, ground - 150), (cx + 210, ground - 150), (cx, ground - 260)], fill=(90, 80, 75)
        )
        draw.rectangle([cx - 30, ground - 100, cx + 30, ground], fill=(110, 60, 40))
        for wx in (cx - 130, cx + 70):
            draw.rectangle([wx, ground - 110, wx + 60, ground - 60], fill=(230, 220, 180))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _load_photos() -> None:
    try:
        from app.places.photos import store_photo
    except ImportError:  # photo processing not available: entries stay without photos
        return
    for index, code in enumerate(PHOTO_CODES):
        place = db.session.scalars(select(PlaceName).where(PlaceName.code == code)).first()
        if place is None or place.photos:
            continue
        kind = "monument" if place.category.name in {"纪念设施", "烈士陵园", "战斗遗址"} else "house"
        for n in range(2 if index < 2 else 1):
            data = draw_photo(kind, seed=index * 10 + n)
            store_photo(
                place,
                data,
                f"{place.name}示意图{n + 1}.png",
                caption=f"{place.name}（示意图{n + 1}）",
                credit="示例图片，由程序绘制",
            )
