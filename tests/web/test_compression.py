"""Compression: brotli and gzip for text answers, nothing for tiny bodies, images or unknown codings."""

import gzip

import brotli


def _page(client, path="/policies/faq", encoding="gzip, br"):
    return client.get(path, headers={"Accept-Encoding": encoding})


def test_html_is_compressed_with_brotli_or_gzip(client):
    """An HTML page is sent as br when accepted, else gzip, and decodes to the plain page."""
    plain = _page(client, encoding="identity")
    assert "Content-Encoding" not in plain.headers
    br = _page(client)
    assert br.headers["Content-Encoding"] == "br"
    assert brotli.decompress(br.data) == plain.data
    assert len(br.data) < len(plain.data) / 2
    gz = _page(client, encoding="gzip")
    assert gz.headers["Content-Encoding"] == "gzip" and gzip.decompress(gz.data) == plain.data
    assert "Accept-Encoding" in gz.headers["Vary"]


def test_quality_values_are_respected(client):
    """``br;q=0`` next to gzip refuses brotli; the highest quality wins."""
    assert _page(client, encoding="br;q=0, gzip").headers["Content-Encoding"] == "gzip"
    assert _page(client, encoding="gzip;q=0.5, br;q=0.9").headers["Content-Encoding"] == "br"


def test_json_is_compressed_and_static_files_only_through_their_copies(client):
    """JSON (the API) is compressed; a static file without a setup-time copy is streamed as it is."""
    api = client.get("/api/v1/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert api.mimetype == "application/json" and api.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(api.data).startswith(b"{")
    css = client.get("/static/css/site.css", headers={"Accept-Encoding": "br"}, buffered=True)
    assert css.status_code == 200
    assert css.headers.get("Content-Encoding") in (None, "br")  # "br" when `make setup` wrote site.css.br


def test_tiny_bodies_and_images_are_not_compressed(client):
    """Bodies under 500 bytes and already-compressed types go out as they are."""
    tiny = client.get("/robots.txt", headers={"Accept-Encoding": "gzip, br"})
    assert len(tiny.data) < 500 and "Content-Encoding" not in tiny.headers
    favicon = client.get("/static/img/emblem.svg", headers={"Accept-Encoding": "gzip"}, buffered=True)
    assert favicon.status_code == 200
    health = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert health.status_code in (200, 503)


def test_unknown_or_junk_codings_get_the_plain_page(client):
    """Unknown, malformed or wildcard-refused Accept-Encoding values answer normally, uncompressed."""
    for value in ("x-unknown", "compress", "*;q=0", ";;;,,q=", "gzip;q=abc", "é".encode().decode("latin-1")):
        response = _page(client, encoding=value)
        assert response.status_code == 200, value
        assert response.headers.get("Content-Encoding") in (None, "gzip"), value
