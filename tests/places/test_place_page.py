"""The public place page reads plain values (``queries.place_page``): what it shows, in which order, and in
how many SQL statements."""

import re

import pytest
from sqlalchemy import event

from app.extensions import db
from app.places import queries
from app.places.models import Photo, Source
from app.places.reference import ReferenceMatcher
from app.search import reset_index
from tests.places.samples import plain_png


@pytest.fixture(autouse=True)
def fresh_index(app):
    reset_index(app)
    app.extensions["zq_page_cache_on"] = False  # every request below renders the page


@pytest.fixture
def statements(app):
    """SQL statements run on the app's engine while the test records (a list of their texts)."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


def _rich_place(add_place):
    """A published place with aliases of every kind, three sources, two photos and two themes."""
    from app.places.photos import store_photo

    place = add_place(
        "龙山抗日根据地旧址",
        town="龙山街道",
        aliases=[("龙山寨", "简称"), ("老龙山", "俗称"), ("龙山村部", "曾用名"), ("寨子", "俗称")],
        persons=["张 三&李"],
        events=["龙山突围"],
        themes=["英烈纪念", "抗战红色足迹"],
        sources=(
            ("《章丘县志》（示例）", "", "第 3 卷"),
            ("网上资料 <甲>", "https://example.org/a?b=1&c=2", ""),
            ("内部档案", "ftp://example.org/x", "备注"),
        ),
        latitude=36.71,
        longitude=117.52,
    )
    store_photo(place, plain_png(), "一.png", caption="正门", credit="甲摄")
    store_photo(place, plain_png(), "二.png", credit="").caption = ""  # no caption: the alt text says so
    db.session.commit()
    return place


def test_place_page_matches_the_orm_entry(app, add_place):
    """``place_page`` holds the same values and list order as the ORM entry ``published_place`` loads."""
    place = _rich_place(add_place)
    # Reorder: the second photo and the last source first, by position.
    photos = sorted(place.photos, key=lambda p: p.id)
    photos[1].position, photos[0].position = 0, 1
    place.sources[2].position = -1
    db.session.commit()
    db.session.expire_all()

    entry = queries.published_place(place.code)
    page = queries.place_page(place.code)
    assert page is not None and page.id == entry.id and page.code == entry.code and page.name == entry.name
    assert (page.category, page.town, page.era, page.protection_level) == (
        entry.category.name,
        entry.town.name,
        entry.era.name,
        entry.protection_level.name,
    )
    assert (page.latitude, page.longitude, page.has_coordinates) == (36.71, 117.52, True)
    assert page.persons == ("张 三&李",) and page.events == ("龙山突围",)
    assert page.updated_at == entry.updated_at and page.reviewer is None and page.reviewed_at is None
    assert dict(page.aliases) == {kind: tuple(names) for kind, names in entry.aliases_by_kind().items()}
    assert [kind for kind, _ in page.aliases] == ["曾用名", "俗称", "简称"]
    assert dict(page.aliases)["俗称"] == ("老龙山", "寨子")
    assert [(s.citation, s.url, s.note) for s in page.sources] == [
        (s.citation, s.url, s.note) for s in entry.sources
    ]
    assert page.sources[0].citation == "内部档案"
    assert [(p.id, p.filename, p.caption, p.credit, p.thumb_width, p.thumb_height) for p in page.photos] == [
        (p.id, p.filename, p.caption, p.credit, p.thumb_width, p.thumb_height) for p in entry.photos
    ]
    assert page.photos[0].id == photos[1].id
    assert [(t.id, t.slug, t.name) for t in page.themes] == [(t.id, t.slug, t.name) for t in entry.themes]


def test_place_page_shows_lists_and_links(client, add_place):
    """The page shows aliases by kind, sources (linked only for http/https), photos, themes and person links."""
    place = _rich_place(add_place)
    html = client.get(f"/places/{place.code}").get_data(as_text=True)
    facts = html[html.index('class="meta-list place-facts"') :]
    assert facts.index("<dt>曾用名</dt><dd>龙山村部</dd>") < facts.index("<dt>俗称</dt><dd>老龙山、寨子</dd>")
    assert facts.index("<dt>俗称</dt>") < facts.index("<dt>简称</dt><dd>龙山寨</dd>")
    assert (
        '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow noopener noreferrer">网上资料 &lt;甲&gt;</a>'
        in html
    )
    assert '<li>内部档案<span class="muted">（备注）</span></li>' in html  # ftp: not a link
    assert '<li>《章丘县志》（示例）<span class="muted">（第 3 卷）</span></li>' in html
    assert '正门<span class="credit">摄影/来源：甲摄</span>' in html
    assert 'alt="龙山抗日根据地旧址照片"' in html  # a photo without caption
    assert len(re.findall(r'href="/places/' + place.code + r'/photos/\d+"', html)) == 2
    assert '<a class="chip" href="/places/themes/yinglie-jinian">英烈纪念</a>' in html
    assert '<a class="chip" href="/places/themes/kangzhan-hongse-zuji">抗战红色足迹</a>' in html
    assert html.index("抗战红色足迹</a>") < html.index("英烈纪念</a>")  # theme order, not insertion order
    assert '<a href="/places/?q=%E5%BC%A0+%E4%B8%89%26%E6%9D%8E">张 三&amp;李</a>' in html
    assert '<a href="/places/?town=%E9%BE%99%E5%B1%B1%E8%A1%97%E9%81%93">龙山街道</a>' in html  # crumb
    assert "北纬 36.71000°，东经 117.52000°" in html
    assert "审核：" not in html


def test_place_page_shows_the_reviewer(client, make_user, make_place, publish):
    """An entry approved by a reviewer shows the reviewer's display name and the review date."""
    author = make_user(roles=("archivist",), username="page-author")
    reviewer = make_user(roles=("archivist",), username="page-reviewer")
    place = publish(make_place(author), author, reviewer)
    html = client.get(f"/places/{place.code}").get_data(as_text=True)
    assert re.search(
        r" · 审核：" + re.escape(reviewer.display_name) + r"（\d{4}年\d{1,2}月\d{1,2}日）</p>", html
    )
    assert "page-author" not in html and author.display_name not in html


