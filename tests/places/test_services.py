"""Place services: saving with revisions, code rules, restore and diff."""

import pytest

from app.extensions import db
from app.places import revisions, services
from app.places.errors import DuplicateCode, InvalidPlace, PlaceError
from app.places.models import PlaceName
from app.places.rules import outside_zhangqiu


@pytest.fixture
def archivist(make_user):
    return make_user(roles=("archivist",))


def test_create_records_revision_and_pinyin(app, archivist, make_place):
    """A new entry is a draft with generated pinyin, its author, and one revision."""
    place = make_place(archivist)
    assert place.status == "draft"
    assert place.author_id == archivist.id
    assert place.pinyin.startswith("sān")
    assert place.pinyin_plain.startswith("sande")
    assert len(place.revisions) == 1
    assert place.revisions[0].snapshot["name"] == "三德范抗日联络站旧址"
    assert place.town.name == "文祖街道"
    assert [a.name for a in place.aliases] == ["三德范"]


def test_town_short_name_and_edited_pinyin(app, archivist, make_place):
    """A short town name is matched (明水 → 明水街道); an edited pinyin drives the plain form."""
    place = make_place(archivist, town="明水", pinyin="Cháng Shān")
    assert place.town.name == "明水街道"
    assert place.pinyin == "Cháng Shān"
    assert place.pinyin_plain == "changshan"


def test_every_save_adds_a_revision(app, archivist, place_data, make_place):
    """Each update snapshots the entry again."""
    place = make_place(archivist)
    services.save_place(place_data(name="三德范联络站"), archivist, place)
    services.save_place(place_data(name="三德范联络站旧址"), archivist, place)
    assert len(place.revisions) == 3
    assert [r.snapshot["name"] for r in place.revisions][:2] == ["三德范联络站旧址", "三德范联络站"]


def test_duplicate_code_is_refused(app, archivist, make_place):
    """A second entry with the same code is refused with a Chinese message and nothing saved."""
    make_place(archivist)
    with pytest.raises(DuplicateCode, match="已被其他条目使用"):
        make_place(archivist, name="另一个")
    assert db.session.query(PlaceName).count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"code": ""}, "code"),
        ({"code": "ZQ 01!"}, "code"),
        ({"name": "  "}, "name"),
        ({"category": "不存在的类别"}, "category"),
        ({"town": "历城区"}, "town"),
        ({"latitude": 200.0}, "latitude"),
        ({"latitude": None}, "latitude"),
    ],
)
def test_invalid_values_raise_with_field(app, archivist, overrides, field, make_place):
    """Invalid input raises InvalidPlace naming the field; nothing is half-saved."""
    with pytest.raises(InvalidPlace) as info:
        make_place(archivist, **overrides)
    assert info.value.field == field
    assert services.get_place("ZQ-9001") is None


def test_new_theme_is_created_with_slug(app, archivist, make_place):
    """An unknown theme name creates the theme with a pinyin slug."""
    place = make_place(archivist, themes=["章丘铁匠红色记忆测试"])
    theme = place.themes[0]
    assert theme.slug.startswith("zhang-qiu-tie-jiang")
    place.themes = []
    db.session.delete(theme)  # themes are a reference table: the per-test cleanup keeps them
    db.session.commit()


def test_restore_makes_a_new_revision(app, archivist, place_data, make_place):
    """Restoring an old revision copies its content back and records another revision."""
    place = make_place(archivist)
    first = place.revisions[0]
    services.save_place(place_data(name="改过的名字", story="新的故事"), archivist, place)
    revisions.restore_revision(place, first, archivist)
    assert place.name == "三德范抗日联络站旧址"
    assert place.story == "联络站多次掩护八路军伤员转移。"
    assert len(place.revisions) == 3
    assert "恢复到" in place.revisions[0].note


def test_restore_refuses_foreign_revision(app, archivist, make_place):
    """A revision of another entry cannot be restored onto this one."""
    one = make_place(archivist)
    other = make_place(archivist, code="ZQ-9002", name="别的条目")
    with pytest.raises(PlaceError):
        revisions.restore_revision(one, other.revisions[0], archivist)
    assert revisions.get_revision(one, other.revisions[0].id) is None


def test_diff_lists_changed_fields_with_chunks(app, archivist, place_data, make_place):
    """The diff names changed fields in Chinese and marks inserted/deleted characters."""
    place = make_place(archivist)
    services.save_place(place_data(story="联络站多次掩护八路军转移。", town="明水"), archivist, place)
    new, old = place.revisions[0], place.revisions[1]
    changes = {c.field: c for c in revisions.diff_revisions(old.snapshot, new.snapshot)}
    assert set(changes) == {"story", "town"}
    assert changes["story"].label == "红色故事"
    assert ("delete", "伤员") in changes["story"].chunks
    assert changes["town"].before == "文祖街道" and changes["town"].after == "明水街道"


def test_same_name_in_town_and_bbox(app, archivist, make_place):
    """Same name in the same 镇街 is found; coordinates outside Zhangqiu are detected."""
    place = make_place(archivist)
    assert services.same_name_in_town(place.name, place.town_id) == ["ZQ-9001"]
    assert services.same_name_in_town(place.name, place.town_id, exclude_id=place.id) == []
    assert outside_zhangqiu(39.9, 116.4)
    assert not outside_zhangqiu(36.72, 117.53)


def test_code_race_is_a_duplicate_error(app, archivist, monkeypatch, make_place):
    """If another save takes the code between the check and the commit, the result is DuplicateCode."""
    make_place(archivist)
    monkeypatch.setattr(services, "code_taken", lambda code, exclude_id=None: False)
    with pytest.raises(DuplicateCode):
        make_place(archivist, name="另一个")
    assert db.session.query(PlaceName).count() == 1
