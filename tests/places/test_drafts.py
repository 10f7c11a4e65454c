"""Pending changes of published entries: the live version stays public until a second archivist approves."""

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.places import drafts, revisions, services
from app.places.errors import DuplicateCode, NotAllowed, PlaceError
from app.places.importing import apply
from app.places.models import PlaceDraft, Theme
from tests.places.samples import csv_bytes


@pytest.fixture
def author(make_user):
    return make_user(roles=("archivist",))


@pytest.fixture
def reviewer(make_user):
    return make_user(roles=("archivist",))


@pytest.fixture
def live(author, reviewer, make_place, publish):
    return publish(make_place(author), author, reviewer)


def test_edit_of_published_entry_is_pending_until_a_second_archivist_approves(
    app, client, live, author, reviewer, place_data
):
    """Editing keeps the live version public (page, API, GeoJSON); approval by another archivist publishes."""
    revisions_before = len(live.revisions)
    services.save_place(place_data(name="三德范联络站", story="改写后的红色故事。"), author, live)
    db.session.expire_all()
    assert live.status == "published" and live.name == "三德范抗日联络站旧址"
    assert live.has_pending_changes and live.draft.snapshot["name"] == "三德范联络站"
    assert len(live.revisions) == revisions_before  # history records live versions only
    for url in (f"/places/{live.code}", f"/api/v1/places/{live.code}", "/places.geojson"):
        body = client.get(url).get_data(as_text=True)
        body = json.dumps(json.loads(body), ensure_ascii=False) if "api" in url or "json" in url else body
        assert "三德范抗日联络站旧址" in body and "改写后的红色故事" not in body, url
    assert "三德范抗日联络站旧址" in client.get(f"/places/{live.code}").get_data(as_text=True)

    services.submit_for_review(live, author)
    assert live.in_review and not live.can_edit(author)
    with pytest.raises(NotAllowed, match="不能审核自己"):
        services.approve(live, author)
    services.approve(live, reviewer, "核对无误")
    db.session.expire_all()
    assert live.name == "三德范联络站" and live.story == "改写后的红色故事。" and live.draft is None
    assert live.reviewer_id == reviewer.id and live.status == "published"
    assert "审核通过并发布修改" in live.revisions[0].note and live.revisions[0].author_id == author.id
    assert "改写后的红色故事" in client.get(f"/places/{live.code}").get_data(as_text=True)
    assert client.get(f"/api/v1/places/{live.code}").get_json()["name"] == "三德范联络站"


def test_anyone_who_edited_the_changes_cannot_approve_them(
    app, live, author, reviewer, make_user, place_data
):
    """A second editor of the same changes is also excluded; an admin may approve any."""
    services.save_place(place_data(story="甲改的"), author, live)
    services.save_place(place_data(story="乙又改的"), reviewer, live)
    services.submit_for_review(live, reviewer)
    for user in (author, reviewer):
        with pytest.raises(NotAllowed):
            services.approve(live, user)
    third = make_user(roles=("archivist",))
    assert live.draft.can_review(third)
    services.approve(live, make_user(roles=("admin",)))
    assert live.story == "乙又改的"


def test_return_with_comment_and_edit_again(app, live, author, reviewer, place_data):
    """Returned changes are editable again, carry the comment, and the live version never moved."""
    services.save_place(place_data(story="第一稿"), author, live)
    services.submit_for_review(live, author)
    with pytest.raises(PlaceError, match="审核意见"):
        services.return_with_comment(live, reviewer, " ")
    services.return_with_comment(live, reviewer, "请补充出处")
    assert live.draft.state == "editing" and live.draft.review_comment == "请补充出处"
    assert live.status == "published" and live.story == "联络站多次掩护八路军伤员转移。"
    services.save_place(place_data(story="第二稿"), author, live)
    assert live.draft.snapshot["story"] == "第二稿"


def test_restoring_an_old_revision_of_a_published_entry_creates_pending_changes(
    app, live, author, reviewer, place_data
):
    """Restore on a published entry writes a draft named after the revision (China time), not a live change."""
    first = live.revisions[-1]
    first.created_at = datetime(2026, 3, 1, 17, 30, tzinfo=UTC)  # 2026-03-02 01:30 in China
    services.save_place(place_data(story="新故事"), author, live)
    services.submit_for_review(live, author)
    services.approve(live, reviewer)
    revisions.restore_revision(live, first, author)
    assert live.story == "新故事" and live.draft.snapshot["story"] == "联络站多次掩护八路军伤员转移。"
    assert live.draft.note == f"恢复到 2026-03-02 01:30 的版本（#{first.id}）"


