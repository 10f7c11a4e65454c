"""Versioned static files: hashed URLs, immutable caching, precompressed copies, the setup-time manifest."""

import brotli
import pytest

from app.web import assets

PAGE_ASSETS = ("css/site.css", "js/app.js", "vendor/htmx.min.js", "img/emblem.svg")


@pytest.fixture
def static_copy(tmp_path):
    """A small static folder of our own (the setup step writes into it)."""
    root = tmp_path / "static"
    (root / "css").mkdir(parents=True)
    (root / "css" / "site.css").write_text("body { color: #222; }\n" * 100)
    (root / "css" / "tiny.css").write_text("a{}")
    (root / "img").mkdir()
    (root / "img" / "logo.png").write_bytes(b"\x89PNG" + bytes(2000))
    return root


def test_pages_link_versioned_static_urls(app, client):
    """Every asset the base page links carries its content hash."""
    html = client.get("/").get_data(as_text=True)
    registry = assets.get_assets(app)
    for name in PAGE_ASSETS:
        assert f"/static/{registry.versioned[name]}" in html, name
        assert f'"/static/{name}"' not in html, name
    with app.test_request_context("/"):
        assert assets.static_url("css/site.css") == f"/static/{registry.versioned['css/site.css']}"


def test_versioned_url_is_immutable_and_plain_path_revalidates(app, client):
    """The hashed URL is cached for a year (immutable); the plain path still works, revalidated each time."""
    registry = assets.get_assets(app)
    versioned = client.get(f"/static/{registry.versioned['css/site.css']}", buffered=True)
    assert versioned.status_code == 200
    assert versioned.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert versioned.mimetype == "text/css"
    plain = client.get("/static/css/site.css", buffered=True)
    assert plain.status_code == 200 and plain.headers["Cache-Control"] == "public, no-cache"
    assert plain.headers["ETag"]
    assert (
        client.get(
            "/static/css/site.css", headers={"If-None-Match": plain.headers["ETag"]}, buffered=True
        ).status_code
        == 304
    )
    stale = client.get("/static/css/site.000000000000.css", buffered=True)
    assert stale.status_code == 404 or "immutable" not in stale.headers.get("Cache-Control", "")


def test_static_files_carry_no_session(client):
    """Static answers set no cookie and are not marked private."""
    response = client.get("/static/js/app.js", buffered=True)
    assert "Set-Cookie" not in response.headers
    assert "private" not in response.headers["Cache-Control"]


def test_static_answers_carry_only_the_headers_a_subresource_needs(app, client):
    """Every static answer is a few hundred bytes of headers lighter on a slow phone network: no session
    ``Vary: Cookie`` (shared caches may keep one copy for everyone), no ``Content-Disposition``, and the
    document-only policies (CSP, frame, referrer, permissions) only on SVG, which a browser can open as a
    document; ``nosniff`` stays on everything."""
    registry = assets.get_assets(app)
    for name in ("js/app.js", "css/site.css", "vendor/htmx.min.js"):
        response = client.get(
            f"/static/{registry.versioned[name]}", headers={"Accept-Encoding": "br"}, buffered=True
        )
        headers = response.headers
        assert response.status_code == 200, name
        assert headers["Vary"] == "Accept-Encoding", name
        assert headers["X-Content-Type-Options"] == "nosniff", name
        for absent in (
            "Content-Disposition",
            "Content-Security-Policy",
            "X-Frame-Options",
            "Permissions-Policy",
            "Set-Cookie",
        ):
            assert absent not in headers, (name, absent)
    svg = client.get(f"/static/{registry.versioned['img/emblem.svg']}", buffered=True)
    assert "default-src 'self'" in svg.headers["Content-Security-Policy"]
    assert "Cookie" not in svg.headers.get("Vary", "")
    page = client.get("/")
    assert "Cookie" in page.headers["Vary"] and page.headers["Content-Security-Policy"]


def test_build_writes_manifest_and_precompressed_copies(static_copy):
    """The setup step hashes every file and writes .br/.gz copies of the compressible ones above 500 bytes."""
    manifest = assets.build(static_copy)
    assert set(manifest) == {"css/site.css", "css/tiny.css", "img/logo.png"}
    assert (static_copy / assets.MANIFEST).exists()
    source = (static_copy / "css" / "site.css").read_bytes()
    assert brotli.decompress((static_copy / "css" / "site.css.br").read_bytes()) == source
    assert (static_copy / "css" / "site.css.gz").exists()
    assert not (static_copy / "css" / "tiny.css.br").exists()  # too small to be worth it
    assert not (static_copy / "img" / "logo.png.br").exists()  # already compressed
    assert assets.build(static_copy) == manifest  # idempotent


def test_edited_file_gets_a_new_hash_without_rebuilding(static_copy):
    """A file edited after setup is rehashed at start, so its URL changes and stale caches are bypassed."""
    assets.build(static_copy)
    before = assets.Assets(static_copy).versioned["css/site.css"]
    (static_copy / "css" / "site.css").write_text("body { color: #000; }\n")
    after = assets.Assets(static_copy)
    assert after.versioned["css/site.css"] != before
    assert after.resolve(after.versioned["css/site.css"]) == ("css/site.css", True)
    assert after.resolve(before) == (before, False)


def test_precompressed_copy_is_served_to_clients_that_accept_it(app, client, static_copy):
    """With .br/.gz on disk the server sends them (Content-Encoding) to clients that accept them, else plain."""
    assets.build(static_copy)
    app.extensions["zq_assets"] = assets.Assets(static_copy)
    url = f"/static/{assets.get_assets(app).versioned['css/site.css']}"
    source = (static_copy / "css" / "site.css").read_bytes()
    br = client.get(url, headers={"Accept-Encoding": "gzip, br"}, buffered=True)
    assert br.headers["Content-Encoding"] == "br" and brotli.decompress(br.data) == source
    assert "Accept-Encoding" in br.headers["Vary"]
    assert br.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    gz = client.get(url, headers={"Accept-Encoding": "gzip"}, buffered=True)
    assert gz.headers["Content-Encoding"] == "gzip"
    plain = client.get(url, headers={"Accept-Encoding": "identity"}, buffered=True)
    assert "Content-Encoding" not in plain.headers and plain.data == source
    assert (
        client.get("/static/css/site.css.br", buffered=True).status_code == 404
    )  # copies only through negotiation
    assert client.get(f"/static/{assets.MANIFEST}", buffered=True).status_code == 404


def test_huge_range_on_a_static_file_is_answered_normally(client):
    """A Range far beyond the file, or with thousands of parts, gets a normal answer, never a 500."""
    for header in ("bytes=0-" + "9" * 4000, "bytes=" + ",".join(["1-2"] * 2000), "bytes=99999999999-"):
        response = client.get("/static/js/app.js", headers={"Range": header}, buffered=True)
        assert response.status_code in (200, 206, 416), header
