"""Privacy primitives: phone normalisation, masking, keyed hash, encryption at rest and key rotation."""

import pytest
from cryptography.fernet import Fernet

from app.extensions import db
from app.hotline import privacy
from app.hotline.privacy import InvalidPhone, mask_phone, normalize_phone


@pytest.mark.parametrize(
    "raw",
    ["13812341234", "138 1234 1234", "138-1234-1234", "+86 138 1234 1234", "0086 13812341234",
     "８６１３８１２３４１２３４", "１３８１２３４１２３４", " (138)1234-1234 ", "+8613812341234"],
)  # fmt: skip
def test_normalize_accepts_common_ways_of_writing_a_mobile(raw):
    """Spaces, dashes, +86/0086 and full-width digits all give the same 11 digits."""
    assert normalize_phone(raw) == "13812341234"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        None,
        "12812341234",
        "1381234123",
        "138123412345",
        "0531-83212345",
        "abc",
        "1381234123a",
        "١٣٨١٢٣٤١٢٣٤",
    ],
)
def test_normalize_refuses_non_mobiles_with_chinese_message(raw):
    """Landlines, wrong lengths, letters and other scripts are refused with a Chinese message."""
    with pytest.raises(InvalidPhone) as info:
        normalize_phone(raw)
    assert "手机号码" in info.value.message


def test_mask_phone():
    """Lists show only the first three and last four digits."""
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("") == ""


def test_phone_hash_is_keyed_and_stable(app):
    """The same number hashes the same; the hash is not a plain SHA-256 of the number."""
    import hashlib

    h = privacy.phone_hash("13812341234")
    assert h == privacy.phone_hash("13812341234")
    assert h != privacy.phone_hash("13812341235")
    assert h != hashlib.sha256(b"13812341234").hexdigest()


def test_encrypt_roundtrip_and_rotation(app):
    """Tokens decrypt with any configured key; rotate() re-encrypts with the newest one."""
    token = privacy.encrypt("秘密 canary")
    assert "canary" not in token
    assert privacy.decrypt(token) == "秘密 canary"
    old_keys = privacy._keys()
    new_key = Fernet.generate_key().decode()
    app.config["HOTLINE_DATA_KEY"] = ",".join([new_key, *old_keys])
    privacy.reset_key_cache()
    try:
        rotated = privacy.rotate(token)
        assert Fernet(new_key.encode()).decrypt(rotated.encode()).decode() == "秘密 canary"
        assert privacy.decrypt(token) == "秘密 canary"
    finally:
        app.config["HOTLINE_DATA_KEY"] = None
        privacy.reset_key_cache()


def test_key_file_is_private(app):
    """Without HOTLINE_DATA_KEY a key file is created in instance/ readable by the owner only."""
    import os
    import stat

    privacy.encrypt("x")
    path = privacy._key_file(app.instance_path)
    if not app.config.get("HOTLINE_DATA_KEY") and path.exists():
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_encrypted_column_is_unreadable_in_the_database(app):
    """EncryptedText stores a token: the plain text is not in the table."""
    column = privacy.EncryptedText()
    stored = column.process_bind_param("家里有人打我 CANARY-1", db.engine.dialect)
    assert "CANARY" not in stored
    assert column.process_result_value(stored, db.engine.dialect) == "家里有人打我 CANARY-1"
