"""URL helpers."""

from urllib.parse import urlsplit


def safe_next(target: str | None, default: str | None = None) -> str | None:
    """Return ``target`` only when it is a local absolute path (no scheme, host, or ``//``)."""
    if not target:
        return default
    target = target.strip()
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target
