"""Editor console for pending changes (issue 13): 有未发布的修改, diff, 发布修改, 放弃修改, restore, approval."""

from datetime import timedelta

import pytest

from app.extensions import db
from app.policies import services
from app.web.time import CHINA_TZ, utcnow
from tests.policies.test_console import _form
from tests.web.confirming import asks_first, back_link


@pytest.fixture
def live(make_article):
    """A published policy whose body the tests change."""
    return make_article(title="婚宴标准", doc_number="章民发〔2023〕30号", body="不超过 15 桌。")


def _edit(client, article, action="save", **changes):
    """POST the edit form with the article's current field values plus ``changes``."""
    current = {k: ("" if v is None else str(v)) for k, v in article.snapshot().items()}
    data = _form(**current, action=action)
    data.update(changes)
    return client.post(f"/console/policies/{article.id}/edit", data=data)


def test_edit_of_live_article_waits_as_a_draft(client, login_as, live):
    """保存修改: the public page and the API keep the live text; the console shows the change and its diff."""
    login_as("editor")
    response = _edit(client, live, body="不办流水席。")
    assert response.status_code == 303
    page = client.get(f"/console/policies/{live.id}/edit").get_data(as_text=True)
    assert "修改已保存，尚未发布" in page and "有未发布的修改" in page
    assert (
        '<ins class="diff-line diff-ins"><span class="visually-hidden">新增：</span>不办流水席。</ins>'
        in page
    )
    assert "不办流水席。</textarea>" in page  # the form continues from the draft, not from the live text
    listing = client.get("/console/policies/?state=pending").get_data(as_text=True)
    assert "婚宴标准" in listing and "有未发布的修改" in listing and "修改了：正文" in listing
    assert "15 桌" in client.get(f"/policies/{live.slug}").get_data(as_text=True)
    assert "流水席" not in client.get(f"/policies/{live.slug}").get_data(as_text=True)
    assert client.get(f"/api/v1/policies/{live.slug}").get_json()["body_markdown"] == "不超过 15 桌。"
    assert "流水席" not in client.get("/sitemap.xml").get_data(as_text=True)
    assert client.get("/api/v1/policies?q=流水席").get_json()["items"] == []


def test_publish_changes_makes_them_public(client, login_as, live):
    """发布修改 puts the draft live: public page and API show it; the panel is gone."""
    login_as("editor")
    _edit(client, live, body="不办流水席。")
    response = client.post(f"/console/policies/{live.id}/changes/publish")
    assert response.status_code == 303
    page = client.get(f"/console/policies/{live.id}/edit").get_data(as_text=True)
    assert "修改已发布" in page and 'id="pending-changes"' not in page
    assert "不办流水席" in client.get(f"/policies/{live.slug}").get_data(as_text=True)
    assert client.get(f"/api/v1/policies/{live.slug}").get_json()["body_markdown"] == "不办流水席。"
    assert [i["slug"] for i in client.get("/api/v1/policies?q=流水席").get_json()["items"]] == [live.slug]


def test_discard_changes(client, login_as, live):
    """放弃修改 drops the draft; a second discard explains there is nothing to drop."""
    login_as("editor")
    _edit(client, live, body="不办流水席。")
    assert (
        client.post(f"/console/policies/{live.id}/changes/discard", data={"confirm": "yes"}).status_code
        == 303
    )
    db.session.expire_all()
    assert live.draft is None and live.body == "不超过 15 桌。"
    client.post(f"/console/policies/{live.id}/changes/discard", data={"confirm": "yes"})
    assert "没有未发布的修改" in client.get(f"/console/policies/{live.id}/edit").get_data(as_text=True)


def test_discarding_pending_changes_asks_first(client, login_as, live):
    """Without JS, 放弃修改 asks on a page naming the article; only confirm=yes (with CSRF) drops the changes."""
    login_as("editor")
    _edit(client, live, body="不办流水席。")
    url, back = f"/console/policies/{live.id}/changes/discard", f"/console/policies/{live.id}/edit"
    question = "确定放弃“婚宴标准”未发布的修改吗？"
    assert f'hx-confirm="{question}这些修改将被删除' in client.get(back).get_data(as_text=True)
    html = asks_first(client, url, question)
    assert "公开页面和搜索结果仍是已发布的版本" in html
    assert back_link(html) == back
    assert client.post(url, data={"confirm": "yes"}, csrf=False).status_code == 400
    db.session.expire_all()
    assert live.draft is not None
    response = client.post(url, data={"confirm": "yes"})
    assert response.status_code == 303 and response.headers["Location"] == back
    db.session.expire_all()
    assert live.draft is None and live.body == "不超过 15 桌。"
    assert "已放弃未发布的修改" in client.get(back).get_data(as_text=True)
    assert "15 桌" in client.get(f"/policies/{live.slug}").get_data(as_text=True)
    assert client.get("/console/policies/987654/changes/discard").status_code == 404
    assert client.post("/console/policies/987654/changes/discard", data={"confirm": "yes"}).status_code == 404


