"""HOTLINE_HASH_KEY (issue 13): read from the environment like HOTLINE_DATA_KEY, and used for phone hashes."""

import hashlib
import hmac
import os
import subprocess
import sys

from app.hotline.privacy import phone_hash


def test_hash_key_is_read_from_the_environment():
    """``Config`` takes HOTLINE_HASH_KEY from the environment (a fresh interpreter, as in production)."""
    code = "from app.config import Config; print(Config.HOTLINE_HASH_KEY)"
    env = dict(os.environ, HOTLINE_HASH_KEY="from-the-environment")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "from-the-environment"
    env.pop("HOTLINE_HASH_KEY")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "None"


def test_configured_hash_key_keys_the_phone_hash(other_app):
    """With HOTLINE_HASH_KEY set, phone hashes are HMACs under that key, not under the data key."""
    keyed = other_app(HOTLINE_HASH_KEY="k-1")
    with keyed.app_context():
        digest = hashlib.sha256(b"zq-hotline-phone-hash:k-1").digest()
        assert phone_hash("13812341234") == hmac.new(digest, b"13812341234", hashlib.sha256).hexdigest()
    with other_app(HOTLINE_HASH_KEY="k-2").app_context():
        assert phone_hash("13812341234") != hmac.new(digest, b"13812341234", hashlib.sha256).hexdigest()
