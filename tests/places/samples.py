"""Plain sample data and factories for the places tests.

``tests/places/conftest.py`` wraps the factories as fixtures (``place_data``, ``make_place``, ``publish``,
``add_place``); the browser tests (tests/browser/test_places_*.py) cannot see that conftest, so they call
these functions directly.
"""

import io
import struct
import zlib

from PIL import Image

from app.extensions import db
from app.places import pinyin, services
from app.places.models import PlaceAlias, PlaceName, Source
from app.places.reference import ReferenceMatcher
from app.places.rules import COLUMNS
from app.places.search_docs import schedule_code

# --- archivist side: entries saved through the services ---------------------------------------------


def place_data(**overrides) -> dict:
    """A complete, valid entry in the snapshot shape that ``services.save_place`` accepts."""
    data = {
        "code": "ZQ-9001",
        "name": "三德范抗日联络站旧址",
        "pinyin": "",
        "category": "革命遗址",
        "town": "文祖街道",
        "village": "三德范村",
        "address": "文祖街道三德范村西街",
        "longitude": 117.4131,
        "latitude": 36.5702,
        "era": "抗日战争时期",
        "origin": "村以明初三姓聚居得名。",
        "history": "1938 年设地下联络站，1945 年撤销。",
        "story": "联络站多次掩护八路军伤员转移。",
        "persons": ["李老汉"],
        "events": ["1940 年反扫荡"],
        "protection_level": "区级文物保护单位",
        "aliases": [{"name": "三德范", "kind": "简称"}],
        "sources": [{"citation": "《章丘县志》（示例）", "url": "", "note": "第 3 卷"}],
        "themes": ["抗战红色足迹"],
    }
    data.update(overrides)
    return data


def make_place(author, **overrides):
    """Create a draft entry authored by ``author``."""
    return services.save_place(place_data(**overrides), author)


def publish(place, author, reviewer):
    """Take ``place`` through submit and approval by a different archivist."""
    services.submit_for_review(place, author)
    return services.approve(place, reviewer)


# --- public side: rows built directly, in any status ------------------------------------------------

_counter = {"n": 0}


def add_place(
    name="埠村抗日民主政府旧址",
    *,
    code=None,
    status="published",
    town="埠村街道",
    category="革命遗址",
    era="抗日战争时期",
    aliases=(),
    persons=(),
    events=(),
    themes=(),
    story="1942年秋，县大队在此坚持斗争。",
    origin="因抗日民主政府驻此得名。",
    latitude=36.64,
    longitude=117.46,
    protection_level="区级文物保护单位",
    sources=(("《章丘县志》（示例引用）", "", "示例"),),
    commit=True,
):
    """Create and commit a place; the search index follows after commit.

    ``commit=False`` leaves the commit to the caller, so a loop of places is indexed in one writer commit.
    """
    _counter["n"] += 1
    refs = ReferenceMatcher()
    place = PlaceName(
        code=code or f"ZQ-{9000 + _counter['n']:04d}",
        name=name,
        pinyin=pinyin.tone_pinyin(name),
        pinyin_plain=pinyin.plain_pinyin(name),
        category=refs.category(category),
        town=refs.town(town) if town else None,
        era=refs.era(era) if era else None,
        protection_level=refs.protection_level(protection_level) if protection_level else None,
        village="",
        address="",
        latitude=latitude,
        longitude=longitude,
        origin=origin,
        history="1950年代改作学校。",
        story=story,
        persons=list(persons),
        events=list(events),
    )
    place.aliases = [PlaceAlias(name=alias, kind=kind) for alias, kind in aliases]
    place.sources = [Source(citation=c, url=u, note=n) for c, u, n in sources]
    place.themes = [refs.theme(t) for t in themes]
    if status != "draft":
        place.status = "in_review"
    if status in {"published", "archived"}:
        place.publish_directly()
    if status == "archived":
        place.archive()
    db.session.add(place)
    schedule_code(place.code)
    if commit:
        db.session.commit()
    return place


# --- import files -----------------------------------------------------------------------------------

HEADER = ",".join(COLUMNS)

GOOD = [
    "ZQ-0101,大峪口渡口,曾用名:大峪渡；俗称:老渡口,革命遗址,黄河,大峪口村,黄河街道大峪口村北,117.4701,37.0212,"
    "解放战争时期,明代设渡。,1947 年支前渡口。,民工冒雨摆渡运粮。,《章丘黄河志》（示例）| https://example.org/a | 第 2 页,"
    "黄河地名文化；抗战红色足迹,未定级",
    "ZQ-0102,西营烈士墓,,烈士陵园,明水街道,西营村,,117.536,36.7237,抗日战争时期,,,,,英烈纪念,区级文物保护单位",
]


def csv_bytes(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode(encoding)


# --- photo files ------------------------------------------------------------------------------------


def plain_png(width=640, height=480) -> bytes:
    """A plain RGB PNG, as a photo upload."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), (160, 30, 30)).save(out, "PNG")
    return out.getvalue()


def jpeg_with_gps(width=1600, height=1200) -> bytes:
    """A JPEG carrying camera EXIF and GPS coordinates."""
    image = Image.new("RGB", (width, height), (180, 40, 30))
    exif = Image.Exif()
    exif[0x010F] = "Canon"  # Make
    exif[0x0110] = "EOS"  # Model
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (36.0, 43.0, 25.0)
    gps[3], gps[4] = "E", (117.0, 32.0, 10.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png_bomb(width=30000, height=30000) -> bytes:
    """A real, valid 30000×30000 1-bit PNG of ~110 KB that would need ~900 MB decoded."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + (width + 7) // 8)
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
