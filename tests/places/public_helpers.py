"""Factories shared by the public-side places tests (models built directly, search scheduled)."""

from app.extensions import db
from app.places import pinyin
from app.places.models import PlaceAlias, PlaceName, Source
from app.places.reference import ReferenceMatcher
from app.places.search_docs import schedule_code

_counter = {"n": 0}


def make_place(
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
):
    """Create and commit a place; the search index follows after commit."""
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
    db.session.commit()
    return place
