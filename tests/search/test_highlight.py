"""Highlighting is escaped first and only then marked: indexed text can never inject markup."""

from markupsafe import Markup, escape

from app.search import search
from app.search.highlight import Needles, mark, snippet


def test_script_in_indexed_text_comes_out_escaped(provider, place_doc):
    """<script> in a title, summary or body is escaped in both title and snippet."""
    provider.add(
        place_doc(
            "X", "<script>alert(1)</script>烈士陵园", body='<img src=x onerror="alert(2)">烈士陵园 & 纪念'
        ),
    )
    provider.reindex()
    hit = search("烈士").hits[0]
    assert isinstance(hit.title, Markup) and isinstance(hit.snippet, Markup)
    assert "<script>" not in hit.title and "&lt;script&gt;" in hit.title
    for markup in (hit.title, hit.snippet):
        assert "<" not in str(markup).replace("<mark>", "").replace("</mark>", "")
    assert "onerror=&#34;" in hit.snippet and "&amp;" in hit.snippet
    assert "<mark>烈士</mark>" in hit.title


def test_markup_looking_queries_are_marked_as_text(provider, place_doc):
    """A query such as <script> marks the escaped text; no tag is ever produced."""
    provider.add(place_doc("X", "测试", body="<script>evil()</script>"))
    provider.reindex()
    snippet = str(search("<script>").hits[0].snippet)
    assert snippet == "&lt;<mark>script</mark>&gt;evil()&lt;/<mark>script</mark>&gt;"


def test_snippet_is_centred_on_the_first_match(provider, place_doc):
    """Long bodies are cut around the first match with ellipses."""
    provider.add(place_doc("L", "长文", body="开头" * 100 + "红色地名" + "结尾" * 100))
    provider.reindex()
    snippet = str(search("红色地名").hits[0].snippet)
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<mark>红色地名</mark>" in snippet


def test_pinyin_queries_mark_the_matching_characters(corpus):
    """mingshui marks 明水 in the title; initials mark the spelled characters."""
    assert str(search("mingshui").hits[0].title).startswith("<mark>明水</mark>")
    assert "<mark>长白山</mark>" in str(search("cbs").hits[0].title)


def _reference_mark(text, spans):
    """The marking as markupsafe builds it: every piece through ``escape``, each match in <mark>."""
    out, last = [], 0
    for a, b in spans:
        out += [escape(text[last:a]), Markup("<mark>%s</mark>") % text[a:b]]
        last = b
    return Markup("").join([*out, escape(text[last:])])


def test_marking_escapes_every_piece_exactly_as_markupsafe():
    """``mark`` escapes its pieces without markupsafe objects: the same text for every special character,
    around, inside and between matches, and a single Markup for the result."""
    needles = Needles([["烈士"], ["a&b"]])
    cases = {
        "<b>烈士</b> & 'x' \"y\"": [(3, 5)],
        "烈士<烈士>烈士": [(0, 2), (3, 5), (6, 8)],
        "x a&b <a&b> 烈士's": [(2, 5), (7, 10), (12, 14)],
        "&amp;&lt;&#39;&#34;": [],
        "": [],
    }
    for text, spans in cases.items():
        marked = mark(text, needles)
        assert isinstance(marked, Markup)
        assert str(marked) == str(_reference_mark(text, spans)), text


def test_snippet_window_is_marked_on_the_folded_window():
    """The snippet marks its window through the folded text of the whole field (traditional, full-width)."""
    needles = Needles([["烈士"], ["ab"]])
    body = "前" * 40 + "烈士陵園 ＡＢ <烈士>" + "后" * 80
    out = str(snippet({"summary": "", "body": body}, needles))
    assert out.startswith("…") and out.endswith("…")
    assert "<mark>烈士</mark>陵園 <mark>ＡＢ</mark> &lt;<mark>烈士</mark>&gt;" in out
    assert str(snippet({"keywords": ["甲", "烈士"]}, needles)) == "甲；<mark>烈士</mark>"
    assert str(snippet({"aliases": ["<乙>"]}, Needles([["丙"]]))) == "&lt;乙&gt;"


def test_first_match_is_found_in_unfolded_text_where_folding_would_find_it():
    """``unfolded_pattern`` finds the first position at which ``fold(text)`` holds a needle, for
    traditional characters, full-width and upper-case letters, tone marks and regex metacharacters."""
    import random

    from app.search.analysis import fold, unfolded_pattern

    alphabet = "烈士陵園园陵烈紀念纪念館馆ａＡaBbｓS.*+?[](){}|^$\\é，,。 "
    needle_sets = [["烈士"], ["陵园", "纪念馆"], ["a.b", "s"], ["(?"], ["念"], ["ab", "士陵"], ["é"]]
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        needles = [fold(n) for n in rng.choice(needle_sets)]
        found = unfolded_pattern(needles).search(text)
        expected = [p for p in (fold(text).find(n) for n in needles) if p != -1]
        assert (found.start() if found else None) == (min(expected) if expected else None), (text, needles)
    assert unfolded_pattern([]).search("任何文字") is None


def test_long_texts_give_the_snippet_folding_them_would(monkeypatch):
    """Texts over LONG_TEXT are searched with the query's pattern: the same window, marks and ellipses."""
    from app.search import highlight

    needles = Needles([["烈士陵园"], ["ab"]])
    datas = [
        {"summary": "无关" * 200, "body": "甲" * 300 + "烈士陵園ＡＢ" + "乙" * 300},
        {"summary": "", "body": "丙" * 400 + "Ab" + "烈士陵园" * 3},
        {"summary": "x" * 300, "body": "y" * 300, "keywords": ["烈士陵园"]},
        {"summary": "z" * 300},
    ]
    fast = [str(snippet(data, needles)) for data in datas]
    assert "<mark>烈士陵園ＡＢ</mark>" in fast[0] and fast[2] == "<mark>烈士陵园</mark>"
    monkeypatch.setattr(highlight, "LONG_TEXT", 10**9)
    assert [str(snippet(data, needles)) for data in datas] == fast
