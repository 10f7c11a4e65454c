"""Cacheable public pages: no session on them, ETag/304, Cache-Control per page kind, the page cache."""

import re

import pytest

from app import create_app
from app.extensions import db
from app.policies import services
from app.web import caching

PUBLIC_PATHS = ["/", "/policies/", "/policies/faq", "/places/", "/places/themes/", "/search?q=彩礼"]
# Views that choose their own public caching on purpose (static files, published photos, open data).
OWN_PUBLIC_HEADERS = {"static", "places.places_geojson", "places.photo_file"}


@pytest.fixture
def make_article(make_user):
    """Factory: a policy article saved (and by default published) through the real service."""
    editor = make_user(roles=("editor",), username="cache-editor")
    counter = {"n": 0}

    def factory(action="publish", **fields):
        counter["n"] += 1
        data = {
            "kind": "policy",
            "title": f"缓存测试文章{counter['n']}",
            "summary": "摘要",
            "plain_language": "对您的影响",
            "body": "正文第一段。",
            "topic": "彩礼治理",
            "issuer": "济南市章丘区民政局",
            "source": "测试",
            "doc_number": f"章民发〔2024〕{counter['n']}号",
            "validity": "现行有效",
            **fields,
        }
        return services.save_article(None, data, action, editor, None), editor

    return factory


def _sample_path(rule) -> str:
    """A concrete URL for ``rule``: every argument filled with a plausible dummy value."""
    path = rule.rule
    for arg in rule.arguments:
        path = re.sub(rf"<(?:[^:>]+:)?{arg}>", "x1", path)
    return path


def test_anonymous_public_pages_carry_no_session(client):
    """Anonymous public pages set no cookie, embed no CSRF token and are public for 60 s, with an ETag."""
    for path in PUBLIC_PATHS:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Set-Cookie" not in response.headers, path
        html = response.get_data(as_text=True)
        assert "csrf" not in html.lower() and "X-CSRFToken" not in html, path
        assert response.headers["Cache-Control"] == "public, max-age=60", path
        assert response.headers["ETag"], path
        vary = {v.strip().lower() for v in response.headers["Vary"].split(",")}
        assert {"cookie", "hx-request"} <= vary, path


def test_hotline_intro_is_cached_on_the_server_only(app, client):
    """The hotline keeps browsers from storing its pages (no-store); the server still caches the intro."""
    first = client.get("/hotline/")
    assert first.status_code == 200 and "Set-Cookie" not in first.headers
    assert first.headers["Cache-Control"] == "no-store"
    assert "X-CSRFToken" not in first.get_data(as_text=True)
    with app.test_request_context("/hotline/"):
        app.preprocess_request()
        assert caching.cache.get(caching._page_key()) is not None
    assert client.get("/hotline/").headers["Cache-Control"] == "no-store"


def test_if_none_match_answers_304_and_junk_answers_200(client):
    """A matching If-None-Match gets 304 without a body (plain and compressed ETags); junk gets the page."""
    for encoding in ("identity", "gzip", "br"):
        first = client.get("/policies/faq", headers={"Accept-Encoding": encoding})
        etag = first.headers["ETag"]
        again = client.get("/policies/faq", headers={"Accept-Encoding": encoding, "If-None-Match": etag})
        assert again.status_code == 304 and again.data == b""
        assert again.headers["ETag"] == etag
    for junk in ('"', "W/", "*x", "not-an-etag, ,,", "x" * 5000, '"\u00e9"'):
        response = client.get("/policies/faq", headers={"If-None-Match": junk.encode().decode("latin-1")})
        assert response.status_code == 200, junk


def test_rendered_pages_answer_conditional_requests_after_compression(app, client):
    """Without the page cache, Flask answers If-None-Match itself, against the final (coded) ETag."""
    app.extensions["zq_page_cache_on"] = False  # every request below is rendered
    for encoding, suffix in (("identity", ""), ("gzip", ":gzip"), ("br", ":br")):
        first = client.get("/policies/faq", headers={"Accept-Encoding": encoding})
        etag = first.headers["ETag"]
        assert first.status_code == 200 and etag.endswith(f'{suffix}"'), (encoding, etag)
        again = client.get("/policies/faq", headers={"Accept-Encoding": encoding, "If-None-Match": etag})
        assert again.status_code == 304 and again.data == b"", encoding
        other = client.get("/policies/faq", headers={"Accept-Encoding": encoding, "If-None-Match": '"stale"'})
        assert other.status_code == 200 and other.data == first.data, encoding
    # The plain ETag does not stand for the gzip body, nor the other way round.
    plain = client.get("/policies/faq", headers={"Accept-Encoding": "identity"}).headers["ETag"]
    crossed = client.get("/policies/faq", headers={"Accept-Encoding": "gzip", "If-None-Match": plain})
    assert crossed.status_code == 200 and crossed.headers["Content-Encoding"] == "gzip"


