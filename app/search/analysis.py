"""Text analysis: normalisation, character bigrams, pinyin and initials.

Chinese text becomes character bigrams plus the last character of every CJK run, so a prefix query on a
single character finds every occurrence of it (as the start of a bigram or as a run's last character).
Latin letters and digits become lower-case words. Names and aliases also get full pinyin and initials as
suffix tokens (``mingshuijiedao``, ``shuijiedao``, …) matched by prefix.
"""

import contextlib
import functools
import itertools
import re
import unicodedata
from pathlib import Path

from opencc import OpenCC
from pypinyin import Style, lazy_pinyin, pinyin
from whoosh.analysis import Token, Tokenizer

MAX_QUERY_CHARS = 100

# CJK unified ideographs (basic + extension A) and compatibility ideographs.
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
SEGMENT_RE = re.compile(f"[{CJK}]+|[a-z0-9]+")
CJK_RE = re.compile(f"[{CJK}]")

# Polyphonic characters common in place names: every listed reading is indexed, on top of the
# phrase-aware reading pypinyin picks. (pypinyin's full heteronym lists add many rare readings.)
POLYPHONES = {
    "长": ("chang", "zhang"),
    "埠": ("bu",),
    "朝": ("chao", "zhao"),
    "重": ("zhong", "chong"),
    "行": ("xing", "hang"),
    "单": ("dan", "shan"),
    "藏": ("cang", "zang"),
    "乐": ("le", "yue"),
    "曾": ("zeng", "ceng"),
    "解": ("jie", "xie"),
    "堡": ("bao", "pu", "bu"),
    "泊": ("bo", "po"),
    "厦": ("sha", "xia"),
    "都": ("du", "dou"),
    "查": ("cha", "zha"),
    "会": ("hui", "kuai"),
    "华": ("hua",),
    "传": ("chuan", "zhuan"),
    "降": ("jiang", "xiang"),
    "弹": ("dan", "tan"),
    "调": ("diao", "tiao"),
    "觉": ("jue", "jiao"),
    "差": ("cha", "chai"),
    "宿": ("su", "xiu"),
    "参": ("can", "shen"),
    "圈": ("quan", "juan"),
    "洞": ("dong",),
    "峪": ("yu",),
    "铺": ("pu",),
    "秘": ("mi", "bi"),
}
MAX_PINYIN_VARIANTS = 8


def _t2s_table() -> dict[int, str]:
    """Single-character traditional -> simplified map from OpenCC's own dictionary."""
    import opencc

    table: dict[int, str] = {}
    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        # Skip characters that are also valid simplified characters (乾 in 乾隆, 後 is not): keep them as is.
        if len(parts) >= 2 and len(parts[0]) == 1 and len(parts[1]) == 1 and parts[0] not in parts[1:]:
            table[ord(parts[0])] = parts[1]
    return table


_T2S_CHARS = _t2s_table()
_OPENCC = OpenCC("t2s")


def _fold_table() -> dict[int, str]:
    """One ``str.translate`` table: full-width -> half-width, upper -> lower, traditional -> simplified.

    Every mapping is one character to one character, so folded text keeps its length and offsets
    (highlighting relies on that).
    """
    table = dict(_T2S_CHARS)
    for code in range(0xFF01, 0xFF5F):  # full-width ASCII variants
        table[code] = chr(code - 0xFEE0)
    table[0x3000] = " "  # ideographic space
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code + 32)
    for code in range(0xFF21, 0xFF3B):  # full-width capitals straight to lower case
        table[code] = chr(code - 0xFEE0 + 32)
    for code in range(0xC0, 0x250):  # Latin letters with tone marks/diacritics -> base letter (ü -> v)
        base = unicodedata.normalize("NFD", chr(code))[0]
        if base.isascii() and base.isalpha():
            table[code] = (
                "v"
                if base.lower() == "u" and "\u0308" in unicodedata.normalize("NFD", chr(code))
                else base.lower()
            )
    for src, dst in list(table.items()):
        if dst in _T2S_CHARS_STR:
            table[src] = _T2S_CHARS_STR[dst]
    return table


_T2S_CHARS_STR = {chr(k): v for k, v in _T2S_CHARS.items()}
_FOLD = _fold_table()


def fold(text: str) -> str:
    """Normalise ``text`` character by character; the result has the same length (for highlighting)."""
    return text.translate(_FOLD) if text else ""


@functools.cache
def _fold_sources() -> dict[str, str]:
    """Per folded character, every other character that folds to it (the inverse of ``fold``)."""
    sources: dict[str, str] = {}
    for src, dst in _FOLD.items():
        sources[dst] = sources.get(dst, "") + chr(src)
    return sources


