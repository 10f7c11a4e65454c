"""Places models, the seeded reference lists, reference matching and pinyin."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.places import pinyin
from app.places.models import (
    Category,
    Era,
    PlaceName,
    PlaceRevision,
    PlaceStateError,
    ProtectionLevel,
    Theme,
    Town,
)
from app.places.reference import ReferenceMatcher, normalize


def test_migration_seeds_reference_lists(app):
    """Migration 0004 seeds the 18 镇街, 8 categories with codes, 6 eras, 5 protection levels, 4 themes."""
    towns = db.session.scalars(select(Town).order_by(Town.position)).all()
    assert len(towns) == 18
    assert towns[0].name == "明水街道" and towns[0].short_name == "明水"
    assert {t.name for t in towns} >= {"刁镇", "垛庄镇", "宁家埠街道", "相公庄街道", "高官寨街道"}
    assert all(t.latitude and t.longitude for t in towns)
    categories = db.session.scalars(select(Category)).all()
    assert len(categories) == 8 and all(c.code for c in categories)
    assert db.session.scalar(select(func.count()).select_from(Era)) == 6
    assert db.session.scalar(select(func.count()).select_from(ProtectionLevel)) == 5
    assert {t.name for t in db.session.scalars(select(Theme))} >= {
        "抗战红色足迹",
        "黄河地名文化",
        "英烈纪念",
        "乡村振兴红色村庄",
    }


def test_reference_tables_are_marked_to_survive_cleanup(app):
    """Reference tables carry info={"reference": True}; entry tables do not."""
    for model in (Category, Era, ProtectionLevel, Town, Theme):
        assert model.__table__.info.get("reference") is True
    assert not PlaceName.__table__.info.get("reference")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("明水", "明水街道"),
        ("明水街道", "明水街道"),
        (" 明水街道办事处 ", "明水街道"),
        ("章丘区埠村镇", "埠村街道"),
        ("济南市章丘区刁镇", "刁镇"),
        ("刁", "刁镇"),
        ("垛庄", "垛庄镇"),
        ("龍山", "龙山街道"),
        ("相公庄", "相公庄街道"),
    ],
)
def test_town_matching_by_full_short_and_older_names(app, value, expected):
    """Towns match by full name, short name, 镇 → 街道 renames, prefixes and traditional characters."""
    assert ReferenceMatcher().town(value).name == expected


def test_unknown_reference_values_do_not_match(app):
    """Unknown towns, categories and eras give None (the importer reports them as errors)."""
    refs = ReferenceMatcher()
    assert refs.town("历城") is None and refs.town("") is None and refs.town(None) is None
    assert refs.category("寺庙") is None
    assert refs.era("唐朝") is None


def test_category_era_and_level_shorthands(app):
    """Categories match by code too; eras and protection levels accept common shorthands."""
    refs = ReferenceMatcher()
    code = db.session.scalars(select(Category).where(Category.name == "烈士陵园")).one().code
    assert refs.category(code).name == "烈士陵园"
    assert refs.category("革命遗址").name == "革命遗址"
    assert refs.era("抗战时期").name == "抗日战争时期"
    assert refs.era("解放战争").name == "解放战争时期"
    assert refs.protection_level("省保").name == "省级文物保护单位"
    assert normalize("ＡＢ　明水") == "AB明水"


@pytest.mark.parametrize(
    ("name", "tone", "plain", "initials"),
    [
        ("明水街道", "míng shuǐ jiē dào", "mingshuijiedao", "msjd"),
        ("宁家埠", "níng jiā bù", "ningjiabu", "njb"),
        ("埠村", "bù cūn", "bucun", "bc"),
        ("长岭村", "cháng lǐng cūn", "changlingcun", "clc"),
        ("长城岭", "cháng chéng lǐng", "changchengling", "ccl"),
        ("村长故居", "cūn zhǎng gù jū", "cunzhangguju", "czgj"),
    ],
)
def test_pinyin_handles_place_name_polyphones(name, tone, plain, initials):
    """长 reads cháng in place names (zhǎng only in titles like 村长) and 埠 reads bù."""
    assert pinyin.tone_pinyin(name) == tone
    assert pinyin.plain_pinyin(name) == plain
    assert pinyin.initials(name) == initials


def test_display_pinyin_uses_apostrophe_and_capital():
    """Joined place-name pinyin capitalises and separates a/o/e syllables: 西安 → Xī'ān."""
    assert pinyin.display_pinyin("西安") == "Xī'ān"
    assert pinyin.display_pinyin("章丘") == "Zhāngqiū"


def test_workflow_transitions(app, make_user, add_place):
    """draft → in_review → published → archived; returning needs a comment; wrong moves raise."""
    author = make_user(roles=("archivist",))
    reviewer = make_user(roles=("archivist",))
    place = add_place(status="draft")
    place.author = author
    with pytest.raises(PlaceStateError):
        place.approve(reviewer)
    place.submit()
    assert place.status == "in_review" and not place.can_edit(author)
    assert not place.can_review(author) and place.can_review(reviewer)
    with pytest.raises(PlaceStateError):
        place.send_back(reviewer, "  ")
    place.send_back(reviewer, "请补充出处。")
    assert place.status == "draft" and place.review_comment == "请补充出处。"
    place.submit()
    place.approve(reviewer, "同意发布")
    assert place.status == "published" and place.is_public
    assert place.reviewer == reviewer and place.reviewed_at and place.published_at
    place.archive()
    assert place.status == "archived" and not place.is_public
    with pytest.raises(PlaceStateError):
        place.archive()
    place.reopen()
    assert place.status == "draft"


def test_admin_may_review_own_entry(app, make_user, add_place):
    """An admin may review any entry; an archivist never their own."""
    admin = make_user(roles=("admin", "archivist"))
    place = add_place(status="draft")
    place.author = admin
    place.submit()
    assert place.can_review(admin)


def test_snapshot_and_revision_round_trip(app, add_place):
    """snapshot() holds every editable field with reference names, and a revision stores it as JSON."""
    place = add_place(
        "三德范村",
        town="文祖",
        category="红色村庄",
        aliases=[("三德范庄", "曾用名")],
        persons=["李振华"],
        themes=["英烈纪念"],
    )
    snap = place.snapshot()
    assert snap["town"] == "文祖街道" and snap["category"] == "红色村庄"
    assert snap["aliases"] == [{"name": "三德范庄", "kind": "曾用名"}]
    assert snap["persons"] == ["李振华"] and snap["themes"] == ["英烈纪念"]
    db.session.add(PlaceRevision(place=place, snapshot=snap, note="测试"))
    db.session.commit()
    db.session.expire_all()
    stored = db.session.scalars(select(PlaceRevision)).one()
    assert stored.snapshot == snap
    assert place.aliases_by_kind() == {"曾用名": ["三德范庄"]}


def test_deleting_a_place_removes_its_children(app, add_place):
    """Aliases, sources and revisions go with their place (cascade)."""
    place = add_place(aliases=[("老公所", "俗称")])
    db.session.add(PlaceRevision(place=place, snapshot=place.snapshot()))
    db.session.commit()
    db.session.delete(place)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(PlaceRevision)) == 0