@pytest.mark.slow  # ~9 s: every GET route twice (anonymous, then staff of every role)
def test_staff_and_personal_pages_are_private_no_store(app, client, login_as):
    """Walking url_map: signed-in staff get no-store on every GET (never public); anonymous non-public pages too."""
    rules = [r for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint != "static"]
    for rule in rules:
        if rule.endpoint in caching.PUBLIC_PAGES or rule.endpoint in OWN_PUBLIC_HEADERS:
            continue
        response = client.get(_sample_path(rule))
        cache_control = response.headers.get("Cache-Control", "")
        assert "public" not in cache_control and "no-store" in cache_control, (rule.rule, cache_control)
    login_as("admin", "editor", "counselor", "archivist")
    for rule in rules:
        cache_control = client.get(_sample_path(rule)).headers.get("Cache-Control", "")
        assert "public" not in cache_control and "no-store" in cache_control, (rule.rule, cache_control)
    for path in PUBLIC_PATHS:
        response = client.get(path)
        assert response.headers["Cache-Control"] == "private, no-store", path
        assert "X-CSRFToken" in response.get_data(as_text=True), path


def test_staff_never_get_a_cached_anonymous_page(app, client, login_as):
    """A page cached for anonymous visitors is not served to a signed-in staff member (and vice versa)."""
    anonymous = client.get("/policies/").get_data(as_text=True)
    assert "工作台" not in anonymous
    login_as("editor")
    staff = client.get("/policies/").get_data(as_text=True)
    assert "X-CSRFToken" in staff
    assert "X-CSRFToken" not in app.test_client().get("/policies/").get_data(as_text=True)


def test_mode_and_fragment_variants_are_never_mixed(client):
    """Standard, 长辈模式 and htmx-fragment answers of one URL are cached apart and never swapped."""
    for _ in range(2):  # the second round is answered from the page cache
        standard = client.get("/policies/faq").get_data(as_text=True)
        fragment = client.get("/policies/faq", headers={"HX-Request": "true"}).get_data(as_text=True)
        boosted = client.get("/policies/faq", headers={"HX-Request": "true", "HX-Boosted": "true"})
        client.set_cookie("elder", "1")
        elder = client.get("/policies/faq").get_data(as_text=True)
        client.delete_cookie("elder")
        assert 'class="elder"' not in standard and "<html" in standard
        assert 'class="elder"' in elder
        assert "<html" not in fragment
        assert "<html" in boosted.get_data(as_text=True)


def test_cache_hit_serves_the_stored_page(app, client, make_article):
    """The second anonymous GET comes from the page cache (same body, same ETag)."""
    article, _ = make_article()
    path = f"/policies/{article.slug}"
    first = client.get(path, headers={"Accept-Encoding": "gzip"})
    with app.test_request_context(path, headers={"Accept-Encoding": "gzip"}):
        app.preprocess_request()
        assert caching.cache.get(caching._page_key()) is not None
    second = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert second.data == first.data and second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["Content-Encoding"] == "gzip"


