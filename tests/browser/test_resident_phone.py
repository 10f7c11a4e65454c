"""Issue 11 at 390×844: pages open at their top with the <h1> focused, back restores list forms, the elder
home shows the hotline first, the mode switch keeps typed input, no-JS back after a step-4 error works."""

import io
import re
from datetime import time

import pytest
from PIL import Image

from app.places.photos import store_photo
from app.policies import services as policy_services
from app.search import reset_index
from tests.browser.conftest import CONTEXT_OPTIONS
from tests.hotline.factories import create_slot
from tests.places.samples import add_place

# Links, buttons and controls outside running text, with their heights; text below 18 px (for 长辈模式).
SWEEP_JS = r"""(minH) => {
  const running = el => el.tagName === 'A' && getComputedStyle(el).display === 'inline' && (() => {
    const block = el.parentElement.closest('p,li,dd,td,dt,figcaption,label');
    return !!block && block.innerText.replace(/\s/g, '').length > el.innerText.replace(/\s/g, '').length + 1;
  })();
  const targets = [];
  document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary').forEach(el => {
    if (!el.offsetParent || el.closest('.hp-field, .visually-hidden') || el.classList.contains('skip-link')) return;
    if (running(el)) return;
    let h = el.getBoundingClientRect().height;
    if (el.type === 'checkbox' || el.type === 'radio') {
      const label = el.closest('label') || document.querySelector(`label[for="${el.id}"]`);
      if (label) h = Math.max(h, label.getBoundingClientRect().height);
    }
    targets.push({text: (el.innerText || el.name || el.id || '').trim().slice(0, 16), h: Math.round(h)});
  });
  const small = Array.from(document.querySelectorAll('header *, main *')).filter(el => el.offsetParent
      && Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim())
      && parseFloat(getComputedStyle(el).fontSize) < 18).map(el => el.className || el.tagName);
  return {targets, small};
}"""
FOCUSED_H1 = "() => document.activeElement && document.activeElement.tagName === 'H1'"


@pytest.fixture
def town_places(app):
    """Enough published places in two towns for a list longer than the screen."""
    reset_index(app)
    for n in range(6):
        town = "明水街道" if n % 2 else "文祖街道"
        add_place(f"烈士纪念地{n:02d}", code=f"ZQ-07{n:02d}", town=town, category="纪念设施")
    return "ZQ-0701"


@pytest.fixture
def policy_pages(app, make_user):
    """One published policy and one FAQ entry, through the real services."""
    editor = make_user(roles=("editor",), username="sweep-editor", password="sweep-editor-password-1")
    data = {
        "kind": "policy",
        "title": "关于治理高额彩礼的指导意见",
        "topic": "彩礼治理",
        "summary": "摘要",
        "plain_language": "提倡不要彩礼。",
        "body": "## 参考标准\n\n正文。",
        "issuer": "章丘区民政局",
        "validity": "现行有效",
        "doc_number": "章民发〔2024〕6号",
    }
    article = policy_services.save_article(None, data, "publish", editor)
    policy_services.save_faq(None, "彩礼有标准吗？", "有参考标准。", "彩礼治理")
    return article


@pytest.fixture
def fast_booking(live_server, monkeypatch):
    """The live server's 2-second bot check off, so the journeys need no sleeps."""
    monkeypatch.setitem(live_server.app.config, "HOTLINE_MIN_FORM_SECONDS", 0)


def _boosted_nav_lands_on_top(page, link):
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    assert page.evaluate("window.scrollY") > 200
    link.click()
    page.wait_for_function(FOCUSED_H1)
    assert page.evaluate("window.scrollY") == 0


