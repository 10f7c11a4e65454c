"""Editor console: access, the article form (errors, preview, publish, schedule), revisions, FAQ."""

from datetime import timedelta

import pytest

from app.extensions import db
from app.policies import services
from app.policies.models import Article, Faq
from app.web.time import CHINA_TZ, utcnow
from tests.web.confirming import asks_first, back_link


def _form(**overrides):
    data = {
        "kind": "policy",
        "title": "章丘区婚事新办倡导标准",
        "topic": "婚事新办",
        "summary": "摘要",
        "plain_language": "婚宴不超过 15 桌。",
        "body": "## 一、婚宴\n\n从简办理。",
        "doc_number": "章民发〔2023〕30号",
        "issuer": "济南市章丘区民政局",
        "written_on": "2023-06-08",
        "published_on": "",
        "validity": "现行有效",
        "replaced_by_id": "",
        "policy_id": "",
        "venue": "",
        "source": "测试",
        "publish_at": "",
        "action": "save",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "url",
    [
        "/console/policies/",
        "/console/policies/new?kind=policy",
        "/console/policies/faq/",
        "/console/policies/faq/new",
    ],
)
def test_console_needs_editor_role(client, login_as, url):
    """Anonymous visitors go to the login page; other roles get 403; editors get the page."""
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login_as("counselor")
    assert client.get(url).status_code == 403
    login_as("editor")
    response = client.get(url)
    assert response.status_code == 200 and 'name="robots" content="noindex' in response.get_data(as_text=True)


def test_console_tile_for_editors(client, login_as):
    """The console home shows the policies tiles to editors."""
    login_as("editor")
    html = client.get("/console/").get_data(as_text=True)
    assert "婚俗改革政策" in html and "常见问题" in html


def test_new_form_offers_kind_specific_fields(client, login_as):
    """The policy form has the 公文 fields; the news form has the 七进 venue instead."""
    login_as("editor")
    policy = client.get("/console/policies/new?kind=policy").get_data(as_text=True)
    assert "公文信息" in policy and 'name="doc_number"' in policy and 'name="venue"' not in policy
    news = client.get("/console/policies/new?kind=news").get_data(as_text=True)
    assert 'name="venue"' in news and 'name="doc_number"' not in news


def test_save_draft_then_publish(client, login_as):
    """Saving makes a draft (404 publicly); publishing makes the same URL public."""
    login_as("editor")
    response = client.post("/console/policies/new", data=_form())
    assert response.status_code == 303
    article = db.session.scalar(db.select(Article))
    assert article.state_label == "草稿"
    assert client.get(f"/policies/{article.slug}").status_code == 404
    response = client.post(f"/console/policies/{article.id}/edit", data=_form(action="publish"))
    assert response.status_code == 303
    page = client.get(f"/policies/{article.slug}")
    assert page.status_code == 200 and "婚事新办倡导标准" in page.get_data(as_text=True)