def test_publish_edit_unpublish_reach_another_worker(app, app_config, make_article):
    """Two app instances (two workers, separate memory caches): a change made in one shows on the other."""
    other = create_app(app_config)
    reader = other.test_client()
    article, editor = make_article(title="第一版标题")
    path = f"/policies/{article.slug}"
    assert "第一版标题" in reader.get(path).get_data(as_text=True)
    assert "第一版标题" in reader.get("/policies/").get_data(as_text=True)  # cached on the other worker

    data = {"title": "第二版标题", "summary": "摘要", "plain_language": "影响", "body": "改过的正文。"}
    services.save_article(article, {**article_fields(article), **data}, "publish", editor, None)
    assert "第二版标题" in reader.get(path).get_data(as_text=True)
    assert "第二版标题" in reader.get("/policies/").get_data(as_text=True)

    services.unpublish_article(article, editor)
    assert reader.get(path).status_code == 404
    assert "第二版标题" not in reader.get("/policies/").get_data(as_text=True)

    draft, _ = make_article(action="draft", title="草稿标题")
    assert "草稿标题" not in reader.get("/policies/").get_data(as_text=True)
    services.save_article(draft, article_fields(draft), "publish", editor, None)
    assert "草稿标题" in reader.get("/policies/").get_data(as_text=True)
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def article_fields(article) -> dict:
    """The form fields of a saved article, as the editor would resubmit them."""
    names = ("kind", "title", "summary", "plain_language", "body", "topic", "issuer", "source")
    return {name: getattr(article, name) for name in names} | {
        "doc_number": article.doc_number,
        "validity": article.validity,
    }


def test_content_generation_moves_only_for_public_content(app, make_user, make_article):
    """Public content commits bump the generation; a staff account change does not."""
    before = caching.current_generation()
    make_user(roles=("counselor",))
    assert caching.current_generation() == before
    make_article()
    assert caching.current_generation() > before


def test_generation_moves_for_a_shown_account_column_only(app, make_user):
    """A display name appears on public pages (a place's reviewer): renaming bumps; a sign-in does not."""
    from app.accounts.services import update_user
    from app.extensions import db

    user = make_user(roles=("archivist",))
    before = caching.current_generation()
    user.failed_logins = (user.failed_logins or 0) + 1
    db.session.commit()
    assert caching.current_generation() == before
    update_user(user, user.display_name, ["archivist", "editor"])  # the same name, other roles
    assert caching.current_generation() == before
    update_user(user, "改过的姓名", ["archivist"])
    assert caching.current_generation() > before


def test_bad_input_gets_normal_answers_and_the_cache_stays_bounded(app, client):
    """Unknown codings, huge Range headers and 2,000-character query keys: 200, and no unbounded cache."""
    assert client.get("/", headers={"Accept-Encoding": "x-unknown, compress;q=0.5, *;q=0"}).status_code == 200
    response = client.get("/", headers={"Accept-Encoding": "x-unknown"})
    assert "Content-Encoding" not in response.headers
    assert client.get("/", headers={"Range": "bytes=0-" + "9" * 4000}).status_code == 200
    assert client.get("/", headers={"Range": "bytes=" + ",".join(["1-2"] * 2000)}).status_code == 200
    long_key = "k" * 2000
    response = client.get(f"/places/?{long_key}=1&q=烈士")
    assert response.status_code == 200
    with app.test_request_context(f"/places/?{long_key}=1"):
        app.preprocess_request()
        assert caching.g.page_cache_key is None  # answered, not cached
    backend = caching.cache.cache
    threshold = app.config["PAGE_CACHE_THRESHOLD"]
    backend._threshold = 20  # what PAGE_CACHE_THRESHOLD sets; lowered so the test stays fast
    for n in range(60):
        assert client.get(f"/policies/faq?page{n}=1").status_code == 200
    assert len(backend._cache) <= 21
    backend._threshold = threshold
    assert client.get("/places/no-such-code").status_code == 404
    assert client.get("/places/no-such-code").headers["Cache-Control"] == "no-store"


def test_elder_switch_needs_no_token_but_refuses_other_sites(client):
    """POST /prefs/elder works without a CSRF token from this site and is refused from another."""
    ok = client.post(
        "/prefs/elder", data={"next": "/"}, csrf=False, headers={"Sec-Fetch-Site": "same-origin"}
    )
    assert ok.status_code == 303 and "elder=1" in ok.headers["Set-Cookie"]
    assert client.post("/prefs/elder", data={}, csrf=False).status_code == 303  # old browser: no headers
    cross = client.post("/prefs/elder", data={}, csrf=False, headers={"Sec-Fetch-Site": "cross-site"})
    assert cross.status_code == 403
    foreign = client.post("/prefs/elder", data={}, csrf=False, headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403
    same = client.post("/prefs/elder", data={}, csrf=False, headers={"Origin": "http://localhost"})
    assert same.status_code == 303