@pytest.mark.slow
def test_boosted_navigation_opens_at_top_with_h1_focused(page, town_places, fast_booking):
    """A boosted link or booking step opens at the top with focus on <h1>; a live search keeps its place."""
    create_slot(at=time(9))
    # a header search is a boosted swap: the new page's stylesheet arrives and 「正在搜索…」 is not left showing
    page.goto("/")
    page.locator("#site-q").fill("烈士")
    page.locator("#site-q").press("Enter")
    page.wait_for_url("**/search?q=*")
    page.wait_for_function(
        "() => getComputedStyle(document.getElementById('search-busy')).display === 'none'"
    )
    page.get_by_role("link", name="红色地名").first.click()
    page.wait_for_function("() => document.querySelector('link[rel=stylesheet][href*=\"places\"]')")
    page.goto("/places/?town=明水街道")
    page.evaluate("window.__sameDocument = true")
    _boosted_nav_lands_on_top(page, page.locator(".place-link").last)
    assert page.evaluate("window.__sameDocument === true")  # it was a boosted swap, not a reload
    assert re.search(r"/places/ZQ-07\d\d$", page.url)
    # live results swap into the list: position and focus stay where the resident is
    page.goto("/places/")
    page.locator("#place-q").fill("烈士")
    page.wait_for_url(re.compile(r"q=%E7%83%88"))
    assert page.evaluate("document.activeElement.id") == "place-q"
    # booking steps (boosted form posts) open at the top as well
    page.goto("/hotline/")
    _boosted_nav_lands_on_top(page, page.get_by_role("link", name="开始预约"))
    page.get_by_label("家庭矛盾纠纷").check()
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.get_by_role("button", name="继续").click()
    page.wait_for_url("**/hotline/book/mode")
    page.wait_for_function(FOCUSED_H1)
    assert page.evaluate("window.scrollY") == 0


def test_back_restores_list_forms_from_the_url(page, town_places, app):
    """Places and policies: after opening an item and pressing back, the form matches the results shown."""
    page.goto("/places/")
    page.locator("details.filters summary").click()
    page.locator("#place-q").fill("烈士")
    page.select_option("#f-town", "明水街道")
    page.wait_for_url(re.compile(r"town=%E6%98%8E"))
    page.wait_for_selector(".place-link")
    page.locator(".place-link").first.click()
    page.wait_for_function(FOCUSED_H1)
    page.go_back()
    page.wait_for_url(re.compile(r"town=%E6%98%8E"))
    page.wait_for_function("() => document.getElementById('f-town').value === '明水街道'")
    assert page.locator("#place-q").input_value() == "烈士"
    # policies: kind select and search text
    page.goto("/policies/?q=彩礼&kind=policy")
    page.goto("/policies/faq")  # a boosted visit elsewhere, then back
    page.go_back()
    assert page.locator("#policy-q").input_value() == "彩礼"


def test_elder_home_shows_the_hotline_first(elder_page, axe_violations):
    """In 长辈模式 the first screen of / holds the 拨打热线 tel: button and 在线预约."""
    elder_page.goto("/")
    tel = elder_page.locator(".hotline-first a[href^='tel:']")
    book = elder_page.locator(".hotline-first a", has_text="在线预约")
    for link in (tel, book):
        box = link.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= 844, box
        assert box["height"] >= 48
    assert axe_violations(elder_page) == []
    # switched on from the home page itself, the hotline box appears too
    elder_page.get_by_role("button", name="标准模式").click()
    elder_page.wait_for_selector("html:not(.elder)", state="attached")
    assert elder_page.locator(".hotline-first").count() == 0
    elder_page.get_by_role("button", name="长辈模式").click()
    elder_page.wait_for_selector(".hotline-first a[href^='tel:']")


def test_mode_switch_keeps_typed_input(page, fast_booking, axe_violations):
    """Switching 长辈模式 on at booking step 4 keeps the page and the typed nickname; the cookie remembers it."""
    create_slot(at=time(9))
    page.goto("/hotline/book")
    page.get_by_label("家庭矛盾纠纷").check()
    page.get_by_role("button", name="继续").click()
    page.get_by_label("电话回访").check()
    page.get_by_role("button", name="继续").click()
    page.wait_for_url("**/hotline/book/time")
    page.locator("label.slot-choice, label[for^='slot-']").first.click()
    page.get_by_role("button", name="继续").click()
    page.wait_for_url("**/hotline/book/details")
    page.get_by_label("怎么称呼您").fill("王阿姨")
    page.get_by_role("button", name="长辈模式").click()
    page.wait_for_selector("html.elder", state="attached")
    assert page.get_by_label("怎么称呼您").input_value() == "王阿姨"
    assert page.url.endswith("/hotline/book/details")
    assert page.get_by_role("button", name="标准模式").get_attribute("aria-pressed") == "true"
    assert axe_violations(page) == []
    page.reload()
    assert "elder" in (page.locator("html").get_attribute("class") or "")


