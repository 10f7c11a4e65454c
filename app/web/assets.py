"""Versioned static files: content-hashed URLs over a manifest, immutable caching, precompressed .br/.gz.

``make setup`` runs ``assets.main()`` which writes ``static/.manifest.json`` (path → hash) and a
``.br`` and ``.gz`` next to every compressible file. ``url_for('static', filename='css/site.css')`` (or the
``static_url()`` template global) then gives ``/static/css/site.3f2a9c1e0b7d.css``: that URL is served with
``Cache-Control: public, max-age=31536000, immutable``, so a repeat visit fetches only the HTML. The plain
path keeps working (``no-cache``, revalidated by ETag). nginx serves the same files with the same headers.
"""

import gzip
import hashlib
import json
import logging
import mimetypes
import re
import sys
from pathlib import Path

import brotli
from flask import Flask, current_app, request, send_from_directory
from flask_compress.flask_compress import _choose_algorithm
from werkzeug.exceptions import NotFound
from werkzeug.security import safe_join

from app.web.headers import add_vary
from app.web.urls import remembered_url_for

log = logging.getLogger(__name__)

MANIFEST = ".manifest.json"
HASH_LEN = 12
COMPRESSIBLE = frozenset({".css", ".js", ".svg", ".json", ".geojson", ".txt", ".xml", ".map", ".ics"})
PRECOMPRESS_MIN_SIZE = 500  # the same threshold below which pages are not compressed either
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, no-cache"
ENCODING_SUFFIX = {"br": ".br", "gzip": ".gz"}
_VERSIONED = re.compile(rf"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{{{HASH_LEN}}})(?P<ext>\.[A-Za-z0-9]+)$")
_EXTENSION_KEY = "zq_assets"


def _sources(static_dir: Path):
    """Every static file except the generated manifest and precompressed copies."""
    for path in sorted(static_dir.rglob("*")):
        if path.is_file() and path.name != MANIFEST and path.suffix not in {".br", ".gz"}:
            yield path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:HASH_LEN]


def versioned_name(filename: str, digest: str) -> str:
    """``css/site.css`` + hash → ``css/site.<hash>.css`` (no extension: ``name.<hash>``)."""
    stem, dot, ext = filename.rpartition(".")
    if not dot or "/" in ext:
        return f"{filename}.{digest}"
    return f"{stem}.{digest}.{ext}"