def unfolded_pattern(needles) -> re.Pattern:
    """A pattern that matches ``text`` exactly where ``fold(text)`` holds one of the (folded) ``needles``.

    ``fold`` maps character to character, so a match in the text is a match in its folded mirror at the
    same offsets, and ``search`` finds the first of them without folding the whole text.
    """
    sources = _fold_sources()

    def one(ch: str) -> str:
        chars = (ch if fold(ch) == ch else "") + sources.get(ch, "")
        if len(chars) == 1:
            return re.escape(chars)
        return "[" + "".join(re.escape(c) for c in chars) + "]" if chars else "(?!)"

    return re.compile("|".join("".join(one(ch) for ch in needle) for needle in needles) or "(?!)")


def normalize_query(text: str) -> str:
    """Fold a user query: OpenCC phrase conversion first, then per-character folding; truncated."""
    text = (text or "")[: MAX_QUERY_CHARS * 4]
    if not text.isascii():
        with contextlib.suppress(Exception):  # OpenCC is a nicety; the per-char table still applies
            text = _OPENCC.convert(text)
    return fold(text)[:MAX_QUERY_CHARS]


def segments(folded: str) -> list[str]:
    """Split folded text into CJK runs and Latin/digit words; everything else separates."""
    return SEGMENT_RE.findall(folded)


def is_cjk(segment: str) -> bool:
    return bool(CJK_RE.match(segment))


def bigrams(run: str) -> list[str]:
    """Character bigrams of one CJK run; a one-character run is its own token."""
    if len(run) < 2:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def index_tokens(text: str) -> list[str]:
    """Tokens written to the index for ``text``: bigrams + last char per CJK run, words otherwise."""
    tokens: list[str] = []
    for seg in SEGMENT_RE.findall(fold(text)):
        if is_cjk(seg[0]):
            if len(seg) > 1:
                tokens.extend(seg[i : i + 2] for i in range(len(seg) - 1))
            tokens.append(seg[-1])
        else:
            tokens.append(seg)
    return tokens


class BigramTokenizer(Tokenizer):
    """Whoosh tokenizer emitting :func:`index_tokens` (no positions: queries never need phrases)."""

    def __eq__(self, other):
        return isinstance(other, BigramTokenizer)

    def __hash__(self):
        return hash(type(self).__name__)

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True, **kwargs):
        t = Token(positions, chars, removestops=removestops, **kwargs)
        for pos, text in enumerate(index_tokens(value)):
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = text
            if positions:
                t.pos = pos
            yield t


def bigram_analyzer():
    return BigramTokenizer()


def _readings(ch: str, default: str) -> tuple[str, ...]:
    extra = POLYPHONES.get(ch)
    if not extra:
        return (default,)
    return (default,) + tuple(r for r in extra if r != default)


@functools.lru_cache(maxsize=8192)
def char_readings(text: str) -> tuple[tuple[str, ...], ...]:
    """Per-character pinyin readings (tone-less, ü as v); non-CJK characters map to themselves."""
    folded = fold(text)
    out: list[tuple[str, ...]] = []
    for ch in folded:
        if CJK_RE.match(ch):
            default = lazy_pinyin(ch, style=Style.NORMAL, v_to_u=False)[0].lower()
            out.append(_readings(ch, default))
        elif ch.isalnum():
            out.append((ch,))
        else:
            out.append(())
    return tuple(out)


@functools.lru_cache(maxsize=8192)
def name_pinyin(name: str) -> list[list[str]]:
    """Syllable lists for ``name``: the phrase-aware reading first, then polyphone variants."""
    folded = "".join(SEGMENT_RE.findall(fold(name)))
    if not folded:
        return []
    base = [s.lower() for s in lazy_pinyin(folded, style=Style.NORMAL, errors="ignore") if s.strip()]
    if len(base) != len(folded):
        base = [p[0] for p in pinyin(folded, style=Style.NORMAL, errors=lambda x: list(x))]
        base = [s.lower() for s in base]
    options = []
    for ch, default in zip(folded, base, strict=False):
        options.append(_readings(ch, default) if CJK_RE.match(ch) else (default,))
    variants = [list(v) for v in itertools.islice(itertools.product(*options), MAX_PINYIN_VARIANTS)]
    if base not in variants:
        variants.insert(0, base)
    return variants


def pinyin_tokens(names: list[str]) -> tuple[list[str], list[str]]:
    """Full-pinyin and initials suffix tokens (from every syllable boundary) for ``names``."""
    full: set[str] = set()
    initials: set[str] = set()
    for name in names:
        for syllables in name_pinyin(name):
            n = len(syllables)
            for i in range(n):
                full.add("".join(syllables[i:]))
                if n - i >= 2:
                    initials.add("".join(s[0] for s in syllables[i:] if s))
    return sorted(full), sorted(initials)


def latin_key(text: str) -> str:
    """A pinyin query key: lower-case letters only (spaces and apostrophes dropped, ü as v)."""
    folded = fold(text).replace("ü", "v")
    return "".join(c for c in folded if "a" <= c <= "z")


def sort_pinyin(name: str) -> str:
    """Plain pinyin of ``name`` for alphabetical sorting."""
    variants = name_pinyin(name)
    return " ".join(variants[0]) if variants else fold(name)
