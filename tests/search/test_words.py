"""Query understanding: jieba words with our user dictionary, the stop-word list, whole questions."""

from app.search import search
from app.search.query import query_groups
from app.search.words import content_words, read_list, stop_words


def ids(result):
    return [h.id for h in result.hits]


def test_stop_and_question_words_come_from_the_repo_list():
    """The list in app/search/data/stopwords.txt holds the usual question and function words."""
    stops = stop_words()
    assert {
        "怎么",
        "什么",
        "哪些",
        "哪里",
        "在哪",
        "多少",
        "吗",
        "呢",
        "的",
        "了",
        "要",
        "请问",
        "如何",
    } <= stops
    assert {"是否", "能不能"} <= stops
    assert "彩礼" not in stops and "#" not in "".join(stops)


def test_questions_keep_only_their_content_words():
    """A whole question typed without spaces becomes the words that carry meaning."""
    assert content_words("彩礼一般给多少") == ["彩礼"]
    assert content_words("婚姻登记需要什么") == ["婚姻登记"]
    assert content_words("红色村庄有哪些") == ["红色村庄"]
    assert content_words("请问热线怎么预约") == ["热线", "预约"]


def test_user_dictionary_keeps_towns_and_policy_terms_whole():
    """镇街 and policy terms from data/userdict.txt are never split by jieba."""
    terms = read_list("userdict.txt")
    assert "相公庄街道" in terms and "婚事新办" in terms
    assert content_words("相公庄街道红色地名") == ["相公庄街道", "红色地名"]
    assert content_words("婚事新办标准") == ["婚事新办", "标准"]


def test_indexed_place_names_join_the_dictionary(provider, place_doc):
    """A place name from the index stays one word in a query, even one jieba has never seen."""
    provider.add(place_doc("P1", "狼窝峪战斗遗址", aliases=["狼窝峪阻击旧址"]))
    provider.reindex()
    assert query_groups("狼窝峪战斗遗址在哪里") == [["狼窝峪战斗遗址"]]
    assert ids(search("狼窝峪阻击旧址怎么去")) == ["P1"]


def test_only_stop_words_fall_back_to_the_raw_text(corpus):
    """A query of nothing but question words still searches its own bigrams."""
    assert query_groups("什么") == [["什么"]]
    assert ids(search("什么"))[0] == "7"  # 结婚登记需要带什么材料？
    assert search("吗呢").total == 0


def test_whole_questions_find_their_answers(corpus):
    """Questions typed as a resident would type them find the documents about their topic."""
    assert ids(search("彩礼一般给多少"))[0] == "caili-zhili"
    assert "7" in ids(search("结婚登记要带什么"))
    assert ids(search("明水街道烈士陵园在哪里"))[0] == "ZQ-0001"


def test_words_found_in_the_name_rank_above_body_mentions(corpus):
    """Ranking: number of query words first, then the field (name > alias > keywords > summary > body)."""
    found = ids(search("烈士 陵园"))
    assert found[0] == "ZQ-0001"  # both words in the name
    assert found.index("ZQ-0001") < found.index("ZQ-0002")  # ZQ-0002 mentions them in its body only
    assert ids(search("埠村 抗日"))[0] == "ZQ-0002"  # both words beat one word in a name