def test_no_js_back_after_a_step_4_error(browser, live_server, fast_booking, town_places):
    """Without JS: a step-4 error is a GET page (kept input, errors), so back after fixing it never fails;
    the places list offers the 镇街 select, not a dead 附近 button."""
    create_slot(at=time(9))
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, **CONTEXT_OPTIONS)
    try:
        pg = context.new_page()
        pg.goto("/places/")
        assert not pg.locator("#near-me").is_visible()
        assert pg.locator("#f-near option", has_text="明水街道附近").count() == 1
        pg.goto("/hotline/book")
        pg.get_by_label("家庭矛盾纠纷").check()
        pg.get_by_role("button", name="继续").click()
        pg.get_by_label("电话回访").check()
        pg.get_by_role("button", name="继续").click()
        pg.locator("input[name=slot_id]").first.check()
        pg.get_by_role("button", name="继续").click()
        pg.wait_for_url("**/hotline/book/details")
        pg.get_by_label("怎么称呼您").fill("李先生")
        pg.get_by_label("手机号码").fill("0531-83212345")
        pg.get_by_role("button", name="继续").click()
        assert pg.url.endswith("/hotline/book/details")  # redirected to a GET
        assert pg.locator(".error-summary").is_visible()
        assert pg.get_by_label("怎么称呼您").input_value() == "李先生"
        assert pg.locator(".landline-help a[href^='tel:']").count() == 1
        pg.get_by_label("手机号码").fill("13812341234")
        pg.get_by_role("button", name="继续").click()
        pg.wait_for_url("**/hotline/book/consent")
        response = pg.go_back()
        assert response is not None and response.status < 500
        assert pg.url.endswith("/hotline/book/details")
        assert pg.get_by_label("怎么称呼您").input_value() == "李先生"
    finally:
        context.close()


@pytest.mark.slow
def test_tap_targets_and_text_sizes_on_public_pages(page, elder_page, town_places, policy_pages):
    """Every link, button and control outside running text is >= 44 px tall (>= 48 px in 长辈模式), and no
    text in 长辈模式 is below 18 px, on each public page."""
    urls = [
        "/",
        "/policies/",
        f"/policies/{policy_pages.slug}",
        "/policies/faq",
        "/hotline/",
        "/hotline/book",
        "/hotline/manage",
        "/places/",
        f"/places/{town_places}",
        "/places/themes/",
        "/search?q=烈士",
    ]
    problems, figures = [], []
    for mode, pg, minimum in (("normal", page, 44), ("elder", elder_page, 48)):
        for url in urls:
            pg.goto(url)
            pg.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
            found = pg.evaluate(SWEEP_JS)
            heights = [t["h"] for t in found["targets"]]
            figures.append(f"{mode} {url}: {len(heights)} targets, min {min(heights)} px")
            problems += [f"{mode} {url}: {t}" for t in found["targets"] if t["h"] < minimum]
            if mode == "elder":
                problems += [f"elder {url}: text < 18 px in {cls}" for cls in found["small"]]
    print("\n".join(figures))
    assert problems == []


# speechSynthesis stand-in: records what would be spoken; window.__endUtterance() finishes the current one.
SPEECH_STUB = """(() => {
  const lang = window.__voiceLang || 'zh-CN';
  window.__spoken = []; window.__calls = [];
  let current = null;
  const synth = {
    getVoices: () => [{lang: lang, name: 'stub ' + lang}],
    speak(u) { window.__spoken.push(u.text); window.__calls.push('speak'); current = u; },
    pause() { window.__calls.push('pause'); }, resume() { window.__calls.push('resume'); },
    cancel() { window.__calls.push('cancel'); current = null; },
    addEventListener() {},
  };
  window.__endUtterance = () => { const u = current; current = null; if (u && u.onend) u.onend(); };
  Object.defineProperty(window, 'speechSynthesis', {value: synth, configurable: true});
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
})()"""


