"""Query words: jieba segmentation with our user dictionary, and the stop-word list kept in the repo.

The index stays character bigrams (they find every name fragment); jieba only splits a query into the
words a document must contain, each of which is then matched through its bigrams. jieba's dictionary
takes about a second to load, so it is loaded once per process on the first query that needs it.
"""

import functools
import logging
import threading
from pathlib import Path

from app.search.analysis import fold

log = logging.getLogger(__name__)

DATA = Path(__file__).parent / "data"
MAX_WORDS = 8

_LOCK = threading.Lock()
_STATE: dict = {"tokenizer": None, "added": set()}


def read_list(name: str) -> list[str]:
    """Words of ``data/<name>`` (one per line; ``#`` comments and blank lines skipped), folded."""
    words = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.append(fold(word))
    return list(dict.fromkeys(words))


@functools.cache
def stop_words() -> frozenset[str]:
    """Question and function words dropped from queries (``data/stopwords.txt``)."""
    return frozenset(read_list("stopwords.txt"))


def tokenizer():
    """The process-wide jieba tokenizer with our user dictionary (loaded on first use, once)."""
    tok = _STATE["tokenizer"]
    if tok is not None:
        return tok
    with _LOCK:
        if _STATE["tokenizer"] is None:
            import jieba  # deferred: importing and initialising jieba costs ~1 s per process

            jieba.setLogLevel(logging.WARNING)
            tok = jieba.Tokenizer()
            tok.initialize()
            for word in read_list("userdict.txt"):
                tok.add_word(word, freq=_freq(word))
            _STATE["tokenizer"] = tok
    return _STATE["tokenizer"]


def _freq(word: str) -> int:
    # High enough that jieba keeps the whole name rather than its parts; longer names win over shorter.
    return 20000 + 1000 * len(word)


def add_names(names) -> None:
    """Teach the tokenizer our place names and aliases so they are never split (idempotent)."""
    added = _STATE["added"]
    fresh = [n for n in names if 1 < len(n) <= 20 and n not in added]
    if not fresh:
        return
    tok = tokenizer()
    with _LOCK:
        for name in fresh:
            tok.add_word(name, freq=_freq(name))
            added.add(name)


def cut(run: str) -> list[str]:
    """jieba words of one folded CJK run (the run itself when jieba is unavailable)."""
    try:
        return [w for w in tokenizer().lcut(run, HMM=False) if w.strip()]
    except Exception:  # a segmentation problem must never break search
        log.exception("search: jieba failed on %r", run)
        return [run]


def content_words(run: str) -> list[str]:
    """The words of ``run`` that carry meaning: stop words dropped; ``[]`` when only stop words remain."""
    stops = stop_words()
    if len(run) <= 2 or run in stops:
        return [] if run in stops else [run]
    words = [w for w in cut(run) if w not in stops]
    merged: list[str] = []
    for word in words:
        # Lone characters next to each other were one word jieba did not know (a name fragment):
        # keep them together so they are matched as bigrams, not as single-character prefixes.
        if merged and len(word) == 1 and len(merged[-1]) == 1 and _adjacent(run, merged[-1], word):
            merged[-1] += word
        else:
            merged.append(word)
    return list(dict.fromkeys(merged))[:MAX_WORDS]


def _adjacent(run: str, left: str, right: str) -> bool:
    return (left + right) in run


def sub_words(word: str) -> list[str]:
    """The shorter dictionary words inside ``word`` (热线电话 -> 热线, 电话), for a word no document has."""
    try:
        parts = tokenizer().lcut_for_search(word, HMM=False)
    except Exception:
        log.exception("search: jieba failed on %r", word)
        return []
    stops = stop_words()
    return [p for p in dict.fromkeys(parts) if len(p) >= 2 and p != word and p not in stops]
