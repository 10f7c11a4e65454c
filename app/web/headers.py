"""Response header helpers that write the header string directly.

werkzeug's ``response.vary`` and ``response.cache_control`` parse the header into an object and write it
back on every change: ~10–20 µs each, several times per page in the after-request hooks (issue 12).
"""

from werkzeug.wrappers import Response


def add_vary(response: Response, *names: str) -> None:
    """Add ``names`` to the ``Vary`` header unless present (case-insensitively); keeps the existing order."""
    current = response.headers.get("Vary")
    if not current:
        response.headers["Vary"] = ", ".join(names)
        return
    present = {part.strip().lower() for part in current.split(",")}
    if "*" in present:
        return
    extra = [name for name in names if name.lower() not in present]
    if extra:
        response.headers["Vary"] = ", ".join([current, *extra])
