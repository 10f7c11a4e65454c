"""Demo data "20-places": 234 red place-name entries across all 18 镇街, read from ``demo/places.csv``.

Everything there is 示例 (sample) content written for this site: the villages, people and events are
composed from archive-style templates and are NOT historical records. Every entry carries a source whose
note says so, and the photos are drawn by code with Pillow (no third-party images). Idempotent.
"""

from __future__ import annotations

import csv
import io
import logging
import random
from collections.abc import Iterator
from pathlib import Path

from PIL import Image, ImageDraw
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.places import pinyin
from app.places.importing.cells import parse_aliases, parse_sources, split_list
from app.places.models import PlaceAlias, PlaceName, PlaceRevision, Source
from app.places.photos import store_photo
from app.places.reference import ReferenceMatcher
from app.places.search_docs import schedule_code

DEMO_CSV = Path(__file__).parent / "demo" / "places.csv"
SAMPLE_NOTE = "示例数据：为本网站演示编写，不是历史档案原文。"

log = logging.getLogger(__name__)


def read_entries(path: Path = DEMO_CSV) -> list[dict]:
    """The entries of a demo CSV: list cells (；) split, aliases and sources parsed, coordinates as floats."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["latitude"], row["longitude"] = float(row["latitude"]), float(row["longitude"])
        row["aliases"] = parse_aliases(row["aliases"])
        row["sources"] = parse_sources(row["sources"])
        for key in ("persons", "events", "themes"):
            row[key] = split_list(row[key])
    return rows


def generate(n: int | None = None, seed: int = 2026) -> Iterator[dict]:
    """Yield ``n`` entries (all of the CSV by default); beyond the CSV, numbered copies nearby (bench/)."""
    entries = read_entries()
    rng = random.Random(seed)
    for number in range(1, (n or len(entries)) + 1):
        entry = dict(entries[(number - 1) % len(entries)])
        if number > len(entries):  # like 二号 sites: same kind of place, its own code, name and spot
            entry["code"] = f"ZQ-{number:04d}"
            entry["name"] = f"{entry['name']}（{number}号）"
            entry["latitude"] = round(entry["latitude"] + rng.uniform(-0.035, 0.035), 5)
            entry["longitude"] = round(entry["longitude"] + rng.uniform(-0.045, 0.045), 5)
        yield entry


def build_place(entry: dict, refs: ReferenceMatcher, author=None, reviewer=None) -> PlaceName:
    """A PlaceName (not yet added to the session) from a demo entry."""
    place = PlaceName(
        code=entry["code"],
        name=entry["name"],
        pinyin=pinyin.tone_pinyin(entry["name"]),
        pinyin_plain=pinyin.plain_pinyin(entry["name"]),
        category=refs.category(entry["category"]),
        town=refs.town(entry["town"]),
        era=refs.era(entry["era"]),
        protection_level=refs.protection_level(entry["protection_level"]),
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
        PlaceAlias(name=a["name"], kind=a["kind"], position=i) for i, a in enumerate(entry["aliases"])
    ]
    place.sources = [
        Source(citation=s["citation"], url=s["url"], note=s["note"], position=i)
        for i, s in enumerate(entry["sources"])
    ]
    place.themes = [theme for theme in (refs.theme(name) for name in entry["themes"]) if theme is not None]
    _set_status(place, entry["status"], reviewer)
    return place


def _set_status(place: PlaceName, status: str, reviewer) -> None:
    if status in {"published", "archived"} and reviewer is not None:
        place.status = "in_review"
        place.approve(reviewer, "示例数据审核通过。")
    elif status in {"published", "archived"}:
        place.publish_directly()
    if status == "in_review":
        place.status = "in_review"
    if status == "archived":
        place.archive()


def _user(username: str):
    return db.session.scalars(select(User).where(User.username == username)).first()


def load() -> None:
    """Create the demo entries that do not exist yet, then draw a few photos (idempotent)."""
    refs = ReferenceMatcher()
    author, reviewer = _user("archivist"), _user("reviewer")
    existing = set(db.session.scalars(select(PlaceName.code)))
    created = 0
    for entry in generate():
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
