"""The public /search page: full page and htmx fragment, empty states, labels, paging, bad input."""

from app.search.engine import state

BAD_QUERIES = ["", " ", "！？", "x" * 1000, "明" * 1000, 'AND * " : (', "'; DROP TABLE x; --", "🔥", "ＡＢＣ"]


def test_full_page_and_fragment(client, corpus):
    """Without HX-Request the whole page; with it only the results fragment; Vary: HX-Request."""
    full = client.get("/search?q=明水")
    assert full.status_code == 200
    body = full.get_data(as_text=True)
    assert "<html" in body and 'id="search-results"' in body
    assert "<mark>明水</mark>街道烈士陵园" in body
    assert "HX-Request" in full.headers["Vary"]
    frag = client.get("/search?q=明水", headers={"HX-Request": "true"})
    text = frag.get_data(as_text=True)
    assert frag.status_code == 200 and "<html" not in text
    assert "<mark>明水</mark>街道烈士陵园" in text
    boosted = client.get("/search?q=明水", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in boosted.get_data(as_text=True)


def test_results_are_labelled_by_kind_with_kind_tabs(client, corpus):
    """Hits show 地名 / 政策文章 / 常见问题; tabs filter by kind with counts."""
    body = client.get("/search?q=婚").get_data(as_text=True)
    assert "政策文章" in body and "常见问题" in body
    assert "kind=article" in body
    only = client.get("/search?q=婚&kind=faq").get_data(as_text=True)
    assert "登记需要带什么材料" in only and "政策解读" not in only.split("search-hits")[1]
    assert client.get("/search?q=婚&kind=evil").status_code == 200


def test_live_search_attributes(client, corpus):
    """The box searches as you type (debounced), pushes the full-page URL, works without JS."""
    body = client.get("/search").get_data(as_text=True)
    assert 'hx-get="/search"' in body and 'hx-push-url="true"' in body
    assert "delay:400ms" in body
    assert 'method="get" action="/search"' in body and 'name="q"' in body


def test_empty_and_no_result_states(client, corpus):
    """Empty query: a friendly prompt; no hits: a message and a did-you-mean link."""
    assert "请输入要查找的内容" in client.get("/search?q=").get_data(as_text=True)
    assert "请输入要查找的内容" in client.get("/search?q=%20%20").get_data(as_text=True)
    body = client.get("/search?q=明水陵墓").get_data(as_text=True)
    assert "您是不是要找" in body and "明水陵园" in body
    assert "没有找到" in client.get("/search?q=xyzzy").get_data(as_text=True)
    punct = client.get("/search?q=！？").get_data(as_text=True)
    assert "没有找到" in punct


def test_pagination_links_and_load_more(client, provider, place_doc):
    """Plain prev/next links plus an htmx 加载更多 that appends the next page's items."""
    provider.add(*[place_doc(f"P{i:02d}", f"红色村庄{i:02d}号") for i in range(25)])
    provider.reindex()
    body = client.get("/search?q=红色村庄").get_data(as_text=True)
    assert "第 1 / 3 页" in body and "加载更多" in body and 'rel="next"' in body
    assert 'hx-select=".search-hits &gt; li"' in body or 'hx-select=".search-hits > li"' in body
    page3 = client.get("/search?q=红色村庄&page=3", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert page3.count('class="search-hit ') == 5 and "加载更多" not in page3


def test_bad_input_never_500(client, corpus):
    """Odd queries and page numbers answer 200 with a page or fragment, with and without htmx."""
    for q in BAD_QUERIES:
        for page in ["0", "-1", "1000000000", "abc", ""]:
            for headers in ({}, {"HX-Request": "true"}):
                response = client.get("/search", query_string={"q": q, "page": page}, headers=headers)
                assert response.status_code == 200, (q, page, headers)


def test_degraded_search_shows_a_notice(app, client, corpus):
    """When the index is gone the page still answers, from the database, with a notice."""
    import shutil

    shutil.rmtree(state(app).store.base)
    body = client.get("/search?q=明水").get_data(as_text=True)
    assert "搜索服务正在恢复" in body and "明水" in body


def test_header_search_box_points_here(client, corpus):
    """The site header's search form submits to /search (GET, name=q)."""
    body = client.get("/").get_data(as_text=True)
    assert 'action="/search"' in body and 'name="q"' in body


def test_page_urls_are_werkzeugs_urls(app):
    """The results' page URLs (q encoded once, the rest appended) are exactly what url_for builds."""
    from flask import url_for

    from app.search.routes import _page_url_builder

    queries = ["明水", "烈士 陵园", "a&b c+#/?=%", "mingshui", "'\"<>", "  x  ", "１２３"]
    with app.test_request_context("/search"):
        for q in queries:
            for kind in ("", "place", "faq"):
                for exact in (False, True):
                    page_url = _page_url_builder(q, kind, exact)
                    for n in (1, 2, 7):
                        for k in (None, "", "article", "service"):
                            got = page_url(n) if k is None else page_url(n, k)
                            k = kind if k is None else k
                            expected = url_for(
                                "search.search_page",
                                q=q,
                                kind=k or None,
                                page=n if n > 1 else None,
                                exact=1 if exact else None,
                            )
                            assert got == expected, (q, kind, exact, n, k)


def test_kind_tabs_and_paging_keep_query_category_and_exact(client, provider, place_doc):
    """Tabs, 加载更多 and next/prev carry q, the category, the page and 仍搜索's exact=1."""
    provider.add(*[place_doc(f"P{i:02d}", f"红色村庄{i:02d}号") for i in range(25)])
    provider.reindex()
    q = "%E7%BA%A2%E8%89%B2%E6%9D%91%E5%BA%84"
    body = client.get(f"/search?q={q}&kind=place&page=2&exact=1").get_data(as_text=True)
    assert f'href="/search?q={q}&amp;exact=1" >全部</a>' in body
    assert f'<a href="/search?q={q}&amp;kind=place&amp;exact=1" aria-current="true">地名</a>' in body
    assert f'hx-get="/search?q={q}&amp;kind=place&amp;page=3&amp;exact=1"' in body
    assert f'<a href="/search?q={q}&amp;kind=place&amp;exact=1" rel="prev">上一页</a>' in body
    assert f'<a href="/search?q={q}&amp;kind=place&amp;page=3&amp;exact=1" rel="next">下一页</a>' in body


def test_hit_meta_line_matches_the_former_template_expression(app):
    """The meta line the view joins is what the template's list/select/join expression rendered."""
    from flask import render_template_string

    from app.search.routes import hit_meta

    former = (
        "{% set meta = [f.get('town'), f.get('category'), f.get('era'), f.get('validity'), f.get('topic'),"
        " (f.get('year') ~ '年') if f.get('year') else None]|select|list %}{{ meta|join(' · ') }}"
    )
    cases = [
        {},
        {"town": "明水街道", "category": "烈士陵园", "era": "解放战争时期"},
        {"validity": "现行有效", "topic": "彩礼治理", "year": 2024},
        {"town": "", "category": None, "year": 0, "topic": "A & <b>"},
        {"year": "2023", "era": "抗日战争时期", "title": "不显示"},
    ]
    with app.test_request_context():
        for fields in cases:
            assert render_template_string("{{ hit_meta(f) }}", f=fields, hit_meta=hit_meta) == (
                render_template_string(former, f=fields)
            ), fields
