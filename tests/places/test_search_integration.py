"""Search integration: published places are findable every way a resident might try; others are not."""

import pytest

from app.extensions import db
from app.places.search_docs import load, schedule_place
from app.search import reset_index, search


@pytest.fixture(autouse=True)
def fresh_index(app):
    reset_index(app)


def _codes(q, **kwargs):
    return [hit.id for hit in search(q, kinds=["place"], **kwargs).hits]


@pytest.fixture
def sample(app, add_place):
    return add_place(
        "宁家埠抗日民主政府旧址",
        town="宁家埠街道",
        aliases=[("老公所", "俗称"), ("宁埠政府", "简称")],
        persons=["崔振华"],
        events=["1942年反扫荡"],
        story="抗日烈士崔振华在此报名参军，1942年牺牲。黄河渡口的船工夜渡支前。",
        themes=["抗战红色足迹"],
    )


@pytest.mark.parametrize(
    "query",
    [
        "宁家埠抗日民主政府旧址",
        "民主政府",
        "宁家埠",
        "老公所",
        "ningjiabu",
        "njb",
        "崔振华",
        "抗日 烈士",
        "黄河 渡口",
    ],
)
def test_published_place_is_findable(sample, query):
    """Full name, fragment, alias, full pinyin, initials, a person and topic words all find the place."""
    assert sample.code in _codes(query)


def test_publish_makes_findable_and_archive_removes(app, add_place):
    """A draft is not in the index; publishing adds it; archiving removes it again."""
    place = add_place("卧牛山战斗遗址", status="draft")
    assert place.code not in _codes("卧牛山")
    place.status = "in_review"
    place.publish_directly()
    schedule_place(place)
    db.session.commit()
    assert place.code in _codes("卧牛山")
    place.archive()
    schedule_place(place)
    db.session.commit()
    assert place.code not in _codes("卧牛山")


def test_archive_removes_from_the_index(app, add_place):
    """After archiving, the index no longer holds the entry (checked without a searcher cached earlier)."""
    place = add_place("卧牛山纪念亭")
    place.archive()
    schedule_place(place)
    db.session.commit()
    assert place.code not in _codes("卧牛山")


def test_edit_of_published_place_is_reindexed(app, add_place):
    """Renaming a published place updates what the index finds."""
    place = add_place("旧名纪念亭")
    place.name = "新名纪念亭"
    schedule_place(place)
    db.session.commit()
    assert place.code in _codes("新名") and place.code not in _codes("旧名")


def test_facets_and_fields(sample):
    """Hits carry town/category/era facets, and facet counts come back."""
    result = search("宁家埠", kinds=["place"], facets=("town", "category", "era", "theme"))
    hit = result.hits[0]
    assert hit.fields["town"] == "宁家埠街道" and hit.fields["category"] == "革命遗址"
    assert ("宁家埠街道", 1) in result.facets["town"]
    assert ("抗战红色足迹", 1) in result.facets["theme"]


def test_provider_yields_published_only(app, add_place):
    """The provider returns published places only, for all ids and for given ids."""
    public = add_place("公开地")
    hidden = add_place("草稿地", status="draft")
    assert [d.id for d in load(None)] == [public.code]
    assert [d.id for d in load([public.code, hidden.code])] == [public.code]
    doc = next(iter(load([public.code])))
    assert doc.url == f"/places/{public.code}" and doc.sort_key == "gongkaidi"
