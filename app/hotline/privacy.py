"""Sensitive personal information: phone normalisation, masking, keyed hashing, encryption at rest.

Keys: ``HOTLINE_DATA_KEY`` (config or environment), one or more Fernet keys separated by commas, newest
first. Without it a key is generated once into ``instance/hotline-data.key`` (mode 0600). Rotation: put a
new key in front, run ``flask hotline rotate-key`` to re-encrypt, then drop the old key.
The phone hash key is derived from the OLDEST configured key (or ``HOTLINE_HASH_KEY`` when set) so that
lookups keep working while keys rotate.
"""

import hashlib
import hmac
import re
import unicodedata

from flask import current_app
from sqlalchemy import select, type_coerce

from app.extensions import db
from app.web.crypto import (  # noqa: F401  (re-exported: the hotline's historical home of these)
    EncryptedText,
    _key_file,
    _keys,
    _load_or_create_key,
    decrypt,
    encrypt,
    reset_key_cache,
    rotate,
    seal,
    unseal,
)
from app.web.errors import DomainError

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


def _hash_key() -> bytes:
    cache = current_app.extensions.setdefault("hotline_privacy", {})
    if "hash_key" not in cache:
        base = current_app.config.get("HOTLINE_HASH_KEY") or _keys()[-1]
        cache["hash_key"] = hashlib.sha256(b"zq-hotline-phone-hash:" + base.encode()).digest()
    return cache["hash_key"]


def phone_hash(phone: str) -> str:
    """Keyed hash (HMAC-SHA256, hex) of a normalised phone number, for lookups without decrypting."""
    return hmac.new(_hash_key(), phone.encode(), hashlib.sha256).hexdigest()


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
