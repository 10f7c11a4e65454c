"""Console routes for pending changes of published entries, history times and the default comparison."""

from datetime import UTC, datetime

import pytest

from app.extensions import db
from app.places import services
from tests.places.test_console import form_data
from tests.web.confirming import asks_first, back_link


@pytest.fixture
def live(make_user, make_place, publish):
    author, reviewer = make_user(roles=("archivist",)), make_user(roles=("archivist",))
    return publish(make_place(author, code="ZQ-9301", name="垛庄暴动旧址"), author, reviewer)


def test_console_edit_of_published_entry_goes_through_review(client, login_as, live):
    """A edits → public unchanged, list and detail say 有未发布的修改 with a diff, the edit form shows the
    draft; A cannot approve; B approves from the review queue → the public page shows the change."""
    login_as("archivist")
    edit = client.post(f"/console/places/{live.code}/edit", data=form_data(story="暴动后建立了农民协会。"))
    assert edit.status_code == 303
    assert "公众页面仍显示已发布版本" in client.get(edit.location).get_data(as_text=True)
    assert "农民协会" not in client.get(f"/places/{live.code}").get_data(as_text=True)
    listing = client.get("/console/places/?status=changed").get_data(as_text=True)
    assert live.code in listing and "有未发布的修改" in listing
    detail = client.get(f"/console/places/{live.code}").get_data(as_text=True)
    assert "有未发布的修改" in detail and "<ins>" in detail and "农民协会" in detail
    assert "提交修改审核" in detail and "放弃修改" in detail
    assert "暴动后建立了农民协会。" in client.get(f"/console/places/{live.code}/edit").get_data(as_text=True)
    assert client.post(f"/console/places/{live.code}/submit").status_code == 303
    assert live.code in client.get("/console/places/?status=in_review").get_data(as_text=True)
    assert client.get(f"/console/places/{live.code}/edit").status_code == 303  # frozen while in review
    refused = client.post(f"/console/places/{live.code}/approve")
    assert refused.status_code == 303
    assert "不能审核自己修改或提交的内容" in client.get(refused.location).get_data(as_text=True)

    login_as("archivist")
    page = client.get(f"/console/places/{live.code}").get_data(as_text=True)
    assert "审核通过并发布修改" in page
    assert client.post(f"/console/places/{live.code}/approve", data={"comment": "同意"}).status_code == 303
    db.session.expire_all()
    assert live.story == "暴动后建立了农民协会。" and live.draft is None
    assert "农民协会" in client.get(f"/places/{live.code}").get_data(as_text=True)
    assert "有未发布的修改" not in client.get(f"/console/places/{live.code}").get_data(as_text=True)


def test_return_and_discard_pending_changes(client, login_as, make_user, live):
    """A reviewer returns the changes with a comment (shown to the editor); the editor discards them."""
    author = make_user(roles=("archivist",))
    services.save_place(dict(live.snapshot(), story="待审的故事"), author, live)
    services.submit_for_review(live, author)
    login_as("archivist")
    assert (
        client.post(f"/console/places/{live.code}/return", data={"comment": "请核对年份"}).status_code == 303
    )
    login_as("archivist")
    assert "请核对年份" in client.get(f"/console/places/{live.code}/edit").get_data(as_text=True)
    assert (
        client.post(f"/console/places/{live.code}/changes/discard", data={"confirm": "yes"}).status_code
        == 303
    )
    db.session.expire_all()
    assert live.draft is None and live.story == "联络站多次掩护八路军伤员转移。"