def test_restore_note_of_a_draft_entry_uses_china_time(app, author, place_data, make_place):
    """The note of a restore on a non-public entry (a new revision) shows the revision's China time."""
    place = make_place(author)
    first = place.revisions[0]
    first.created_at = datetime(2026, 3, 1, 17, 30, tzinfo=UTC)
    services.save_place(place_data(story="改过"), author, place)
    revisions.restore_revision(place, first, author)
    assert place.revisions[0].note.startswith("恢复到 2026-03-02 01:30 的版本")


def test_unchanged_save_drops_the_draft_and_discard_keeps_live(app, live, author, place_data):
    """Saving the live content again leaves no pending changes; discard removes them, live untouched."""
    assert drafts.save_draft(live, place_data(), author) is None and live.draft is None
    services.save_place(place_data(story="临时修改"), author, live)
    services.save_place(place_data(), author, live)
    assert live.draft is None
    services.save_place(place_data(story="临时修改"), author, live)
    drafts.discard_draft(live, author)
    assert live.draft is None and live.story == "联络站多次掩护八路军伤员转移。"
    assert db.session.scalar(select(PlaceDraft.id)) is None


def test_new_theme_in_pending_changes_is_created_only_on_approval(app, live, author, reviewer, place_data):
    """Aliases, sources and themes are part of the changes; a new theme name waits for the approval."""
    data = place_data(
        themes=["抗战红色足迹", "待审专题甲"],
        aliases=[{"name": "老联络站", "kind": "俗称"}],
        sources=[{"citation": "新出处", "url": "", "note": ""}],
    )
    services.save_place(data, author, live)
    assert db.session.scalar(select(Theme).where(Theme.name == "待审专题甲")) is None
    changed = {c.field for c in revisions.pending_changes(live)}
    assert changed == {"aliases", "sources", "themes"}
    services.submit_for_review(live, author)
    services.approve(live, reviewer)
    assert [t.name for t in live.themes] == ["抗战红色足迹", "待审专题甲"]
    assert [a.name for a in live.aliases] == ["老联络站"] and live.sources[0].citation == "新出处"
    theme = db.session.scalar(select(Theme).where(Theme.name == "待审专题甲"))
    live.themes = []
    db.session.delete(theme)  # themes are a reference table: the per-test cleanup keeps them
    db.session.commit()


def test_invalid_or_duplicate_changes_are_refused(app, live, author, place_data, make_place):
    """Pending changes are validated like a direct save (unknown town, code of another entry)."""
    make_place(author, code="ZQ-9002", name="别的条目")
    with pytest.raises(PlaceError, match="未知的镇街"):
        services.save_place(place_data(town="不存在镇"), author, live)
    with pytest.raises(DuplicateCode):
        services.save_place(place_data(code="ZQ-9002"), author, live)
    assert live.draft is None


def test_archiving_folds_pending_changes_into_the_entry(app, live, author, reviewer, place_data):
    """Taking an entry off the public site makes its pending changes its content (reviewed as a whole later)."""
    services.save_place(place_data(story="待审的修改"), author, live)
    services.reopen(live, author)
    assert live.status == "draft" and live.story == "待审的修改" and live.draft is None


def test_status_only_revision_compares_with_the_latest_content_change(
    app, author, reviewer, make_place, place_data
):
    """Viewing 提交审核/审核通过 by default compares with the last revision whose content differs."""
    place = make_place(author)
    services.save_place(place_data(story="新的故事"), author, place)
    services.submit_for_review(place, author)
    history = place.revisions
    submitted, saved, created = history[0], history[1], history[2]
    assert revisions.default_comparison(history, saved) == created
    assert revisions.default_comparison(history, submitted) == created
    assert revisions.default_comparison(history, created) is None


def test_import_over_a_published_entry_saves_pending_changes(app, live, author, make_user):
    """An archivist's import changes a published entry only as pending changes; an admin's
    "直接发布" import changes it live, as before."""
    row = (
        f"{live.code},{live.name},,革命遗址,文祖街道,三德范村,,117.4131,36.5702,抗日战争时期,,,"
        "导入的新故事。,,抗战红色足迹,区级文物保护单位"
    )
    report = apply.check(csv_bytes(row), "x.csv")
    assert any("未发布的修改" in p.message for p in report.warnings)
    report = apply.run(csv_bytes(row), "x.csv", user=author)
    db.session.expire_all()
    assert report.staged == 1 and report.updated == 1
    assert live.story == "联络站多次掩护八路军伤员转移。" and live.draft.snapshot["story"] == "导入的新故事。"
    apply.run(
        csv_bytes(row.replace("导入的新故事", "管理员发布的故事")), "x.csv", publish=True, user=make_user()
    )
    db.session.expire_all()
    assert live.story == "管理员发布的故事。"