def test_missing_title_keeps_input_with_422(client, login_as):
    """A missing title re-renders the form with 422, the message next to the field and every value kept."""
    login_as("editor")
    response = client.post("/console/policies/new", data=_form(title="", body="我写了很多字"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "error-summary" in html and "请填写标题。" in html
    assert 'id="title-error"' in html
    assert "我写了很多字" in html and "章民发〔2023〕30号" in html
    assert db.session.scalar(db.select(db.func.count()).select_from(Article)) == 0


def test_wrong_doc_number_gets_hint(client, login_as):
    """A 文号 with square brackets is refused with the corrected suggestion; the input is kept."""
    login_as("editor")
    response = client.post("/console/policies/new", data=_form(doc_number="章民发[2023]12号"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "您是不是要填“章民发〔2023〕12号”" in html and 'value="章民发[2023]12号"' in html


def test_duplicate_doc_number_is_422(client, login_as, make_article):
    """A 文号 already in use is refused next to the field."""
    make_article(doc_number="章民发〔2023〕30号", title="已有文件")
    login_as("editor")
    response = client.post("/console/policies/new", data=_form())
    assert response.status_code == 422
    assert "已被《已有文件》使用" in response.get_data(as_text=True)


def test_schedule_in_past_is_422_and_future_is_scheduled(client, login_as):
    """Scheduling needs a future Beijing time; a future time schedules the article."""
    login_as("editor")
    past = (utcnow() - timedelta(hours=1)).astimezone(CHINA_TZ).strftime("%Y-%m-%dT%H:%M")
    response = client.post("/console/policies/new", data=_form(action="schedule", publish_at=past))
    assert response.status_code == 422 and "必须晚于现在" in response.get_data(as_text=True)
    future_local = (utcnow() + timedelta(days=1)).astimezone(CHINA_TZ).replace(second=0, microsecond=0)
    response = client.post(
        "/console/policies/new",
        data=_form(action="schedule", publish_at=future_local.strftime("%Y-%m-%dT%H:%M")),
    )
    assert response.status_code == 303
    article = db.session.scalar(db.select(Article))
    assert article.is_scheduled()
    assert article.publish_at.replace(tzinfo=article.publish_at.tzinfo or CHINA_TZ) is not None
    edit = client.get(f"/console/policies/{article.id}/edit").get_data(as_text=True)
    assert "定时发布" in edit and future_local.strftime("%Y-%m-%dT%H:%M") in edit
    assert client.get(f"/policies/{article.slug}").status_code == 404


def test_interpretation_linked_to_draft_is_422(client, login_as, make_article):
    """Linking an interpretation to a draft policy is refused with a clear message."""
    draft = make_article(action="save", title="还没发布的政策")
    login_as("editor")
    response = client.post(
        "/console/policies/new",
        data=_form(kind="interpretation", title="解读", policy_id=str(draft.id), doc_number=""),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "只能关联已发布的政策文件" in html and "【未发布】" in html


@pytest.mark.parametrize(
    "payload",
    ["<script>alert(1)</script>", "[点我](javascript:alert(1))", '<div hx-get="/console/users/">x</div>'],
)
def test_script_payloads_in_body_are_422(client, login_as, payload):
    """Markdown bodies with HTML, htmx attributes or script links are refused and shown back escaped."""
    login_as("editor")
    response = client.post("/console/policies/new", data=_form(body=payload))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "正文（Markdown）：正文不能包含" in html
    if "<" in payload:
        assert payload not in html and payload.replace("<", "&lt;").replace(">", "&gt;")[:12] in html
    else:
        assert payload in html  # kept for the editor to fix


def test_ten_megabyte_body_is_413(client, login_as):
    """A 10 MB submission is refused with 413 and a Chinese message, never a 500."""
    login_as("editor")
    response = client.post("/console/policies/new", data=_form(body="长" * (10 * 1024 * 1024 // 3)))
    assert response.status_code == 413
    assert "提交的内容太大" in response.get_data(as_text=True)


def test_overlong_body_below_request_limit_is_422(client, login_as):
    """A body over the character limit but under the request limit gets a field message."""
    login_as("editor")
    response = client.post("/console/policies/new", data=_form(body="字" * 30_001))
    assert response.status_code == 422 and "正文不能超过 30000 字" in response.get_data(as_text=True)


def test_live_preview_fragment_and_full_page(client, login_as):
    """The preview endpoint renders sanitised Markdown: a fragment for htmx, a page otherwise."""
    login_as("editor")
    data = _form(body="**加粗** <script>x</script>", plain_language="对我的影响")
    fragment = client.post("/console/policies/preview", data=data, headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in html
    assert "<strong>加粗</strong>" in html and "<script>" not in html and "这对我意味着什么" in html
    full = client.post("/console/policies/preview", data=data)
    assert full.status_code == 200 and "<html" in full.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Article)) == 0


def test_preview_button_without_javascript(client, login_as):
    """The 预览 button re-renders the form with the preview and saves nothing."""
    login_as("editor")
    response = client.post("/console/policies/new", data=_form(action="preview", body="# 小标题"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<h2>小标题</h2>" in html
    assert db.session.scalar(db.select(db.func.count()).select_from(Article)) == 0


def test_revisions_diff_and_restore(client, login_as, make_article):
    """History lists versions; the diff is escaped; restoring a draft's old content makes a new version."""
    article = make_article(action="save", title="<b>原标题</b>", body="第一版正文")
    login_as("editor")
    data = _form(title="新标题", body="第二版正文", doc_number=article.doc_number, topic=article.topic)
    assert client.post(f"/console/policies/{article.id}/edit", data=data).status_code == 303
    history = client.get(f"/console/policies/{article.id}/revisions").get_data(as_text=True)
    assert "第 2 版" in history and "第 1 版" in history and "恢复第 1 版" in history
    diff = client.get(f"/console/policies/{article.id}/diff?a=1&b=2")
    html = diff.get_data(as_text=True)
    assert diff.status_code == 200
    assert "&lt;b&gt;原标题&lt;/b&gt;" in html and "<b>原标题</b>" not in html
    assert "diff-del" in html and "第二版正文" in html
    assert client.get(f"/console/policies/{article.id}/diff?a=1&b=9").status_code == 404
    response = client.post(f"/console/policies/{article.id}/revisions/1/restore", data={"confirm": "yes"})
    assert response.status_code == 303
    db.session.refresh(article)
    assert article.body == "第一版正文" and article.revisions[0].action == "恢复第 1 版"
    assert (
        client.post(
            f"/console/policies/{article.id}/revisions/99/restore", data={"confirm": "yes"}
        ).status_code
        == 404
    )


def test_unpublish_hides_the_page(client, login_as, make_article):
    """撤回发布 turns the article back into a draft; its public URL answers 404."""
    article = make_article()
    login_as("editor")
    assert (
        client.post(f"/console/policies/{article.id}/unpublish", data={"confirm": "yes"}).status_code == 303
    )
    assert client.get(f"/policies/{article.slug}").status_code == 404


def test_unknown_article_is_404(client, login_as):
    """Console URLs for unknown ids are 404."""
    login_as("editor")
    assert client.get("/console/policies/999/edit").status_code == 404
    assert client.get("/console/policies/999/revisions").status_code == 404


def test_console_list_filters(client, login_as, make_article):
    """The editor list shows drafts and published items and filters by state."""
    make_article(title="已发布的甲")
    make_article(title="草稿乙", action="save")
    login_as("editor")
    html = client.get("/console/policies/").get_data(as_text=True)
    assert "已发布的甲" in html and "草稿乙" in html
    html = client.get("/console/policies/?state=draft").get_data(as_text=True)
    assert "草稿乙" in html and "已发布的甲" not in html


def test_faq_create_errors_and_edit(client, login_as):
    """FAQ form: missing fields are 422 with messages; valid input saves and appears publicly."""
    login_as("editor")
    response = client.post(
        "/console/policies/faq/new", data={"question": "", "answer": "", "topic": "彩礼治理"}
    )
    assert response.status_code == 422 and "请填写问题。" in response.get_data(as_text=True)
    response = client.post(
        "/console/policies/faq/new",
        data={"question": "彩礼有标准吗？", "answer": "有。", "topic": "彩礼治理"},
    )
    assert response.status_code == 303
    faq = db.session.scalar(db.select(Faq))
    response = client.post(
        f"/console/policies/faq/{faq.id}/edit",
        data={"question": "彩礼有上限吗？", "answer": "有。", "topic": "彩礼治理"},
    )
    assert response.status_code == 303
    assert "彩礼有上限吗？" in client.get("/policies/faq").get_data(as_text=True)


def test_faq_move_plain_and_htmx(client, login_as, make_faq):
    """上移/下移 work as plain POSTs (redirect) and as htmx requests (the list fragment)."""
    first, second = make_faq("问题一"), make_faq("问题二")
    login_as("editor")
    response = client.post(f"/console/policies/faq/{second.id}/move", data={"direction": "up"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Faq, second.id).position < db.session.get(Faq, first.id).position
    fragment = client.post(
        f"/console/policies/faq/{second.id}/move", data={"direction": "down"}, headers={"HX-Request": "true"}
    )
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in html and 'id="faq-console"' in html
    assert html.index("问题一") < html.index("问题二")
    assert (
        client.post(f"/console/policies/faq/{first.id}/move", data={"direction": "sideways"}).status_code
        == 400
    )


def test_faq_delete(client, login_as, make_faq):
    """Deleting an FAQ entry removes it from the public page."""
    faq = make_faq("要删除的问题")
    login_as("editor")
    assert client.post(f"/console/policies/faq/{faq.id}/delete", data={"confirm": "yes"}).status_code == 303
    assert "要删除的问题" not in client.get("/policies/faq").get_data(as_text=True)


def test_tampered_or_odd_input_never_500(client, login_as, make_article):
    """Missing kind, forged kind, bad dates and ids give a page, a 400 or a 422, never a 500."""
    login_as("editor")
    assert client.get("/console/policies/new").status_code == 200
    assert client.get("/console/policies/new?kind=evil").status_code == 200
    assert client.post("/console/policies/new", data=_form(kind="evil")).status_code == 400
    for field, value in [
        ("written_on", "2024-13-45"),
        ("replaced_by_id", "abc"),
        ("publish_at", "tomorrow"),
        ("topic", "x"),
    ]:
        response = client.post("/console/policies/new", data=_form(**{field: value}))
        assert response.status_code == 422, field
    response = client.post("/console/policies/new", data=_form(written_on="2024-13-45"))
    assert "不是有效的日期值" in response.get_data(as_text=True)
    article = make_article()
    assert client.get(f"/console/policies/{article.id}/diff?a=x&b=1").status_code == 404
    assert client.post("/console/policies/preview", data={"body": "x", "kind": "evil"}).status_code == 200


def test_unpublishing_asks_first(client, login_as, make_article):
    """Without JS, 撤回发布 asks on a page naming the article; only confirm=yes (with CSRF) takes it down."""
    article = make_article(title="婚事新办倡导标准")
    login_as("editor")
    url, back = f"/console/policies/{article.id}/unpublish", f"/console/policies/{article.id}/edit"
    question = "确定撤回“婚事新办倡导标准”的发布吗？"
    assert f'hx-confirm="{question}撤回后公开页面不再显示' in client.get(back).get_data(as_text=True)
    html = asks_first(client, url, question)
    assert "也不会出现在搜索结果里" in html
    assert back_link(html) == back
    assert client.post(url, data={"confirm": "yes"}, csrf=False).status_code == 400
    assert client.get(f"/policies/{article.slug}").status_code == 200
    response = client.post(url, data={"confirm": "yes"})
    assert response.status_code == 303 and response.headers["Location"] == back
    assert "已撤回发布" in client.get(back).get_data(as_text=True)
    assert client.get(f"/policies/{article.slug}").status_code == 404
    assert client.get("/console/policies/987654/unpublish").status_code == 404
    assert client.post("/console/policies/987654/unpublish", data={"confirm": "yes"}).status_code == 404


def test_unpublishing_a_scheduled_article_says_it_will_not_appear(client, login_as, make_article):
    """撤回发布 of a scheduled article: the question says the schedule is cancelled; confirm=yes cancels it."""
    article = make_article(title="定时的通知", action="schedule", publish_at=utcnow() + timedelta(days=2))
    login_as("editor")
    url = f"/console/policies/{article.id}/unpublish"
    html = asks_first(client, url, "确定撤回“定时的通知”的发布吗？")
    assert "撤回后定时发布取消，到时间也不会公开" in html
    assert client.post(url, data={"confirm": "yes"}).status_code == 303
    db.session.expire_all()
    assert not db.session.get(Article, article.id).published


def test_restoring_a_revision_asks_first(client, login_as, make_article, editor):
    """Without JS, 恢复第 N 版 asks on a page naming the article and the version; only confirm=yes restores."""
    article = make_article(action="save", title="婚宴标准", body="第一版正文")
    services.save_article(article, article.snapshot() | {"body": "第二版正文"}, "save", editor)
    login_as("editor")
    url, back = (
        f"/console/policies/{article.id}/revisions/1/restore",
        f"/console/policies/{article.id}/revisions",
    )
    question = "确定把“婚宴标准”恢复到第 1 版吗？"
    assert f'hx-confirm="{question}' in client.get(back).get_data(as_text=True)
    diff = client.get(f"/console/policies/{article.id}/diff?a=1&b=2").get_data(as_text=True)
    assert f'hx-confirm="{question}' in diff
    html = asks_first(client, url, question)
    assert back_link(html) == back
    assert client.post(url, data={"confirm": "yes"}, csrf=False).status_code == 400
    db.session.refresh(article)
    assert article.body == "第二版正文" and len(article.revisions) == 2
    response = client.post(url, data={"confirm": "yes"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/console/policies/{article.id}/edit"
    db.session.refresh(article)
    assert article.body == "第一版正文" and len(article.revisions) == 3
    assert "已恢复第 1 版的内容" in client.get(response.location).get_data(as_text=True)
    for missing in (
        f"/console/policies/{article.id}/revisions/99/restore",
        "/console/policies/987654/revisions/1/restore",
    ):
        assert client.get(missing).status_code == 404, missing
        assert client.post(missing, data={"confirm": "yes"}).status_code == 404, missing


def test_deleting_an_faq_entry_asks_first(client, login_as, make_faq):
    """Without JS, 删除这个问题 asks on a page naming the question; only confirm=yes (with CSRF) deletes it."""
    faq = make_faq("彩礼可以退吗？")
    login_as("editor")
    url, back = f"/console/policies/faq/{faq.id}/delete", f"/console/policies/faq/{faq.id}/edit"
    question = "确定要删除常见问题“彩礼可以退吗？”吗？"
    assert f'hx-confirm="{question}' in client.get(back).get_data(as_text=True)
    html = asks_first(client, url, question)
    assert back_link(html) == back
    assert client.post(url, data={"confirm": "yes"}, csrf=False).status_code == 400
    assert db.session.get(Faq, faq.id) is not None
    response = client.post(url, data={"confirm": "yes"})
    assert response.status_code == 303 and response.headers["Location"] == "/console/policies/faq/"
    db.session.expire_all()
    assert db.session.get(Faq, faq.id) is None
    assert "常见问题已删除。" in client.get("/console/policies/faq/").get_data(as_text=True)
    assert client.get("/console/policies/faq/987654/delete").status_code == 404
    assert client.post("/console/policies/faq/987654/delete", data={"confirm": "yes"}).status_code == 404


@pytest.mark.parametrize("role", ["admin", "counselor", "archivist"])
def test_other_roles_cannot_reach_the_confirmations(client, login_as, make_article, make_faq, role):
    """Only editors reach the confirmation pages and the confirmed posts; everyone else gets 403."""
    article = make_article()
    faq = make_faq("谁都不能删的问题")
    login_as(role)
    for url in (
        f"/console/policies/{article.id}/unpublish",
        f"/console/policies/{article.id}/changes/discard",
        f"/console/policies/{article.id}/revisions/1/restore",
        f"/console/policies/faq/{faq.id}/delete",
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url, data={"confirm": "yes"}).status_code == 403, url
    db.session.expire_all()
    assert db.session.get(Article, article.id).is_public() and db.session.get(Faq, faq.id) is not None
