"""Environment-driven configuration."""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("INSTANCE_PATH", ROOT / "instance"))
DEV_SECRET_FILE = "secret_key"  # noqa: S105  (a file name, not a secret)


def _dev_secret_key(instance: Path) -> str:
    """Return a random development key kept in ``instance/`` so sessions survive restarts."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / DEV_SECRET_FILE
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    ENV_NAME = os.environ.get("APP_ENV", "development")
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE / 'app.db'}"
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SEARCH_INDEX_DIR = os.environ.get("SEARCH_INDEX_DIR") or str(INSTANCE / "search-index")
    SEARCH_LOCK_TIMEOUT = float(os.environ.get("SEARCH_LOCK_TIMEOUT", "2"))
    SEARCH_OUTBOX_INTERVAL = float(os.environ.get("SEARCH_OUTBOX_INTERVAL", "1"))  # issue 10: several hosts
    SEARCH_OUTBOX_KEEP_DAYS = float(
        os.environ.get("SEARCH_OUTBOX_KEEP_DAYS", "7")
    )  # the outbox job's retention
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR") or str(INSTANCE / "uploads")
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the token is bound to the session, which itself expires
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)  # staff sessions expire after 8 h idle
    SESSION_REFRESH_EACH_REQUEST = True
    HOTLINE_PHONE = os.environ.get("HOTLINE_PHONE", "0531-83212345")
    HOTLINE_DATA_KEY = os.environ.get("HOTLINE_DATA_KEY")  # Fernet key(s), comma separated; newest first
    # Keys the phone lookup hash; unset = derived from the oldest HOTLINE_DATA_KEY (keep that key listed).
    HOTLINE_HASH_KEY = os.environ.get("HOTLINE_HASH_KEY") or None
    HOTLINE_WAITLIST_HOLD_HOURS = int(os.environ.get("HOTLINE_WAITLIST_HOLD_HOURS", "2"))
    HOTLINE_RETENTION_DAYS = int(os.environ.get("HOTLINE_RETENTION_DAYS", "180"))
    BUREAU_NAME = "济南市章丘区民政局"
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCKOUT_MINUTES = 15
    # Issue 15: sign-in limits keyed on what they protect, second factor, sessions, proxy, site URL.
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "300 per hour")  # per address: one NAT = many
    LOGIN_ACCOUNT_RATE_LIMIT = os.environ.get("LOGIN_ACCOUNT_RATE_LIMIT", "60 per hour")  # per account
    # Per (account, address), counting only failures: growing delays instead of a lock strangers trigger.
    LOGIN_ACCOUNT_ADDRESS_RATE_LIMIT = os.environ.get(
        "LOGIN_ACCOUNT_ADDRESS_RATE_LIMIT", "5 per 5 minutes;10 per hour;20 per day"
    )
    MFA_RATE_LIMIT = os.environ.get("MFA_RATE_LIMIT", "30 per 5 minutes")  # code page, per address
    MFA_REQUIRED_FOR_ALL = os.environ.get("MFA_REQUIRED_FOR_ALL", "0") == "1"
    MFA_ISSUER = os.environ.get("MFA_ISSUER", "章丘区民政局")
    MFA_PENDING_SECONDS = 600  # a half-signed-in session has 10 minutes to give its code
    STAFF_SESSION_ABSOLUTE_HOURS = int(os.environ.get("STAFF_SESSION_ABSOLUTE_HOURS", "12"))
    PROXY_FIX_TRUSTED = int(os.environ.get("PROXY_FIX_TRUSTED", "0"))  # proxies setting X-Forwarded-*
    SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")  # absolute URLs in sitemap.xml and robots.txt
    TRUSTED_HOSTS = [h.strip() for h in os.environ.get("TRUSTED_HOSTS", "").split(",") if h.strip()] or None
    HSTS_MAX_AGE = int(os.environ.get("HSTS_MAX_AGE", "31536000"))
    # Booking limits (issue 15): per address sized for a mobile carrier's NAT, per phone, per slot day.
    HOTLINE_BOOKING_RATE_LIMIT = os.environ.get("HOTLINE_BOOKING_RATE_LIMIT", "60 per hour;300 per day")
    HOTLINE_BOOKING_PHONE_RATE_LIMIT = os.environ.get(
        "HOTLINE_BOOKING_PHONE_RATE_LIMIT", "3 per hour;5 per day"
    )
    HOTLINE_BOOKING_SLOT_DAY_RATE_LIMIT = os.environ.get("HOTLINE_BOOKING_SLOT_DAY_RATE_LIMIT", "40 per day")

    # Issue 13: edits to live policy articles wait as drafts; "1" = a second editor (not the draft's last
    # author) must press 发布修改 (app/policies/services.py).
    POLICIES_REQUIRE_SECOND_EDITOR = os.environ.get("POLICIES_REQUIRE_SECOND_EDITOR", "0") == "1"

    # Issue 12: page cache and browser caching of anonymous public pages (app/web/caching.py).
    CACHE_URL = os.environ.get("CACHE_URL", "simple")  # "simple" per process, redis://… shared, "null" off
    PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "60"))  # server-side lifetime; 0 = off
    PAGE_CACHE_THRESHOLD = int(os.environ.get("PAGE_CACHE_THRESHOLD", "500"))  # pages kept per process
    PAGE_MAX_AGE = int(os.environ.get("PAGE_MAX_AGE", "60"))  # Cache-Control max-age of public pages


class TestConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
    WTF_CSRF_ENABLED = True
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    SERVER_NAME = None
    # Cheap argon2id for tests only (production keeps argon2-cffi's recommended parameters).
    ARGON2_PARAMS = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


def finalize(app_config: dict, instance: Path) -> None:
    """Fill values that depend on the environment; refuse unsafe production settings."""
    if not app_config.get("SECRET_KEY"):
        if app_config.get("ENV_NAME") == "production":
            raise RuntimeError("SECRET_KEY must be set in production (APP_ENV=production).")
        app_config["SECRET_KEY"] = _dev_secret_key(instance)
    if app_config.get("ENV_NAME") == "production" and app_config["SECRET_KEY"] in {
        TestConfig.SECRET_KEY,
        "dev",
        "change-me",
    }:
        raise RuntimeError("Refusing to start in production with a default SECRET_KEY.")
    if app_config.get("ENV_NAME") == "production" and not app_config.get("TRUSTED_HOSTS"):
        site_host = urlsplit(app_config.get("SITE_URL") or "").hostname
        if site_host:  # production answers only to its own host name (Flask checks TRUSTED_HOSTS)
            app_config["TRUSTED_HOSTS"] = [site_host]