def test_discarding_pending_changes_asks_first(client, login_as, make_user, live):
    """Without JS, 放弃修改 asks on a page naming the entry; only confirm=yes (with CSRF) drops the changes."""
    services.save_place(dict(live.snapshot(), story="待发布的故事"), make_user(roles=("archivist",)), live)
    login_as("archivist")
    url, back = f"/console/places/{live.code}/changes/discard", f"/console/places/{live.code}"
    question = "确定放弃“垛庄暴动旧址”（ZQ-9301）未发布的修改吗？"
    assert f'hx-confirm="{question}这些修改将被删除，已发布版本不受影响' in client.get(back).get_data(
        as_text=True
    )
    html = asks_first(client, url, question)
    assert back_link(html) == back
    assert client.post(url, data={"confirm": "yes"}, csrf=False).status_code == 400
    db.session.expire_all()
    assert live.draft is not None
    response = client.post(url, data={"confirm": "yes"})
    assert response.status_code == 303 and response.headers["Location"] == back
    db.session.expire_all()
    assert live.draft is None and live.story == "联络站多次掩护八路军伤员转移。"
    assert "已放弃未发布的修改。" in client.get(back).get_data(as_text=True)
    assert client.get("/console/places/ZQ-0000/changes/discard").status_code == 404


def test_restore_on_published_entry_creates_pending_changes(client, login_as, make_user, live):
    """Restoring an old revision of a published entry leaves the public page as it is."""
    user = make_user(roles=("archivist",))
    services.save_place(dict(live.snapshot(), story="第二版"), user, live)
    services.submit_for_review(live, user)
    services.approve(live, make_user(roles=("admin",)))
    assert live.story == "第二版"
    first = live.revisions[-1]
    login_as("archivist")
    response = client.post(f"/console/places/{live.code}/history/{first.id}/restore", data={"confirm": "yes"})
    assert response.status_code == 303
    assert "保存为未发布的修改" in client.get(response.location).get_data(as_text=True)
    db.session.expire_all()
    assert live.story == "第二版" and live.draft.snapshot["story"] == "联络站多次掩护八路军伤员转移。"
    assert "第二版" in client.get(f"/places/{live.code}").get_data(as_text=True)


def test_console_times_are_china_time(client, login_as, live):
    """History, diff and detail pages show UTC instants in Asia/Shanghai (UTC 17:30 → next day 01:30)."""
    login_as("archivist")
    revision = live.revisions[0]
    revision.created_at = datetime(2026, 3, 1, 17, 30, tzinfo=UTC)
    live.updated_at = datetime(2026, 3, 1, 17, 30, tzinfo=UTC)
    db.session.commit()
    history = client.get(f"/console/places/{live.code}/history").get_data(as_text=True)
    assert "2026-03-02 01:30" in history and "2026-03-01 17:30" not in history
    diff = client.get(f"/console/places/{live.code}/history/{revision.id}").get_data(as_text=True)
    assert "2026-03-02 01:30" in diff
    detail = client.get(f"/console/places/{live.code}").get_data(as_text=True)
    assert "2026-03-02 01:30" in detail


def test_status_only_revision_page_compares_the_latest_content_change(client, login_as, make_place):
    """The page of 提交审核 (status only) compares with the revision before the last content change."""
    user = login_as("archivist")
    place = make_place(user, code="ZQ-9302")
    services.save_place(dict(place.snapshot(), story="改写的故事"), user, place)
    services.submit_for_review(place, user)
    submitted, created = place.revisions[0], place.revisions[-1]
    page = client.get(f"/console/places/{place.code}/history/{submitted.id}").get_data(as_text=True)
    assert "这个版本只改变了状态" in page and f"对比版本 #{created.id}" in page
    assert "红色故事" in page and "<ins>" in page
    chosen = client.get(
        f"/console/places/{place.code}/history/{submitted.id}?against={place.revisions[1].id}"
    )
    assert "这个版本只改变了状态" not in chosen.get_data(as_text=True)  # an explicit choice is kept


def test_entries_with_fresh_pending_changes_come_first(client, login_as, make_place, live):
    """The console list orders by the latest work, pending changes included."""
    user = login_as("archivist")
    make_place(user, code="ZQ-9303", name="后来新建的条目")
    services.save_place(dict(live.snapshot(), story="刚改的"), user, live)
    listing = client.get("/console/places/").get_data(as_text=True)
    assert listing.index(live.code) < listing.index("ZQ-9303")
