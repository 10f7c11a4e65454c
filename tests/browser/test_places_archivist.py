"""Archivist journey at 390×844: import a CSV with errors, read the report, fix it, import, edit, submit;
a second archivist approves."""

import re

import pytest
from playwright.sync_api import expect

from app.places import services
from app.places.rules import COLUMNS
from tests.places.samples import make_place, place_data

PASSWORD = "archivist-browser-pw-2026"
HEADER = ",".join(COLUMNS)
ROWS = [
    "ZQ-0801,大峪口渡口,俗称:老渡口,革命遗址,黄河,大峪口村,,117.4701,37.0212,解放战争时期,明代设渡。,"
    "1947 年支前渡口。,民工冒雨摆渡运粮。,《章丘黄河志》（示例）,黄河地名文化,未定级",
    "ZQ-0802,西营烈士墓,,烈士陵园,明水,西营村,,117.536,36.7237,抗日战争时期,,,,,英烈纪念,区级文物保护单位",
]


@pytest.fixture
def archivists(app, make_user):
    author = make_user(roles=("archivist",), username="b-archivist", password=PASSWORD)
    reviewer = make_user(roles=("archivist",), username="b-reviewer", password=PASSWORD)
    return author, reviewer


def _csv(rows) -> dict:
    data = ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")
    return {"name": "地名.csv", "mimeType": "text/csv", "buffer": data}


def test_import_fix_edit_submit_and_second_archivist_approves(
    page, archivists, browser_login, axe_violations
):
    """The whole archivist journey, with axe checks on each console page type."""
    browser_login(page, "b-archivist", PASSWORD)

    page.goto("/console/places/import")
    assert axe_violations(page) == []
    bad = [ROWS[0].replace("37.0212", "200"), ROWS[1].replace("烈士陵园", "陵墓")]
    page.set_input_files("#file", _csv(bad))
    page.get_by_role("button", name="检查文件").click()
    expect(page.locator("h1")).to_have_text("导入检查结果")
    report = page.locator("table.pc-report")
    expect(report).to_contain_text("latitude（纬度）")
    expect(report).to_contain_text("超出范围")
    expect(report).to_contain_text("category（类别）")
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
    assert axe_violations(page) == []

    page.get_by_role("link", name="重新上传").click()
    page.set_input_files("#file", _csv(ROWS))
    page.get_by_role("button", name="检查文件").click()
    expect(page.locator(".alert-success")).to_contain_text("将新建 2 条")
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator("h1")).to_have_text("导入完成")
    assert services.get_place("ZQ-0801").status == "draft"

    page.goto("/console/places/")
    page.fill("#pc-q", "dayukou")  # live search (htmx) by pinyin; the URL follows the query
    expect(page.locator("#place-results")).to_contain_text("共 1 条")
    expect(page).to_have_url(re.compile(r"q=dayukou"))
    assert axe_violations(page) == []
    page.get_by_role("link", name=re.compile("大峪口渡口")).click()
    expect(page.locator("h1")).to_contain_text("大峪口渡口")
    assert axe_violations(page) == []
    page.get_by_role("link", name="编辑").click()
    expect(page.locator("#place-form")).to_be_visible()
    assert axe_violations(page) == []
    page.fill("#story", "1947 年夏，民工冒雨摆渡运粮，支援前线。")
    page.get_by_role("button", name="再加一行出处").click()
    expect(page.locator("#sources-2-citation")).to_be_visible()
    page.fill("#sources-2-citation", "老船工口述（示例）")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".flashes")).to_contain_text("已保存")
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator(".badge").first).to_have_text("待审核")
    expect(page.locator(".pc-actions")).to_contain_text("不能审核自己提交的条目")

    page.get_by_role("button", name="退出登录").click()
    expect(page.locator(".flashes")).to_contain_text("已安全退出")  # logout done before signing in again
    browser_login(page, "b-reviewer", PASSWORD)
    page.goto("/console/places/?status=in_review")
    page.get_by_role("link", name=re.compile("大峪口渡口")).click()
    page.fill("#comment", "资料齐全，同意发布。")
    page.get_by_role("button", name="审核通过并发布").click()
    expect(page.locator(".badge").first).to_have_text("已发布")
    place = services.get_place("ZQ-0801")
    assert place.status == "published" and place.story.startswith("1947 年夏")
    assert [s.citation for s in place.sources][-1] == "老船工口述（示例）"

    page.goto("/console/places/ZQ-0801/history")
    expect(page.locator(".pc-history li")).to_have_count(4)  # 导入, 保存, 提交审核, 审核通过并发布
    assert axe_violations(page) == []


def test_photos_and_history_pages(page, archivists, browser_login, axe_violations):
    """Upload two photos (caption from the Chinese file name), reorder with htmx, view a diff; axe clean."""
    import io

    from PIL import Image

    author, _ = archivists
    place = make_place(author, code="ZQ-0811")
    services.save_place(place_data(code="ZQ-0811", story="改写后的红色故事。"), author, place)

    def jpeg(color):
        out = io.BytesIO()
        Image.new("RGB", (800, 600), color).save(out, "JPEG")
        return out.getvalue()

    browser_login(page, "b-archivist", PASSWORD)
    page.goto("/console/places/ZQ-0811/photos")
    for name, color in (("联络站正门.jpg", (160, 30, 30)), ("院内全景.jpg", (30, 90, 160))):
        page.set_input_files("#photo", {"name": name, "mimeType": "image/jpeg", "buffer": jpeg(color)})
        page.get_by_role("button", name="上传照片").click()
        expect(page.locator(".flashes")).to_contain_text("已上传")
    captions = page.locator(".pc-photos input[name=caption]")
    expect(captions.nth(0)).to_have_value("联络站正门")
    assert axe_violations(page) == []
    page.get_by_role("button", name="上移：院内全景").click()
    expect(captions.nth(0)).to_have_value("院内全景")

    page.set_input_files(
        "#photo", {"name": "evil.jpg", "mimeType": "image/jpeg", "buffer": b"<?php echo 1; ?>"}
    )
    page.get_by_role("button", name="上传照片").click()
    expect(page.locator(".error-summary")).to_contain_text("JPEG、PNG 或 WebP")

    page.goto("/console/places/ZQ-0811/history")
    page.get_by_role("link", name="查看改动").first.click()
    expect(page.locator(".pc-diff")).to_contain_text("红色故事")
    assert axe_violations(page) == []
