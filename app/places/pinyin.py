"""Pinyin for place names: tone-marked, plain and initials, with place-name readings of polyphones.

pypinyin reads 长 as zhǎng in 长清 and 长山; in place names it is almost always cháng (long), and
zhǎng only in titles such as 村长 or 县长. 埠 (wharf) is always bù. The overrides below apply those
readings without touching pypinyin's global dictionaries (the search package uses pypinyin too).
"""

from pypinyin import Style, pinyin

# 长 reads zhǎng after these characters (村长, 县长, 校长, 家长 …) and before these (长官, 长者 …).
_ZHANG_AFTER = set("村镇乡县区市省校队连营团师军排班社站部局家兄厂所首酋族")
_ZHANG_BEFORE = set("官者辈老孙子")
_ALWAYS = {"埠": ("bù", "bu")}
_VOWEL_START = ("a", "o", "e", "ā", "á", "ǎ", "à", "ō", "ó", "ǒ", "ò", "ē", "é", "ě", "è")


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def syllables(text: str) -> list[tuple[str, str]]:
    """Return (tone-marked, plain) syllables for each Han character; runs of letters/digits stay whole."""
    text = (text or "").strip()
    # errors=list keeps one item per character, so items align with the characters of ``text``.
    tones = pinyin(text, style=Style.TONE, errors=list)
    plains = pinyin(text, style=Style.NORMAL, errors=list)
    out: list[tuple[str, str]] = []
    run = ""
    for index, char in enumerate(text):
        tone, plain = tones[index][0], plains[index][0]
        if not _is_han(char):
            if char.isalnum():
                run += char
                continue
            if run:
                out.append((run, run.lower()))
                run = ""
            continue
        if run:
            out.append((run, run.lower()))
            run = ""
        if char == "长":
            before = text[index - 1] if index > 0 else ""
            after = text[index + 1] if index + 1 < len(text) else ""
            zhang = before in _ZHANG_AFTER or after in _ZHANG_BEFORE
            tone, plain = ("zhǎng", "zhang") if zhang else ("cháng", "chang")
        elif char in _ALWAYS:
            tone, plain = _ALWAYS[char]
        out.append((tone, plain))
    if run:
        out.append((run, run.lower()))
    return out


def tone_pinyin(text: str) -> str:
    """Tone-marked pinyin, one syllable per character separated by spaces: 明水 → "míng shuǐ"."""
    return " ".join(tone for tone, _ in syllables(text))


def plain_pinyin(text: str) -> str:
    """Lower-case pinyin without tones or spaces, used for name order and matching: "mingshui"."""
    return "".join(plain for _, plain in syllables(text)).lower()


def initials(text: str) -> str:
    """First letter of each syllable: 明水街道 → "msjd"."""
    return "".join(plain[0] for _, plain in syllables(text) if plain).lower()


def display_pinyin(text: str) -> str:
    """Place-name style: syllables joined, apostrophe before a/o/e, first letter capitalised: Xī'ān."""
    parts: list[str] = []
    for tone, _plain in syllables(text):
        if parts and tone.startswith(_VOWEL_START):
            parts.append("'")
        parts.append(tone)
    joined = "".join(parts)
    return joined[:1].upper() + joined[1:]
