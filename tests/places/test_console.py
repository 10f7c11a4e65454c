"""Archivist console routes: role matrix, fragments vs full pages, forms, workflow, photos, import, export."""

import io

import pytest
from openpyxl import load_workbook

from app.extensions import db
from app.places import photos, services
from app.places.models import PlaceName
from app.places.rules import COLUMN_LABELS, COLUMNS
from tests.places.samples import GOOD, csv_bytes, jpeg_with_gps, png_bomb
from tests.web.confirming import asks_first, back_link

HX = {"HX-Request": "true"}


def form_data(**overrides):
    data = {
        "code": "ZQ-9301",
        "name": "垛庄暴动旧址",
        "pinyin": "",
        "category": "革命遗址",
        "town": "垛庄镇",
        "village": "",
        "address": "",
        "longitude": "117.482",
        "latitude": "36.499",
        "era": "土地革命战争时期",
        "protection_level": "",
        "origin": "",
        "history": "",
        "story": "1932 年农民暴动。",
        "persons": "张三；李四",
        "events": "",
        "aliases-0-name": "垛庄",
        "aliases-0-kind": "简称",
        "aliases-1-name": "",
        "aliases-1-kind": "曾用名",
        "sources-0-citation": "《章丘党史》（示例）",
        "sources-0-url": "https://example.org/s",
        "sources-0-note": "",
        "themes-0-name": "抗战红色足迹",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", ["editor", "counselor"])
@pytest.mark.parametrize(
    "path", ["/console/places/", "/console/places/new", "/console/places/import", "/console/places/export"]
)
def test_other_roles_get_403(client, login_as, role, path):
    """Editors and counselors are refused (403), also for htmx requests."""
    login_as(role)
    assert client.get(path).status_code == 403
    assert client.get(path, headers=HX).status_code == 403


def test_anonymous_is_sent_to_login(client):
    """Anonymous visitors are redirected to the login page."""
    response = client.get("/console/places/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_list_full_page_and_fragment(client, login_as, make_place):
    """The list answers a full page normally and only the results fragment to htmx; status filter works."""
    user = login_as("archivist")
    make_place(user)
    make_place(user, code="ZQ-9002", name="另一处旧址")
    services.submit_for_review(services.get_place("ZQ-9002"), user)
    page = client.get("/console/places/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<html" in html and "三德范抗日联络站旧址" in html
    assert page.headers["Vary"].find("HX-Request") >= 0
    fragment = client.get("/console/places/?status=in_review", headers=HX).get_data(as_text=True)
    assert "<html" not in fragment and "另一处旧址" in fragment and "三德范" not in fragment
    found = client.get("/console/places/?q=sandefan", headers=HX).get_data(as_text=True)
    assert "三德范抗日联络站旧址" in found


def test_admin_may_use_console(client, login_as):
    """Admins may use the console too."""
    login_as("admin")
    assert client.get("/console/places/").status_code == 200


def test_create_with_rows_and_warnings(client, login_as):
    """Creating saves rows (aliases, sources, themes), redirects to the entry and warns outside Zhangqiu."""
    login_as("archivist")
    response = client.post("/console/places/new", data=form_data(longitude="116.4", latitude="39.9"))
    assert response.status_code == 303
    place = services.get_place("ZQ-9301")
    assert [(a.name, a.kind) for a in place.aliases] == [("垛庄", "简称")]
    assert place.sources[0].url == "https://example.org/s"
    assert place.persons == ["张三", "李四"]
    assert place.pinyin == "duǒ zhuāng bào dòng jiù zhǐ"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "不在章丘区范围内" in page


def test_form_errors_keep_input_and_422(client, login_as):
    """Invalid input re-renders with 422, an error summary, and the typed values kept."""
    login_as("archivist")
    response = client.post(
        "/console/places/new", data=form_data(code="ZQ 9!", latitude="200", name="保留的名字")
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "error-summary" in html and "纬度应在 -90 到 90 之间" in html and "保留的名字" in html
    assert db.session.query(PlaceName).count() == 0


def test_duplicate_code_is_a_form_error(client, login_as, make_place):
    """A taken code is shown next to the code field."""
    user = login_as("archivist")
    make_place(user, code="ZQ-9301")
    response = client.post("/console/places/new", data=form_data())
    assert response.status_code == 422
    assert "编号 ZQ-9301 已被其他条目使用" in response.get_data(as_text=True)


def test_add_and_remove_rows_without_js_and_with_htmx(client, login_as):
    """'再加一行' adds a row (full page without JS, form fragment with htmx); '删除' removes one."""
    login_as("archivist")
    page = client.post("/console/places/new", data=form_data(add_row="sources"))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<html" in html and 'name="sources-2-citation"' in html
    fragment = client.post("/console/places/new", data=form_data(add_row="aliases"), headers=HX)
    html = fragment.get_data(as_text=True)
    assert "<html" not in html and 'id="place-form"' in html and 'name="aliases-2-name"' in html
    removed = client.post("/console/places/new", data=form_data(remove_row="aliases:0"), headers=HX)
    html = removed.get_data(as_text=True)
    assert 'value="垛庄"' not in html
    assert db.session.query(PlaceName).count() == 0


def test_inline_checks(client, login_as, make_place):
    """Inline checks: duplicate code is an error, same name in the same 镇街 and far coordinates warn."""
    user = login_as("archivist")
    make_place(user)
    code = client.post("/console/places/check/code", data={"code": "zq-9001"}, headers=HX).get_data(
        as_text=True
    )
    assert "已被其他条目使用" in code
    assert "编号可用" in client.post(
        "/console/places/check/code", data={"code": "ZQ-7777"}, headers=HX
    ).get_data(as_text=True)
    name = client.post(
        "/console/places/check/name", data={"name": "三德范抗日联络站旧址", "town": "文祖街道"}, headers=HX
    ).get_data(as_text=True)
    assert "同一镇街已有同名条目" in name
    coords = client.post(
        "/console/places/check/coordinates", data={"longitude": "36.5", "latitude": "117.4"}, headers=HX
    ).get_data(as_text=True)
    assert "超出范围" in coords
    far = client.post(
        "/console/places/check/coordinates", data={"longitude": "116.4", "latitude": "39.9"}, headers=HX
    ).get_data(as_text=True)
    assert "不在章丘区范围内" in far
    pinyin = client.post("/console/places/pinyin", data={"name": "明水"}, headers=HX).get_data(as_text=True)
    assert "míng shuǐ" in pinyin


def test_edit_submit_and_approval_by_second_archivist(client, login_as, make_user, make_place):
    """The author edits and submits; cannot approve; a second archivist approves through the console."""
    author = login_as("archivist")
    place = make_place(author)
    data = form_data(code=place.code, name="三德范联络站旧址")
    assert client.post(f"/console/places/{place.code}/edit", data=data).status_code == 303
    assert client.post(f"/console/places/{place.code}/submit").status_code == 303
    refused = client.post(f"/console/places/{place.code}/approve")
    assert refused.status_code == 303 and refused.location.endswith(f"/console/places/{place.code}")
    assert "不能审核自己提交的条目" in client.get(refused.location).get_data(as_text=True)
    locked = client.get(f"/console/places/{place.code}/edit")
    assert locked.status_code == 303
    login_as("archivist")
    assert client.post(f"/console/places/{place.code}/approve", data={"comment": "同意"}).status_code == 303
    db.session.refresh(place)
    assert place.status == "published" and place.name == "三德范联络站旧址"


def test_return_needs_comment(client, login_as, make_user, make_place):
    """Returning without a comment is refused; with a comment the entry is a draft again."""
    author = make_user(roles=("archivist",))
    place = make_place(author)
    services.submit_for_review(place, author)
    login_as("archivist")
    refused = client.post(f"/console/places/{place.code}/return", data={"comment": ""})
    assert refused.status_code == 303  # post/redirect/get: a reload of the page the browser shows is a GET
    page = client.get(refused.location)
    assert page.status_code == 200 and "退回时请填写审核意见" in page.get_data(as_text=True)
    assert "退回时请填写审核意见" not in client.get(refused.location).get_data(as_text=True)  # shown once
    assert (
        client.post(f"/console/places/{place.code}/return", data={"comment": "补充出处"}).status_code == 303
    )
    db.session.refresh(place)
    assert place.status == "draft" and place.review_comment == "补充出处"


def test_archive_history_diff_restore(client, login_as, make_user, make_place):
    """Archive hides the entry; history lists versions; diff shows changes; restore adds a version."""
    user = login_as("archivist")
    place = make_place(user)
    services.save_place(dict(place.snapshot(), story="改写后的故事"), user, place)
    first, latest = place.revisions[-1], place.revisions[0]
    history = client.get(f"/console/places/{place.code}/history").get_data(as_text=True)
    assert f"#{first.id}" in history and "恢复到此版本" in history
    diff = client.get(f"/console/places/{place.code}/history/{latest.id}").get_data(as_text=True)
    assert "红色故事" in diff and "<ins>" in diff
    assert client.get(f"/console/places/{place.code}/history/999999").status_code == 404
    restore = client.post(f"/console/places/{place.code}/history/{first.id}/restore", data={"confirm": "yes"})
    assert restore.status_code == 303
    db.session.refresh(place)
    assert place.story == "联络站多次掩护八路军伤员转移。" and len(place.revisions) == 3
    assert client.post(f"/console/places/{place.code}/archive", data={"confirm": "yes"}).status_code == 303
    db.session.refresh(place)
    assert place.status == "archived"


def test_archiving_asks_first(client, login_as, make_place):
    """Without JS, 归档 asks on a page naming the entry; only confirm=yes (with CSRF) archives it."""
    user = login_as("archivist")
    place = make_place(user)
    url, back = f"/console/places/{place.code}/archive", f"/console/places/{place.code}"
    question = f"确定归档“{place.name}”（{place.code}）吗？"
    assert f'hx-confirm="{question}归档后公众页面不再显示' in client.get(back).get_data(as_text=True)
    html = asks_first(client, url, question)
    assert back_link(html) == back
    assert client.post(url, data={"confirm": "yes"}, csrf=False).status_code == 400
    db.session.refresh(place)
    assert place.status == "draft"
    response = client.post(url, data={"confirm": "yes"})
    assert response.status_code == 303 and response.headers["Location"] == back
    db.session.refresh(place)
    assert place.status == "archived"
    assert "已归档，公众页面不再显示。" in client.get(back).get_data(as_text=True)
    assert client.get("/console/places/ZQ-0000/archive").status_code == 404
    assert client.post("/console/places/ZQ-0000/archive", data={}).status_code == 404


def test_restoring_a_revision_asks_first(client, login_as, make_place):
    """Without JS, 恢复到此版本 asks on a page naming the entry and the version; only confirm=yes restores."""
    user = login_as("archivist")
    place = make_place(user)
    services.save_place(dict(place.snapshot(), story="改写后的故事"), user, place)
    first = place.revisions[-1]
    url, back = (
        f"/console/places/{place.code}/history/{first.id}/restore",
        f"/console/places/{place.code}/history",
    )
    question = f"确定把“{place.name}”（{place.code}）的内容恢复到版本 #{first.id} 吗？"
    assert f'hx-confirm="{question}恢复的内容作为新版本保存' in client.get(back).get_data(as_text=True)
    html = asks_first(client, url, question)
    assert back_link(html) == back
    assert client.post(url, data={"confirm": "yes"}, csrf=False).status_code == 400
    db.session.refresh(place)
    assert place.story == "改写后的故事" and len(place.revisions) == 2
    response = client.post(url, data={"confirm": "yes"})
    assert response.status_code == 303 and response.headers["Location"] == f"/console/places/{place.code}"
    db.session.refresh(place)
    assert place.story == "联络站多次掩护八路军伤员转移。" and len(place.revisions) == 3
    assert f"已恢复到版本 #{first.id}" in client.get(response.location).get_data(as_text=True)
    for missing in (
        f"/console/places/{place.code}/history/987654/restore",
        f"/console/places/ZQ-0000/history/{first.id}/restore",
    ):
        assert client.get(missing).status_code == 404, missing
        assert client.post(missing, data={}).status_code == 404, missing


def test_deleting_a_photo_asks_first(client, login_as, make_place):
    """Without JS, 删除 asks on a page naming the photo (its caption, else its file name); only confirm=yes
    (with CSRF) deletes it; an htmx post without the answer is sent to that page."""
    user = login_as("archivist")
    place = make_place(user)
    photo = photos.store_photo(place, jpeg_with_gps(320, 240), "正门.jpg")
    url, back = (
        f"/console/places/{place.code}/photos/{photo.id}/delete",
        f"/console/places/{place.code}/photos",
    )
    question = f"确定要删除“{place.name}”（{place.code}）的照片“正门”吗？"
    assert f'hx-confirm="{question}' in client.get(back).get_data(as_text=True)
    html = asks_first(client, url, question)
    assert back_link(html) == back
    assert client.post(url, data={}, headers=HX).headers.get("HX-Redirect") == url
    assert client.post(url, data={"confirm": "yes"}, csrf=False).status_code == 400
    photos.update_photo(photo, "", "")
    assert f"的照片“{photo.filename}”吗？" in client.get(url).get_data(as_text=True)
    db.session.refresh(place)
    assert len(place.photos) == 1
    response = client.post(url, data={"confirm": "yes"})
    assert response.status_code == 303 and response.headers["Location"] == back
    db.session.refresh(place)
    assert place.photos == []
    assert "照片已删除。" in client.get(back).get_data(as_text=True)
    assert client.get(f"{back}/987654/delete").status_code == 404
    other = make_place(user, code="ZQ-9302", name="另一处旧址")
    elsewhere = photos.store_photo(other, jpeg_with_gps(320, 240), "侧门.jpg")
    assert client.get(f"{back}/{elsewhere.id}/delete").status_code == 404  # another entry's photo
    assert client.post(f"{back}/{elsewhere.id}/delete", data={"confirm": "yes"}).status_code == 404


@pytest.mark.parametrize("role", ["editor", "counselor"])
def test_other_roles_cannot_reach_the_confirmations(client, login_as, make_user, make_place, role):
    """Editors and counselors get 403 on the confirmation pages and on the confirmed posts."""
    author = make_user(roles=("archivist",))
    place = make_place(author)
    photo = photos.store_photo(place, jpeg_with_gps(320, 240), "正门.jpg")
    revision = place.revisions[-1]
    login_as(role)
    for action in (
        "archive",
        "changes/discard",
        f"photos/{photo.id}/delete",
        f"history/{revision.id}/restore",
    ):
        url = f"/console/places/{place.code}/{action}"
        assert client.get(url).status_code == 403, url
        assert client.post(url, data={"confirm": "yes"}).status_code == 403, url
    db.session.refresh(place)
    assert place.status == "draft" and len(place.photos) == 1


def test_unknown_code_is_404(client, login_as):
    """Unknown codes in console URLs are a Chinese 404."""
    login_as("archivist")
    for path in ("/console/places/ZQ-0000", "/console/places/ZQ-0000/edit", "/console/places/ZQ-0000/photos"):
        response = client.get(path)
        assert response.status_code == 404 and "页面不存在" in response.get_data(as_text=True)


def test_photo_upload_refusals_and_management(client, login_as, make_place):
    """Uploads: real JPEG stored; SVG/PHP refused 422; bomb 413; move and delete via htmx."""
    user = login_as("archivist")
    place = make_place(user)
    url = f"/console/places/{place.code}/photos"
    svg = client.post(
        url, data={"photo": (io.BytesIO(b"<svg xmlns='http://www.w3.org/2000/svg'/>"), "a.svg")}
    )
    assert svg.status_code == 422 and "JPEG、PNG 或 WebP" in svg.get_data(as_text=True)
    php = client.post(url, data={"photo": (io.BytesIO(b"<?php echo 1; ?>"), "shell.jpg")})
    assert php.status_code == 422
    bomb = client.post(url, data={"photo": (io.BytesIO(png_bomb()), "big.png")})
    assert bomb.status_code == 413 and "图片尺寸太大" in bomb.get_data(as_text=True)
    for name in ("正门.jpg", "院内.jpg"):
        assert (
            client.post(url, data={"photo": (io.BytesIO(jpeg_with_gps(640, 480)), name)}).status_code == 303
        )
    db.session.refresh(place)
    first, second = place.photos
    assert first.caption == "正门"
    served = client.get(f"/console/places/files/{first.thumb_filename}")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    served.close()
    assert client.get("/console/places/files/..%2Fsecret").status_code == 404
    moved = client.post(f"{url}/{second.id}/move", data={"direction": "up"}, headers=HX)
    assert moved.status_code == 200 and "<html" not in moved.get_data(as_text=True)
    db.session.refresh(place)
    assert [p.id for p in place.photos] == [second.id, first.id]
    page = client.get(url).get_data(as_text=True)
    assert "<html" in page and "院内" in page
    assert client.post(f"{url}/{first.id}/delete", data={"confirm": "yes"}).status_code == 303
    db.session.refresh(place)
    assert [p.id for p in place.photos] == [second.id]


def test_50mb_upload_is_413_with_the_limit(client, login_as, make_place):
    """A 50 MB upload is refused with a Chinese 413 page stating the limits."""
    user = login_as("archivist")
    place = make_place(user)
    boundary = "zqboundary"
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename="big.jpg"\r\n\r\n'
    body = head.encode() + b"\xff\xd8" + b"\x00" * (50 * 1024 * 1024) + f"\r\n--{boundary}--\r\n".encode()
    response = client.post(
        f"/console/places/{place.code}/photos",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "16 MB" in html and "10 MB" in html


def test_import_dry_run_then_confirm(client, login_as):
    """Upload with errors → 422 report by row/column, nothing written; a clean file redirects to its report
    at GET /import/<token>; confirming redirects back there, which then shows the result (reload-safe)."""
    login_as("archivist")
    bad = csv_bytes(GOOD[0].replace("37.0212", "200"), GOOD[1])
    response = client.post("/console/places/import", data={"file": (io.BytesIO(bad), "bad.csv")})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "latitude（纬度）" in html and "超出范围" in html and "确认导入" not in html
    good = csv_bytes(*GOOD)
    response = client.post("/console/places/import", data={"file": (io.BytesIO(good), "good.csv")})
    assert response.status_code == 303
    report_url = response.location
    assert report_url.startswith("/console/places/import/")
    for _ in range(2):  # the report page is a GET: a reload shows it again
        page = client.get(report_url)
        assert page.status_code == 200 and "将新建 2 条" in page.get_data(as_text=True)
    assert db.session.query(PlaceName).count() == 0
    done = client.post(report_url)
    assert done.status_code == 303 and done.location == report_url
    assert services.get_place("ZQ-0101").status == "draft"
    for _ in range(2):  # reloading the page the browser ends on shows the result, never a 405
        result = client.get(report_url)
        assert result.status_code == 200 and "新建 2 条" in result.get_data(as_text=True)
    again = client.post(report_url)  # the form sent twice: nothing is imported twice
    assert again.status_code == 303 and db.session.query(PlaceName).count() == 2
    assert client.post("/console/places/import/not-a-token").status_code == 404
    assert client.get("/console/places/import/" + "0" * 32).status_code == 404


def test_import_token_belongs_to_uploader(client, login_as):
    """Another archivist can neither see nor confirm someone else's upload."""
    login_as("archivist")
    response = client.post(
        "/console/places/import", data={"file": (io.BytesIO(csv_bytes(*GOOD)), "good.csv")}
    )
    login_as("archivist")
    assert client.get(response.location).status_code == 403
    assert client.post(response.location).status_code == 403


def test_import_accepts_chinese_headers(client, login_as):
    """A header of Chinese labels (编号, 标准名称 …; 村(社区) with half-width brackets too) imports."""
    login_as("archivist")
    labels = [COLUMN_LABELS[c] for c in COLUMNS]
    labels[labels.index("村（社区）")] = "村(社区)"
    data = csv_bytes(*GOOD, header=",".join(labels))
    response = client.post("/console/places/import", data={"file": (io.BytesIO(data), "中文表头.csv")})
    assert response.status_code == 303
    assert "将新建 2 条" in client.get(response.location).get_data(as_text=True)
    client.post(response.location)
    assert services.get_place("ZQ-0101").village == "大峪口村"


def test_import_templates_download_and_import_back(client, login_as):
    """CSV and XLSX templates carry the Chinese header; the XLSX has the reference lists as sheet 2;
    a filled-in template passes the check."""
    login_as("archivist")
    csv_response = client.get("/console/places/import-template.csv")
    assert csv_response.status_code == 200 and "attachment" in csv_response.headers["Content-Disposition"]
    header = csv_response.get_data().decode("utf-8-sig").strip()
    assert header.startswith("编号,标准名称,别名,类别,镇街")
    xlsx = client.get("/console/places/import-template.xlsx")
    workbook = load_workbook(io.BytesIO(xlsx.get_data()))
    assert workbook.sheetnames == ["红色地名", "参考列表"]
    refs = [[c.value for c in col] for col in workbook["参考列表"].iter_cols()]
    by_heading = {col[0]: [v for v in col[1:] if v] for col in refs}
    assert "革命遗址" in by_heading["类别"] and "抗日战争时期" in by_heading["时期"]
    assert "未定级" in by_heading["保护级别"] and len(by_heading["镇街"]) == 18
    sheet = workbook["红色地名"]
    sheet.append(GOOD[1].split(","))
    filled = io.BytesIO()
    workbook.save(filled)
    response = client.post("/console/places/import", data={"file": (io.BytesIO(filled.getvalue()), "t.xlsx")})
    assert response.status_code == 303
    assert "将新建 1 条" in client.get(response.location).get_data(as_text=True)
    assert client.get("/console/places/import-template.pdf").status_code == 404


def test_several_photos_in_one_upload_keep_the_good_ones(client, login_as, make_place):
    """Several files in one upload: each is checked on its own; a bad one is named and the good ones stay."""
    user = login_as("archivist")
    place = make_place(user)
    url = f"/console/places/{place.code}/photos"
    files = [
        (io.BytesIO(jpeg_with_gps(640, 480)), "正门.jpg"),
        (io.BytesIO(b"<?php echo 1; ?>"), "shell.jpg"),
        (io.BytesIO(jpeg_with_gps(480, 640)), "碑文.jpg"),
    ]
    response = client.post(url, data={"photo": files})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "1 个文件没有上传" in html and "“shell.jpg”：" in html
    assert "已上传 2 张照片" in html
    db.session.refresh(place)
    assert [p.caption for p in place.photos] == ["正门", "碑文"]
    both = [(io.BytesIO(jpeg_with_gps(320, 240)), "a.jpg"), (io.BytesIO(jpeg_with_gps(320, 240)), "b.jpg")]
    assert client.post(url, data={"photo": both}).status_code == 303
    assert "multiple" in client.get(url).get_data(as_text=True)
    too_long = client.post(f"{url}/{place.photos[0].id}", data={"caption": "长" * 201, "credit": ""})
    assert too_long.status_code == 303  # post/redirect/get: the browser ends on the photos page, a GET
    assert "说明最多 200 个字" in client.get(too_long.location).get_data(as_text=True)


def test_export_downloads(client, login_as, make_user, make_place, publish):
    """Export links download every entry with status in each format."""
    user = login_as("archivist")
    place = make_place(user)
    publish(place, user, make_user(roles=("archivist",)))
    csv_response = client.get("/console/places/export?format=csv")
    assert csv_response.status_code == 200
    assert "attachment" in csv_response.headers["Content-Disposition"]
    assert "published" in csv_response.get_data().decode("utf-8-sig")
    for fmt in ("xlsx", "json", "geojson"):
        assert client.get(f"/console/places/export?format={fmt}").status_code == 200
    assert client.get("/console/places/export?format=exe").status_code == 404


def test_console_tile_for_archivists_only(client, login_as):
    """The /console/ home shows the archive tile to archivists, not to editors."""
    login_as("archivist")
    assert "红色地名档案" in client.get("/console/").get_data(as_text=True)
    login_as("editor")
    assert "红色地名档案" not in client.get("/console/").get_data(as_text=True)
