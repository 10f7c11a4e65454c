"""Template URLs: remembered per app, yet always what ``url_for`` builds."""

from flask import render_template_string, url_for

from app.web import urls


def test_remembered_urls_equal_url_for_and_are_built_once(app, monkeypatch):
    """The same endpoint and values give url_for's URL, built once; other values, script roots,
    relative endpoints and external URLs are built as url_for builds them."""
    built = []
    real = urls.url_for
    monkeypatch.setattr(
        urls, "url_for", lambda endpoint, **values: built.append(endpoint) or real(endpoint, **values)
    )
    with app.test_request_context("/"):
        for _ in range(3):
            assert urls.remembered_url_for("places.show_place", code="ZQ-0001") == url_for(
                "places.show_place", code="ZQ-0001"
            )
        assert urls.remembered_url_for("places.show_place", code="ZQ-0002") == "/places/ZQ-0002"
        assert urls.remembered_url_for("static", filename="js/app.js") == url_for(
            "static", filename="js/app.js"
        )
        assert "/static/js/app." in urls.remembered_url_for("static", filename="js/app.js")
        assert urls.remembered_url_for("web.home", _external=True).startswith("http://")
        assert urls.remembered_url_for("search.search_page", q=["a", "b"]) == url_for(
            "search.search_page", q=["a", "b"]
        )
        for _ in range(2):  # personal or private values are never kept
            assert urls.remembered_url_for("hotline.booking_detail", reference="ABCD-EFGH").endswith(
                "ABCD-EFGH"
            )
    assert built.count("places.show_place") == 2
    assert built.count("static") == 1
    assert built.count("hotline.booking_detail") == 2
    assert not any("ABCD-EFGH" in url for url in app.extensions["zq_url_memo"].values())
    with app.test_request_context("/", base_url="http://localhost/zq/"):
        assert urls.remembered_url_for("places.show_place", code="ZQ-0001") == "/zq/places/ZQ-0001"
    with app.test_request_context("/places/"):
        app.preprocess_request()
        html = render_template_string(
            "{{ url_for('places.list_places', page=2) }}|{{ url_for('.list_themes') }}"
        )
        assert html == "/places/?page=2|/places/themes/"


def test_the_memo_is_bounded(app, monkeypatch):
    monkeypatch.setattr(urls, "URL_MEMO_LIMIT", 10)
    with app.test_request_context("/"):
        for number in range(25):
            assert (
                urls.remembered_url_for("places.show_place", code=f"ZQ-{number:04d}")
                == f"/places/ZQ-{number:04d}"
            )
    assert len(app.extensions["zq_url_memo"]) <= 10
