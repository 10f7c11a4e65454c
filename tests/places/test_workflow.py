"""Review workflow: submit, approve by a different archivist or an admin, return with comment, archive."""

import pytest

from app.places import services
from app.places.errors import NotAllowed, PlaceError


@pytest.fixture
def author(make_user):
    return make_user(roles=("archivist",))


@pytest.fixture
def reviewer(make_user):
    return make_user(roles=("archivist",))


def test_submit_then_approve_by_second_archivist(app, author, reviewer, make_place):
    """draft → in_review → published, with the reviewer recorded and a revision per step."""
    place = make_place(author)
    services.submit_for_review(place, author)
    assert place.status == "in_review"
    services.approve(place, reviewer, "资料齐全")
    assert place.status == "published"
    assert place.reviewer_id == reviewer.id
    assert place.published_at is not None
    assert [r.note for r in place.revisions][:2] == ["审核通过并发布", "提交审核"]


def test_same_archivist_cannot_approve_own_entry(app, author, make_place):
    """The author of an entry cannot approve it; it stays in review."""
    place = make_place(author)
    services.submit_for_review(place, author)
    with pytest.raises(NotAllowed, match="不能审核自己提交的条目"):
        services.approve(place, author)
    assert place.status == "in_review"


def test_admin_may_approve_own_entry(app, make_user, make_place):
    """An admin may approve, even an entry they wrote."""
    admin = make_user(roles=("admin", "archivist"))
    place = make_place(admin)
    services.submit_for_review(place, admin)
    services.approve(place, admin)
    assert place.status == "published"


def test_editor_cannot_review(app, author, make_user, make_place):
    """A user without the archivist or admin role cannot approve."""
    editor = make_user(roles=("editor",))
    place = make_place(author)
    services.submit_for_review(place, author)
    with pytest.raises(NotAllowed):
        services.approve(place, editor)


def test_return_requires_comment_and_goes_back_to_draft(app, author, reviewer, make_place):
    """Returning needs a comment; the entry goes back to draft carrying it."""
    place = make_place(author)
    services.submit_for_review(place, author)
    with pytest.raises(PlaceError, match="审核意见"):
        services.return_with_comment(place, reviewer, "  ")
    services.return_with_comment(place, reviewer, "请补充出处")
    assert place.status == "draft"
    assert place.review_comment == "请补充出处"


def test_entry_in_review_cannot_be_edited(app, author, make_place):
    """While in review the entry is frozen."""
    place = make_place(author)
    services.submit_for_review(place, author)
    with pytest.raises(NotAllowed, match="正在审核中"):
        services.save_place({"code": place.code, "name": "新名", "category": "革命遗址"}, author, place)


def test_only_drafts_are_submitted(app, author, reviewer, make_place, publish):
    """Submitting a published entry is refused with a Chinese message."""
    place = publish(make_place(author), author, reviewer)
    with pytest.raises(PlaceError, match="只有草稿"):
        services.submit_for_review(place, author)


def test_archive_and_reopen(app, author, reviewer, make_place, publish):
    """Archiving hides a published entry; reopening makes it a draft again."""
    place = publish(make_place(author), author, reviewer)
    services.archive(place, reviewer)
    assert place.status == "archived"
    with pytest.raises(PlaceError, match="已归档"):
        services.archive(place, reviewer)
    services.reopen(place, author)
    assert place.status == "draft"
