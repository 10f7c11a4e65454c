"""Encryption at rest with Fernet: the keys, ``encrypt``/``decrypt`` and the ``EncryptedText`` column type.

A leaf module (no feature imports) shared by the hotline (personal data) and accounts (second-factor
secrets). Keys: ``HOTLINE_DATA_KEY`` (config or environment), one or more Fernet keys separated by commas,
newest first. Without it a key is generated once into ``instance/hotline-data.key`` (mode 0600).
"""

import json
import os
import zlib
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

KEY_FILE = "hotline-data.key"
__all__ = [
    "KEY_FILE",
    "EncryptedText",
    "InvalidToken",
    "decrypt",
    "encrypt",
    "reset_key_cache",
    "rotate",
    "seal",
    "unseal",
]


def _key_file(instance_path: str) -> Path:
    return Path(instance_path) / KEY_FILE


def _load_or_create_key(instance_path: str) -> str:
    """Read the instance key file, creating it atomically (0600) the first time."""
    path = _key_file(instance_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        key = Fernet.generate_key()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process won the race; read its key below
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(key)
    return path.read_text().strip()


def _keys() -> list[str]:
    """The configured Fernet keys, newest first."""
    app = current_app
    cache = app.extensions.setdefault("hotline_privacy", {})
    if "keys" not in cache:
        configured = app.config.get("HOTLINE_DATA_KEY") or os.environ.get("HOTLINE_DATA_KEY") or ""
        keys = [k.strip() for k in configured.split(",") if k.strip()]
        if not keys:
            keys = [_load_or_create_key(app.instance_path)]
        cache["keys"] = keys
    return cache["keys"]


def _fernet() -> MultiFernet:
    cache = current_app.extensions.setdefault("hotline_privacy", {})
    if "fernet" not in cache:
        cache["fernet"] = MultiFernet([Fernet(k.encode()) for k in _keys()])
    return cache["fernet"]


def reset_key_cache(app=None) -> None:
    """Forget cached keys (after a configuration change, e.g. in tests)."""
    (app or current_app).extensions.pop("hotline_privacy", None)


def encrypt(text: str) -> str:
    """Encrypt ``text`` with the newest key; returns an ASCII token."""
    return _fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """Decrypt a token made with any configured key (raises ``InvalidToken`` otherwise)."""
    return _fernet().decrypt(token.encode("ascii")).decode("utf-8")


def rotate(token: str) -> str:
    """Re-encrypt ``token`` with the newest key."""
    return _fernet().rotate(token.encode("ascii")).decode("ascii")


def seal(data: dict) -> str:
    """Encrypt a small JSON-able dict (compressed) for keeping form state in the session cookie."""
    raw = zlib.compress(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    return _fernet().encrypt(raw).decode("ascii")


def unseal(token: str | None, max_age: int | None = None) -> dict | None:
    """Decrypt ``seal()`` output; None when missing, tampered with or older than ``max_age`` seconds."""
    if not token:
        return None
    try:
        raw = _fernet().decrypt(token.encode("ascii"), ttl=max_age)
        data = json.loads(zlib.decompress(raw).decode("utf-8"))
    except (InvalidToken, ValueError, zlib.error):
        return None
    return data if isinstance(data, dict) else None


class EncryptedText(TypeDecorator):
    """A text column stored as a Fernet token; reads and writes plain ``str`` transparently."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return encrypt(str(value))

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        try:
            return decrypt(value)
        except InvalidToken:
            current_app.logger.error("hotline: a value could not be decrypted (wrong HOTLINE_DATA_KEY?)")
            return "（无法解密）"