def test_restore_on_live_article_creates_a_draft(client, login_as, live, editor):
    """恢复第 1 版 of a published article proposes that version; the public page keeps the current one."""
    services.save_article(live, live.snapshot() | {"body": "第二版"}, "publish", editor)
    login_as("editor")
    assert (
        client.post(f"/console/policies/{live.id}/revisions/1/restore", data={"confirm": "yes"}).status_code
        == 303
    )
    page = client.get(f"/console/policies/{live.id}/edit").get_data(as_text=True)
    assert "作为未发布的修改" in page and "有未发布的修改" in page
    assert "第二版" in client.get(f"/policies/{live.slug}").get_data(as_text=True)


def test_second_editor_must_publish(app, client, login_as, live):
    """With POLICIES_REQUIRE_SECOND_EDITOR the last author sees no 发布修改 and is refused; another editor publishes."""
    app.config["POLICIES_REQUIRE_SECOND_EDITOR"] = True
    login_as("editor", username="author-editor")
    page = client.get(f"/console/policies/{live.id}/edit").get_data(as_text=True)
    assert "保存并发布修改" not in page and "已开启双人审核" in page
    assert _edit(client, live, action="publish", body="自己发布").status_code == 422
    _edit(client, live, body="请审核")
    page = client.get(f"/console/policies/{live.id}/edit").get_data(as_text=True)
    assert ">发布修改</button>" not in page and "需要另一位编辑审核" in page
    client.post(f"/console/policies/{live.id}/changes/publish")
    db.session.expire_all()
    assert live.body == "不超过 15 桌。"
    login_as("editor", username="approving-editor")
    assert ">发布修改</button>" in client.get(f"/console/policies/{live.id}/edit").get_data(as_text=True)
    client.post(f"/console/policies/{live.id}/changes/publish")
    db.session.expire_all()
    assert live.body == "请审核" and live.draft is None


def test_revisions_page_preselects_the_latest_content_change(client, login_as, live, editor):
    """After 撤回发布 the default comparison is the last content change, not two equal versions."""
    services.save_article(live, live.snapshot() | {"body": "第二版"}, "publish", editor)
    services.unpublish_article(live, editor)
    login_as("editor")
    html = client.get(f"/console/policies/{live.id}/revisions").get_data(as_text=True)
    assert 'name="a" value="1" form="diff-form" checked' in html
    assert 'name="b" value="2" form="diff-form" checked' in html
    assert 'name="b" value="3" form="diff-form" checked' not in html


def test_buttons_follow_the_article_state(client, login_as, make_article, live):
    """New and draft articles offer 保存草稿/立即发布; a live one offers 保存修改 and 保存并发布修改."""
    login_as("editor")
    draft = make_article(action="save")
    for url in ("/console/policies/new?kind=policy", f"/console/policies/{draft.id}/edit"):
        page = client.get(url).get_data(as_text=True)
        assert ">保存草稿</button>" in page and ">立即发布</button>" in page and 'id="live-hint"' not in page
    page = client.get(f"/console/policies/{live.id}/edit").get_data(as_text=True)
    assert ">保存修改</button>" in page and ">保存并发布修改</button>" in page and 'id="live-hint"' in page


def test_schedule_a_change_from_the_form(client, login_as, live):
    """定时发布修改 keeps the live page and shows when the change takes effect (the form keeps the time)."""
    login_as("editor")
    when = (utcnow() + timedelta(days=1)).astimezone(CHINA_TZ).strftime("%Y-%m-%dT%H:%M")
    assert _edit(client, live, action="schedule", body="明天生效。", publish_at=when).status_code == 303
    page = client.get(f"/console/policies/{live.id}/edit").get_data(as_text=True)
    assert "修改已设置定时发布" in page and "生效。" in page and f'value="{when}"' in page
    assert "15 桌" in client.get(f"/policies/{live.slug}").get_data(as_text=True)
