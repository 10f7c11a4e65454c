"""Demo data "20-places": enough realistic, varied, clearly-marked sample entries, loaded idempotently."""

from collections import Counter

from sqlalchemy import func, select

from app.demo import load_staff
from app.extensions import db
from app.places import demo
from app.places.models import Category, Era, Photo, PlaceName, Town
from app.search import reset_index


def test_demo_load_covers_every_town_category_and_era(app):
    """≥200 entries over all 18 镇街, every category and era among published ones, themes, aliases, photos."""
    reset_index(app)
    load_staff()
    demo.load()
    places = db.session.scalars(select(PlaceName)).all()
    assert len(places) >= 200
    published = [p for p in places if p.status == "published"]
    assert len(published) >= 200
    assert {p.status for p in places} == {"published", "draft", "in_review", "archived"}
    assert {p.town_id for p in published} == set(db.session.scalars(select(Town.id)))
    assert {p.category_id for p in published} == set(db.session.scalars(select(Category.id)))
    assert {p.era_id for p in published} == set(db.session.scalars(select(Era.id)))
    themes = Counter(t.name for p in published for t in p.themes)
    assert len(themes) >= 4 and themes["黄河地名文化"] > 0
    assert sum(1 for p in places if p.aliases) > 150
    assert all(p.persons and p.events and p.story and p.origin and p.history for p in places)
    assert all(any("示例" in (s.citation + s.note) for s in p.sources) for p in places)
    assert all(p.pinyin and p.latitude and p.longitude for p in places)
    assert len({p.name for p in places}) > 180  # varied names, not one template repeated
    assert db.session.scalar(select(func.count()).select_from(Photo)) >= 5
    reviewed = [p for p in published if p.reviewer is not None]
    assert reviewed and all(p.reviewer.username == "reviewer" for p in reviewed)


def test_demo_load_is_idempotent(app):
    """Running the loader twice adds nothing the second time."""
    reset_index(app)
    load_staff()
    demo.load()
    counts = (
        db.session.scalar(select(func.count()).select_from(PlaceName)),
        db.session.scalar(select(func.count()).select_from(Photo)),
    )
    demo.load()
    assert counts == (
        db.session.scalar(select(func.count()).select_from(PlaceName)),
        db.session.scalar(select(func.count()).select_from(Photo)),
    )


def test_demo_entries_render_and_are_searchable(app, client):
    """A demo entry of each category renders, and the demo is searchable by topic words."""
    reset_index(app)
    load_staff()
    demo.load()
    seen = set()
    for place in db.session.scalars(select(PlaceName).where(PlaceName.status == "published")):
        if place.category_id in seen:
            continue
        seen.add(place.category_id)
        assert client.get(f"/places/{place.code}").status_code == 200
    html = client.get("/places/?q=黄河+渡口").get_data(as_text=True)
    assert "渡口" in html and "共找到" in html


def test_generate_scales_for_the_benchmark(app):
    """generate(n) yields n entries with unique codes (used to build 10,000 entries for bench/)."""
    entries = list(demo.generate(600))
    assert len(entries) == 600 and len({e["code"] for e in entries}) == 600
