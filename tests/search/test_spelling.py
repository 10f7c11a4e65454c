"""Homophone slips and did-you-mean: same pinyin or one character off, never a shared character."""

import pytest

from app.search import search
from app.search.spelling import best_name, within_one


@pytest.fixture
def villages(provider, place_doc, article_doc):
    """Places and an article whose names residents mistype with pinyin input."""
    provider.add(
        place_doc("ZQ-0001", "眼明泉村", aliases=["眼明泉庄"], town="明水街道"),
        place_doc("ZQ-0002", "三涧溪村", town="双山街道"),
        place_doc("ZQ-0003", "于家大院", town="明水街道"),
        article_doc("biaozhun", "章丘区婚事新办简办倡导标准", summary="婚事新办，简办婚礼。"),
    )
    provider.reindex()
    return provider


def test_homophone_slips_show_the_corrected_results(villages):
    """眼明全村 (泉), 三涧西村 (溪), 婚事心办 (新): results for the correction, which is named."""
    for typed, meant, first in [
        ("眼明全村", "眼明泉村", "ZQ-0001"),
        ("三涧西村", "三涧溪村", "ZQ-0002"),
        ("婚事心办", "婚事新办", "biaozhun"),
    ]:
        result = search(typed, correct=True)
        assert result.corrected == meant and result.original == typed
        assert result.hits[0].id == first


def test_without_correction_the_homophone_is_the_suggestion(villages):
    """/places/ and /policies/ call search() without correct=True: the name is offered instead."""
    result = search("三涧西村")
    assert result.corrected is None and result.suggestion == "三涧溪村"


def test_names_typed_right_are_never_corrected(villages):
    """A query that is a name we have is searched as typed."""
    result = search("眼明泉村", correct=True)
    assert result.corrected is None and result.suggestion is None
    assert result.hits[0].id == "ZQ-0001"


def test_search_page_shows_the_baidu_style_line(client, villages):
    """以下是“眼明泉村”的结果，仍搜索“眼明全村” with a link that searches the text as typed."""
    body = client.get("/search?q=眼明全村").get_data(as_text=True)
    assert "以下是“<strong>眼明泉村</strong>”的结果" in body and "仍搜索" in body
    assert "exact=1" in body
    exact = client.get("/search?q=眼明全村&exact=1").get_data(as_text=True)
    assert "以下是" not in exact


def test_did_you_mean_needs_same_pinyin_or_one_character_off():
    """Never a name that merely shares a character (家暴 -> 于家大院 was the bug)."""
    names = ["于家大院", "眼明泉村", "明水陵园", "三涧溪村"]
    assert best_name(names, "家暴") is None
    assert best_name(names, "眼明全村") == "眼明泉村"
    assert best_name(names, "明水陵墓") == "明水陵园"
    assert best_name(names, "明水") is None
    assert within_one("三涧溪村", "三涧溪") and not within_one("三涧溪村", "三溪")


HOMOPHONES = {"明": "名", "泉": "全", "溪": "西", "水": "税", "山": "衫", "龙": "隆", "园": "元", "家": "佳"}


def test_did_you_mean_candidates_lose_no_answer(provider, place_doc):
    """``names_near`` reads only the rarest characters' lists, yet ``best_name`` answers as from every name."""
    import random

    from app.search import evaluate as ev
    from app.search.engine import state
    from app.search.spelling import shared_needed

    rng = random.Random(7)
    base = [
        "眼明泉村",
        "三涧溪村",
        "于家大院",
        "明水陵园",
        "龙山烈士陵园",
        "黄河村",
        "石匣村",
        "侯家寨党支部旧址",
    ]
    names = list(dict.fromkeys(base + [rng.choice(base) + rng.choice("东西南北村园") for _ in range(30)]))
    provider.add(*(place_doc(f"P{n}", name) for n, name in enumerate(names)))
    provider.reindex()
    view = ev.IndexView.for_searcher(state().store.searcher())
    every = view.terms("names")
    pool = "泉全溪西家村园陵水明山龙"
    typed = set(names)
    for name in names:
        i = rng.randrange(len(name))
        typed |= {
            name[:i] + rng.choice(pool) + name[i + 1 :],
            name[:i] + name[i + 1 :],
            name[:i] + "村" + name[i:],
        }
        # Two homophones: such a name shares only its other characters with the text (眼名全村).
        slips = [i for i, ch in enumerate(name) if ch in HOMOPHONES]
        if len(slips) >= 2:
            a, b = slips[:2]
            typed.add(name[:a] + HOMOPHONES[name[a]] + name[a + 1 : b] + HOMOPHONES[name[b]] + name[b + 1 :])
    answered = 0
    for text in sorted(typed):
        expected = best_name(every, text)
        assert best_name(view.names_near(text, shared_needed(text)), text) == expected, text
        answered += expected is not None
    assert answered > 20  # the typos do find names
    assert best_name(view.names_near("眼名全村", 2), "眼名全村") == "眼明泉村"
