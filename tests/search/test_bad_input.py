"""Bad input never raises: empty, punctuation, very long, query syntax, SQL, emoji, full width."""

import pytest

from app.search import search

BAD = [
    "",
    "   ",
    "！？。，、",
    "!!!",
    "明" * 1000,
    "a" * 1000,
    "AND",
    "烈士 AND 陵园",
    "*",
    "陵*",
    '"明水',
    "title:明水",
    "(明水",
    "明水)",
    "NOT OR AND",
    "'; DROP TABLE places; --",
    "1 OR 1=1",
    "🇨🇳🔥",
    "烈士🔥陵园",
    "ＡＢＣ１２３",
    "\x00\x1f",
    "<script>alert(1)</script>",
    "%",
    "\\",
]


@pytest.mark.parametrize("q", BAD)
def test_bad_queries_return_a_result(corpus, q):
    """search() answers every input with a SearchResult and never raises."""
    result = search(q, facets=("town", "kind"))
    assert result.total >= 0 and result.page == 1
    assert not result.degraded


def test_query_syntax_is_literal(corpus):
    """AND, *, quotes, colons and brackets are text, not whoosh syntax."""
    literal = search("烈士 AND 陵园")
    assert ["and"] in literal.groups  # a word to find, not an operator
    assert search("AND").total == 0 and search("NOT 烈士 OR").total == 0  # no such words in the corpus
    assert [h.id for h in search('"明水').hits][0] == "ZQ-0001"
    assert [h.id for h in search("(明水)").hits][0] == "ZQ-0001"
    assert search("*").total == 0


def test_long_queries_are_truncated(corpus):
    """A 1,000-character query is cut to 100 characters and still answers."""
    result = search("明水" * 500)
    assert len(result.query) == 100


def test_non_string_queries_are_tolerated(corpus):
    """None and numbers do not raise."""
    assert search(None).total == 7
    assert search(1947).hits[0].id == "ZQ-0001"
