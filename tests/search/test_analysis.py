"""Analysis: bigrams, single characters, name fragments, pinyin, initials, polyphones, traditional."""

from app.search import search
from app.search.analysis import index_tokens, normalize_query, pinyin_tokens


def ids(result):
    return [h.id for h in result.hits]


def test_chinese_text_becomes_bigrams_plus_the_last_character_of_each_run():
    """Text is indexed as character bigrams; Latin words and digits stay whole and lower-cased."""
    assert index_tokens("明水街道 G20峰会") == ["明水", "水街", "街道", "道", "g20", "峰会", "会"]


def test_every_two_character_fragment_of_a_name_is_found(corpus):
    """Any 2-character part of a name finds it, including the fragment across the middle."""
    for fragment in ["明水", "水街", "街道", "道烈", "烈士", "士陵", "陵园"]:
        assert "ZQ-0001" in ids(search(fragment)), fragment


def test_single_characters_are_found_anywhere_including_the_end_of_a_name(corpus):
    """A 1-character query finds the character at the start, middle and end of a text run."""
    assert "ZQ-0001" in ids(search("明"))
    assert "ZQ-0001" in ids(search("园"))
    assert "ZQ-0003" in ids(search("址"))


def test_pinyin_with_and_without_spaces_and_from_inside_a_name(provider, place_doc):
    """Full pinyin matches by prefix, with or without spaces, from any syllable of the name."""
    provider.add(place_doc("A", "明水街道烈士陵园"), place_doc("B", "埠村战斗遗址"))
    provider.reindex()
    for q in ["mingshui", "ming shui", "MingShui", "mingsh", "jiedao", "lieshilingyuan", "Míng shuǐ"]:
        assert ids(search(q)) == ["A"], q


def test_initials_need_two_letters_and_rank_below_full_pinyin_name_hits(provider, place_doc):
    """Initials match with >= 2 letters; a full-pinyin name hit outranks an initials hit."""
    provider.add(place_doc("A", "明水街道"), place_doc("B", "山东纪念馆"), place_doc("C", "石湖岸宁"))
    provider.reindex()
    assert ids(search("msjd")) == ["A"]
    assert ids(search("sj")) == ["A"]
    result = search("shan")
    assert ids(result)[:2] == ["B", "C"]  # B: pinyin shan(dong); C: initials s-h-a-n
    assert result.hits[0].score > result.hits[1].score


def test_polyphonic_characters_get_their_common_readings(provider, place_doc):
    """长 is found as chang and zhang; 埠 as bu; phrase readings come first."""
    provider.add(
        place_doc("A", "长白山抗日根据地"), place_doc("B", "宁家埠红色村庄"), place_doc("C", "埠村战斗遗址")
    )
    provider.reindex()
    assert "A" in ids(search("changbaishan"))
    assert "A" in ids(search("zhangbai"))
    assert ids(search("ningjiabu")) == ["B"]
    assert ids(search("bucun")) == ["C"]
    full, initials = pinyin_tokens(["长白山"])
    assert {"changbaishan", "zhangbaishan"} <= set(full)
    assert {"cbs", "zbs"} <= set(initials)


def test_traditional_and_full_width_queries_find_simplified_text(corpus):
    """Traditional characters and full-width letters/digits are folded before matching."""
    assert "ZQ-0003" in ids(search("長白山"))
    assert "ZQ-0001" in ids(search("烈士陵園"))
    assert "ZQ-0001" in ids(search("ＭＩＮＧＳＨＵＩ"))
    assert "ZQ-0001" in ids(search("１９４７"))
    assert normalize_query("　ＡＮＤ　後來") == " and 后来"


def test_traditional_text_is_found_by_simplified_queries(provider, place_doc):
    """Indexed traditional text is folded to simplified as well."""
    provider.add(place_doc("T", "濟南戰役紀念館", body="戰鬥遺址"))
    provider.reindex()
    assert ids(search("济南战役")) == ["T"]
    assert ids(search("战斗")) == ["T"]


def test_mixed_chinese_and_pinyin_queries(corpus):
    """Each part of a mixed query counts: Chinese by bigrams, Latin by pinyin; both parts rank first."""
    assert ids(search("陵园 mingshui"))[0] == "ZQ-0001"
    assert ids(search("jiedao 烈士"))[0] == "ZQ-0001"


def test_multi_word_queries_rank_entries_with_every_word_first(corpus):
    """Entries with every word come first; entries with only some of them follow instead of nothing."""
    found = ids(search("埠村 阻击"))
    assert found[0] == "ZQ-0002"
    mixed = ids(search("埠村 彩礼"))
    assert {"ZQ-0002", "caili-zhili"} <= set(mixed)
    assert ids(search("宁家埠 烈士 xyzzy")) == []  # fewer than half of the words: not a match