def scan(static_dir: Path, previous: dict | None = None) -> dict[str, dict]:
    """Hash every static file, reusing ``previous`` entries whose size and mtime are unchanged."""
    previous = previous or {}
    manifest = {}
    for path in _sources(static_dir):
        rel = path.relative_to(static_dir).as_posix()
        stat = path.stat()
        old = previous.get(rel)
        if old and old.get("size") == stat.st_size and old.get("mtime_ns") == stat.st_mtime_ns:
            manifest[rel] = old
        else:
            manifest[rel] = {"hash": _digest(path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    return manifest


def precompress(static_dir: Path) -> int:
    """Write ``.br`` (quality 11) and ``.gz`` (level 9) next to each compressible file; return how many."""
    written = 0
    for path in _sources(static_dir):
        if path.suffix not in COMPRESSIBLE or path.stat().st_size < PRECOMPRESS_MIN_SIZE:
            continue
        data = None
        for suffix, pack in ((".br", lambda d: brotli.compress(d, quality=11)), (".gz", _gzip)):
            target = path.with_name(path.name + suffix)
            if target.exists() and target.stat().st_mtime_ns >= path.stat().st_mtime_ns:
                continue
            data = data if data is not None else path.read_bytes()
            target.write_bytes(pack(data))
            written += 1
    return written


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def build(static_dir: Path) -> dict[str, dict]:
    """The setup step: precompress, then write the manifest (read by every app at start)."""
    previous = _read(static_dir)
    count = precompress(static_dir)
    manifest = scan(static_dir, previous)
    (static_dir / MANIFEST).write_text(json.dumps(manifest, indent=0, sort_keys=True), encoding="utf-8")
    print(f"assets: {len(manifest)} files in {static_dir / MANIFEST}, {count} precompressed copies written")
    return manifest


def _read(static_dir: Path) -> dict:
    try:
        return json.loads((static_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


class Assets:
    """The app's view of its static files: versioned names both ways."""

    def __init__(self, static_dir: Path):
        # A missing or stale manifest (a file edited after `make setup`) is completed in memory.
        manifest = scan(static_dir, _read(static_dir))
        self.static_dir = static_dir
        self.hashes = {rel: entry["hash"] for rel, entry in manifest.items()}
        self.versioned = {rel: versioned_name(rel, digest) for rel, digest in self.hashes.items()}

    def resolve(self, filename: str) -> tuple[str, bool]:
        """Map a requested name to (real file, carries the current hash)."""
        if filename in self.hashes:
            return filename, False
        match = _VERSIONED.match(filename)
        if match:
            real = match["stem"] + match["ext"]
            if self.hashes.get(real) == match["hash"]:
                return real, True
        return filename, False


def get_assets(app: Flask) -> Assets:
    return app.extensions[_EXTENSION_KEY]


def static_url(filename: str) -> str:
    """The versioned URL of a static file (the same as ``url_for('static', filename=...)``)."""
    return remembered_url_for("static", filename=filename)


def _version_static_urls(endpoint: str, values: dict) -> None:
    """url_defaults hook: every ``url_for('static', ...)`` carries the file's content hash."""
    if endpoint == "static" and "filename" in values:
        versioned = get_assets(current_app).versioned.get(values["filename"])
        if versioned:
            values["filename"] = versioned


def _precompressed(static_dir: Path, real: str) -> tuple[str, str] | None:
    """A fresh ``.br``/``.gz`` copy of ``real`` that the client accepts, as (file name, encoding)."""
    if Path(real).suffix not in COMPRESSIBLE:
        return None
    encoding = _choose_algorithm(("br", "gzip"), request.headers.get("Accept-Encoding", ""))
    if encoding is None:
        return None
    source = safe_join(str(static_dir), real)
    candidate = source and Path(source + ENCODING_SUFFIX[encoding])
    try:
        if candidate and candidate.stat().st_mtime_ns >= Path(source).stat().st_mtime_ns:
            return real + ENCODING_SUFFIX[encoding], encoding
    except OSError:
        return None
    return None


def serve_static(filename: str):
    """Serve a static file: immutable under its hashed name, precompressed when the client accepts it."""
    assets = get_assets(current_app)
    real, current = assets.resolve(filename)
    if Path(real).suffix in {".br", ".gz"} or Path(real).name == MANIFEST:
        raise NotFound()
    packed = _precompressed(assets.static_dir, real)
    mimetype = mimetypes.guess_type(real)[0] or "application/octet-stream"
    response = send_from_directory(assets.static_dir, packed[0] if packed else real, mimetype=mimetype)
    del response.headers["Content-Disposition"]  # "inline; filename=…" tells a browser nothing here
    if packed:
        response.headers["Content-Encoding"] = packed[1]
    if Path(real).suffix in COMPRESSIBLE:
        add_vary(response, "Accept-Encoding")
    response.headers["Cache-Control"] = IMMUTABLE if current else REVALIDATE
    return response


def init_app(app: Flask) -> None:
    """Read the manifest, version every static URL and serve static files through ``serve_static``."""
    app.extensions[_EXTENSION_KEY] = Assets(Path(app.static_folder))
    app.url_defaults(_version_static_urls)
    app.view_functions["static"] = serve_static
    app.add_template_global(static_url)


def main() -> None:
    """``make setup``: build the manifest and the copies for ``argv[1]`` (default: the repository's static/)."""
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "static")


if __name__ == "__main__":
    main()