def test_read_aloud_speaks_sentences_with_pause_and_stop(
    browser, live_server, elder_page, town_places, axe_violations
):
    """「朗读全文」 reads the title and text sentence by sentence in zh-CN, highlights the sentence, pauses,
    resumes and stops; it is absent without a Chinese voice and without JS, and larger in 长辈模式."""
    place = f"/places/{town_places}"
    add_place("三德范村", code="ZQ-0790", story="抗战时期全村参军参战。被誉为抗日模范村！")
    context = browser.new_context(base_url=live_server.url, **CONTEXT_OPTIONS)
    try:
        pg = context.new_page()
        pg.add_init_script(SPEECH_STUB)
        pg.goto("/places/")
        pg.locator(".place-link", has_text="三德范村").click()  # boosted: the script is loaded after the swap
        pg.wait_for_url("**/places/ZQ-0790")
        pg.get_by_role("button", name="朗读全文").click()
        assert pg.evaluate("window.__spoken") == ["三德范村"]
        assert pg.evaluate("CSS.highlights.get('read-aloud') !== undefined")
        for _ in range(20):  # 地名来历, 历史沿革, then the 红色故事 heading and its first sentence
            if pg.evaluate("window.__spoken")[-1] == "抗战时期全村参军参战。":
                break
            pg.evaluate("window.__endUtterance()")
        spoken = pg.evaluate("window.__spoken")
        assert spoken[-2:] == ["红色故事", "抗战时期全村参军参战。"] and "地名来历" in spoken
        assert pg.evaluate("CSS.highlights.get('read-aloud').values().next().value.toString()") == spoken[-1]
        pg.get_by_role("button", name="暂停").click()
        assert pg.evaluate("window.__calls").count("pause") == 1
        pg.get_by_role("button", name="继续朗读").click()
        assert "resume" in pg.evaluate("window.__calls")
        pg.evaluate("window.__endUtterance()")
        assert pg.evaluate("window.__spoken")[-1] == "被誉为抗日模范村！"
        pg.get_by_role("button", name="停止").click()
        assert pg.evaluate("CSS.highlights.has('read-aloud')") is False
        assert pg.get_by_role("button", name="朗读全文").is_visible()
        # no Chinese voice: no button
        other = context.new_page()
        other.add_init_script("window.__voiceLang = 'en-US'")
        other.add_init_script(SPEECH_STUB)
        other.goto(place)
        other.wait_for_load_state("networkidle")
        assert other.locator(".read-aloud-bar").count() == 0
    finally:
        context.close()
    nojs = browser.new_context(base_url=live_server.url, java_script_enabled=False, **CONTEXT_OPTIONS)
    try:
        pg = nojs.new_page()
        pg.goto(place)
        assert pg.locator(".read-aloud-bar, button:has-text('朗读全文')").count() == 0
    finally:
        nojs.close()
    elder_page.add_init_script(SPEECH_STUB)
    elder_page.goto(place)
    assert elder_page.get_by_role("button", name="朗读全文").bounding_box()["height"] >= 60
    assert axe_violations(elder_page) == []


def test_photo_opens_in_a_lightbox_and_closes(page, app, axe_violations):
    """With JS a photo tap opens it large with its caption over the page; 关闭 returns to the place."""
    place = add_place("照片灯箱测试地", code="ZQ-0795")
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (160, 30, 30)).save(out, "PNG")
    store_photo(place, out.getvalue(), "门.png", caption="旧址正门", credit="示例图片")
    page.goto("/places/ZQ-0795")
    page.locator(".photo-grid a").first.click()
    dialog = page.locator("dialog.lightbox")
    assert dialog.is_visible() and "旧址正门" in dialog.inner_text()
    assert axe_violations(page) == []
    page.get_by_role("button", name="关闭").click()
    dialog.wait_for(state="detached")
    assert page.url.endswith("/places/ZQ-0795")
    page.goto(page.locator(".photo-grid a").first.get_attribute("href"))  # the no-JS target: the photo page
    assert page.locator("h1").inner_text() == "旧址正门" and axe_violations(page) == []
