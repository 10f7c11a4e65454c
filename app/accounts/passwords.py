"""Password rules (ASVS 6.2): at least 10 characters, no composition rules, nothing guessable.

Refused: the common-password list kept next to this module, one character repeated or a short unit
repeated, runs such as ``1234567890``/``abcdefghij``/``qwertyuiop``, and the username (alone or
with only digits and symbols added).
"""

from functools import cache
from pathlib import Path

MIN_PASSWORD = 10
MAX_PASSWORD = 128
LIST_FILE = Path(__file__).with_name("common_passwords.txt")
KEYBOARD_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "abcdefghijklmnopqrstuvwxyz")


@cache
def common_passwords() -> frozenset[str]:
    """The common-password list (lower case)."""
    lines = LIST_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def _is_repeat(text: str) -> bool:
    """One character or a unit of up to 4 characters repeated (``aaaaaaaaaa``, ``abcabcabca``)."""
    for size in range(1, 5):
        unit = text[:size]
        if (unit * (len(text) // size + 1)).startswith(text):
            return True
    return len(set(text)) <= 2


def _is_run(text: str) -> bool:
    """A run along the alphabet, the digits or a keyboard row, forwards or backwards (cyclic)."""
    for row in KEYBOARD_ROWS:
        for line in (row, row[::-1]):
            doubled = line * (len(text) // len(line) + 2)
            if text in doubled:
                return True
    return False


def password_problem(password: str, username: str = "") -> str | None:
    """The Chinese reason ``password`` is refused, or None when it is acceptable."""
    if len(password) < MIN_PASSWORD:
        return f"密码至少需要 {MIN_PASSWORD} 个字符。"
    if len(password) > MAX_PASSWORD:
        return f"密码不能超过 {MAX_PASSWORD} 个字符。"
    lowered = password.lower()
    name = (username or "").strip().lower()
    if name and lowered == name:
        return "密码不能与用户名相同。"
    if (
        name
        and len(name) >= 3
        and name in lowered
        and not any(c.isalpha() for c in lowered.replace(name, ""))
    ):
        return "密码不能只是用户名加数字或符号。"
    if _is_repeat(lowered) or _is_run(lowered):
        return "密码不能是重复或连续的字符（如 aaaaaaaaaa、1234567890）。"
    if lowered in common_passwords():
        return "这个密码太常见，很容易被猜到，请换一个。"
    return None
