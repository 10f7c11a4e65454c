"""Spelling help for Chinese queries: homophone slips (same pinyin) and names one character off.

Residents type with pinyin input methods and pick the wrong character (婚事心办 for 婚事新办, 眼明全村 for
眼明泉村). Such a slip has the pinyin of the intended word, so we look the query's pinyin up among our
policy terms and, through the index's pinyin fields, among place names and aliases. Did-you-mean only
offers a name with the same pinyin or one character off, never a name that merely shares a character.
"""

import functools
import itertools

from app.search.analysis import CJK_RE, char_readings, name_pinyin
from app.search.words import read_list

MAX_VARIANTS = 8
MAX_DOCS = 30
WINDOWS = range(6, 2, -1)  # sub-spans tried against the vocabulary, longest first


def pinyin_keys(text: str) -> list[str]:
    """Full pinyin of ``text`` (every listed reading of a polyphone), e.g. 眼明全村 -> yanmingquancun."""
    return list(dict.fromkeys("".join(v) for v in name_pinyin(text)))[:MAX_VARIANTS]


@functools.cache
def _vocabulary() -> dict[str, str]:
    """Pinyin key -> policy or service term from the user dictionary (names come from the index)."""
    vocab: dict[str, str] = {}
    for word in read_list("userdict.txt"):
        if len(word) >= 3:
            for key in pinyin_keys(word):
                vocab.setdefault(key, word)
    return vocab


def _spells(readings, key: str) -> bool:
    """Whether some choice of readings for the characters spells ``key`` exactly."""
    if not readings:
        return not key
    return any(key.startswith(r) and _spells(readings[1:], key[len(r) :]) for r in readings[0] if r)


def span_with_pinyin(name: str, key: str, length: int) -> str | None:
    """The ``length``-character span of ``name`` whose pinyin is ``key``, if any."""
    readings = char_readings(name)
    for start in range(len(name) - length + 1):
        if _spells(readings[start : start + length], key):
            return name[start : start + length]
    return None


def _from_vocabulary(text: str) -> str | None:
    vocab = _vocabulary()
    for key in pinyin_keys(text):
        word = vocab.get(key)
        if word and word != text:
            return word
    for size in WINDOWS:
        for start in range(len(text) - size + 1):
            window = text[start : start + size]
            if window in vocab.values():
                continue
            for key in pinyin_keys(window):
                word = vocab.get(key)
                if word and word != window:
                    return text[:start] + word + text[start + size :]
    return None


def _from_names(view, text: str) -> str | None:
    for key in pinyin_keys(text):
        docs = view.prefix_ids("py", key) | view.prefix_ids("py_alias", key)
        for doc in itertools.islice(docs, MAX_DOCS):
            data = view.searcher.stored_fields(doc).get("data") or {}
            for name in [data.get("title", ""), *data.get("aliases", ())]:
                span = span_with_pinyin(name, key, len(text))
                if span and span != text:
                    return span
    return None


def homophone(view, text: str) -> str | None:
    """A same-pinyin correction of the Chinese query ``text``, or None."""
    if len(text) < 2 or not all(CJK_RE.match(ch) for ch in text):
        return None
    return _from_vocabulary(text) or (_from_names(view, text) if view is not None else None)


def within_one(a: str, b: str) -> bool:
    """Levenshtein distance of at most one (one character replaced, added or dropped)."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def shared_needed(text: str) -> int:
    """How many of ``text``'s characters a did-you-mean name must share with it (all but two)."""
    return max(1, len(set(text)) - 2)


def best_name(names, text: str) -> str | None:
    """Did-you-mean: a name with the same pinyin as ``text``, else one character off (3+ characters).

    Only names of about the same length that share all but two of the characters are compared (the
    pinyin of every name in a large index would cost more than the search).
    """
    if len(text) < 2:
        return None
    keys = set(pinyin_keys(text))
    chars = set(text)
    least = shared_needed(text)
    same, near = [], []
    for name in dict.fromkeys(names):
        if not name or name == text or abs(len(name) - len(text)) > 1 or len(chars & set(name)) < least:
            continue
        if len(name) == len(text) and keys & set(pinyin_keys(name)):
            same.append(name)
        elif len(text) >= 3 and within_one(name, text):
            near.append(name)
    for group in (same, near):
        if group:
            return min(group, key=lambda n: (abs(len(n) - len(text)), n))
    return None