def test_place_page_without_optional_values(client, add_place):
    """No 镇街, era, protection level, coordinates, lists or reviewer: 章丘区, and none of their parts."""
    place = add_place(
        "无名旧址",
        town=None,
        era=None,
        protection_level=None,
        latitude=None,
        longitude=None,
        sources=(),
        origin="",
    )
    response = client.get(f"/places/{place.code}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<dd>章丘区</dd>" in html and "（章丘区，革命遗址）" in html
    assert "›" not in html.split('class="crumbs"', 1)[1].split("</nav>", 1)[0]
    assert 'class="badge"' not in html and "badge-yellow" not in html
    for absent in ("坐标", "geo:", "照片", "资料来源", "所属专题", "人物与事件", "审核：", "曾用名"):
        assert absent not in html


def test_place_page_runs_two_statements(app, client, add_place, statements):
    """A place page reads the entry and its four lists in two SQL statements (five with ORM loading), once
    per content generation: a second view reads nothing."""
    place = _rich_place(add_place)
    add_place("邻村纪念馆", latitude=36.712, longitude=117.522)
    code, name = place.code, place.name
    with app.test_request_context("/"):
        statements.clear()
        assert queries.place_page(code).name == name
        assert len(statements) == 2, statements
    assert client.get(f"/places/{code}").status_code == 200
    statements.clear()
    html = client.get(f"/places/{code}").get_data(as_text=True)
    assert "邻村纪念馆" in html and "正门" in html
    assert statements == []
    assert client.get("/places/ZQ-0000").status_code == 404
    assert len(statements) == 1, statements
    assert client.get("/places/" + "Z" * 21).status_code == 404  # longer than any code: not looked up
    assert len(statements) == 1, statements


def test_place_page_shows_a_renamed_reviewer(client, make_user, make_place, publish):
    """The reviewer's name is part of the page kept per generation: renaming the account shows at once."""
    from app.accounts.services import update_user

    author = make_user(roles=("archivist",), username="rename-author")
    reviewer = make_user(roles=("archivist",), username="rename-reviewer")
    place = publish(make_place(author), author, reviewer)
    assert reviewer.display_name in client.get(f"/places/{place.code}").get_data(as_text=True)
    update_user(reviewer, "新的审核人姓名", ["archivist"])
    assert "审核：新的审核人姓名（" in client.get(f"/places/{place.code}").get_data(as_text=True)


def test_place_page_follows_list_edits(client, add_place):
    """A changed source or a removed photo shows on the next view (the generation moved)."""
    place = _rich_place(add_place)
    assert "《章丘县志》（示例）" in client.get(f"/places/{place.code}").get_data(as_text=True)
    db.session.execute(db.delete(Photo).where(Photo.place_id == place.id))
    source = db.session.scalars(db.select(Source).where(Source.place_id == place.id, Source.url == "")).one()
    source.citation = "《章丘县志》（修订）"
    place.themes = [ReferenceMatcher().theme("黄河地名文化")]
    db.session.commit()
    html = client.get(f"/places/{place.code}").get_data(as_text=True)
    assert "《章丘县志》（修订）" in html and "《章丘县志》（示例）" not in html
    assert "照片" not in html and "黄河地名文化" in html and "英烈纪念</a>" not in html


@pytest.mark.parametrize(
    "value", ["张 三&李", "a/b?c=d#e", "!$'()*,/:;?@", "+%20~", "百分之百%", "黄河\u3000渡口", "x\ny"]
)
def test_search_links_are_what_url_for_builds(app, value):
    """The place page's person, event and 镇街 links equal ``url_for`` for any text."""
    from flask import url_for

    from app.places.routes import _url_with

    with app.test_request_context("/"):
        base = url_for("places.list_places")
        assert _url_with({}, base, q=value) == url_for("places.list_places", q=value)
        assert _url_with({}, base, town=value) == url_for("places.list_places", town=value)
