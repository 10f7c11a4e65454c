"""Sensitive personal information: phone normalisation, masking, keyed hashing, encryption at rest.

Keys: ``HOTLINE_DATA_KEY`` (config or environment), one or more Fernet keys separated by commas, newest
first. Without it a key is generated once into ``instance/hotline-data.key`` (mode 0600). Rotation: put a
new key in front, run ``flask hotline rotate-key`` to re-encrypt, then drop the old key.
The phone hash key is derived from the OLDEST configured key (or ``HOTLINE_HASH_KEY`` when set) so that
lookups keep working while keys rotate.
"""

import hashlib
import hmac
import json
import os
import re
import unicodedata
import zlib
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from sqlalchemy import Text, select, type_coerce
from sqlalchemy.types import TypeDecorator

from app.extensions import db
from app.web.errors import DomainError

KEY_FILE = "hotline-data.key"
_MOBILE = re.compile(r"1[3-9]\d{9}")
_SEPARATORS = re.compile(r"[\s\-－—–.()（）]+")


class InvalidPhone(DomainError, ValueError):
    """The input is not a mainland China mobile number."""

    default = "请填写 11 位手机号码（中国大陆），例如 138 1234 5678。"


def normalize_phone(raw: str | None) -> str:
    """Return the 11-digit mainland mobile number in ``raw`` (spaces, dashes, +86, full-width allowed)."""
    if raw is None:
        raise InvalidPhone("请填写手机号码。")
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    if not text:
        raise InvalidPhone("请填写手机号码。")
    text = _SEPARATORS.sub("", text)
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    if not text.isascii() or not _MOBILE.fullmatch(text):
        raise InvalidPhone()
    return text


def mask_phone(phone: str | None) -> str:
    """Show only the first three and last four digits: ``138****1234``."""
    if not phone:
        return ""
    if len(phone) < 8:
        return "****"
    return f"{phone[:3]}****{phone[-4:]}"


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


def _hash_key() -> bytes:
    cache = current_app.extensions.setdefault("hotline_privacy", {})
    if "hash_key" not in cache:
        base = current_app.config.get("HOTLINE_HASH_KEY") or _keys()[-1]
        cache["hash_key"] = hashlib.sha256(b"zq-hotline-phone-hash:" + base.encode()).digest()
    return cache["hash_key"]


def reset_key_cache(app=None) -> None:
    """Forget cached keys (after a configuration change, e.g. in tests)."""
    (app or current_app).extensions.pop("hotline_privacy", None)


def phone_hash(phone: str) -> str:
    """Keyed hash (HMAC-SHA256, hex) of a normalised phone number, for lookups without decrypting."""
    return hmac.new(_hash_key(), phone.encode(), hashlib.sha256).hexdigest()


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


def rotate_encryption() -> int:
    """Re-encrypt every ``EncryptedText`` value in every table with the newest key."""
    count = 0
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, EncryptedText)]
        if not columns:
            continue
        pk = list(table.primary_key.columns)[0]
        raw = table.c
        stmt = select(pk, *[raw[c.name].cast(db.Text).label(c.name) for c in columns])
        for row in db.session.execute(stmt).mappings().all():
            # type_coerce: write the new token as plain text (the column type would encrypt it again).
            values = {c.name: type_coerce(rotate(row[c.name]), db.Text) for c in columns if row[c.name]}
            if values:
                db.session.execute(table.update().where(pk == row[pk.name]).values(**values))
                count += 1
    db.session.commit()
    return count
