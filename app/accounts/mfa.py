"""Second factor: TOTP (RFC 6238, 30 s steps, 6 digits) and one-time recovery codes.

Required for counselors and admins (``MFA_REQUIRED_FOR_ALL`` extends it to every staff account), optional
for the others. The secret is encrypted at rest (``EncryptedText``); a code is accepted once (the last
accepted time step is stored) with one step of clock drift either way; five wrong codes lock the account
like wrong passwords used to. Recovery codes are shown once and stored as salted SHA-256.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

import pyotp
import segno
from flask import current_app
from markupsafe import Markup
from sqlalchemy import delete, select

from app.accounts import sessions
from app.accounts.models import AccountEvent, RecoveryCode, User
from app.extensions import client_address, db
from app.web.time import utcnow

REQUIRED_ROLES = ("admin", "counselor")
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
DRIFT_STEPS = 1


def required_for(user: User) -> bool:
    """Whether ``user`` must pass a second factor at sign-in (their role, the setting, or enrolled)."""
    if user.has_mfa:
        return True
    return current_app.config.get("MFA_REQUIRED_FOR_ALL") or user.has_any_role(*REQUIRED_ROLES)


def new_secret() -> str:
    """A fresh random base32 TOTP secret (160 bits)."""
    return pyotp.random_base32(32)


def provisioning_uri(user: User, secret: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(
        name=user.username, issuer_name=current_app.config["MFA_ISSUER"]
    )


def qr_svg(uri: str) -> Markup:
    """The QR code as inline SVG markup (no style attributes: the CSP forbids inline styles)."""
    qr = segno.make(uri, error="m")
    svg = qr.svg_inline(scale=5, dark="#000", light="#fff", svgclass="qr-code", lineclass=None)
    labelled = svg.replace("<svg ", '<svg role="img" aria-label="二维码：用身份验证器扫描" ', 1)
    return Markup(labelled)  # noqa: S704  (segno's own markup: the URI is drawn as modules, never echoed)


def group(secret: str) -> str:
    """The secret in groups of four characters, for typing by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _clean(code: str | None) -> str:
    return "".join(ch for ch in (code or "") if not ch.isspace() and ch != "-")


def matching_step(secret: str, code: str, after: int | None, now=None) -> int | None:
    """The time step (within ±1 of now, later than ``after``) whose code is ``code``; None otherwise."""
    code = _clean(code)
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now or utcnow())
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if after is not None and step <= after:
            continue  # already used (replay) or older than a used code
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def verify(user: User, code: str, now=None) -> bool:
    """Check a TOTP code for an enrolled user and consume it (a replay within its window is refused)."""
    if not user.has_mfa:
        return False
    step = matching_step(user.totp_secret, code, user.totp_last_step, now)
    if step is None:
        return False
    user.totp_last_step = step
    return True


def _hash_code(code: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(8)
    return f"{salt}${hashlib.sha256((salt + _clean(code).lower()).encode()).hexdigest()}"


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash_code(raw)))
    return codes


def enrol(user: User, secret: str, code: str, now=None) -> list[str] | None:
    """Confirm enrolment with a code from the new secret; returns the recovery codes (None: wrong code)."""
    step = matching_step(secret, code, None, now)
    if step is None:
        return None
    user.totp_secret = secret
    user.totp_last_step = step
    user.totp_enrolled_at = utcnow()
    codes = _new_recovery_codes(user)
    log(user, "mfa_enrol", user)
    db.session.commit()
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    """Accept an unused recovery code once; it is spent afterwards."""
    cleaned = _clean(code).lower()
    if not user.has_mfa or len(cleaned) != 10:
        return False
    rows = db.session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ).all()
    for row in rows:
        salt, _, _digest = row.code_hash.partition("$")
        if hmac.compare_digest(_hash_code(cleaned, salt), row.code_hash):
            row.used_at = utcnow()
            log(user, "recovery_code", user)
            return True
    return False


def recovery_codes_left(user: User) -> int:
    """How many unused recovery codes the user has."""
    rows = db.session.scalars(
        select(RecoveryCode.id).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ).all()
    return len(rows)


def record_failure(user: User) -> bool:
    """Count a wrong code; lock the account after ``LOGIN_MAX_FAILURES``. True when now locked."""
    config = current_app.config
    user.failed_logins += 1
    user.failures_since_login += 1
    locked = user.failed_logins >= config["LOGIN_MAX_FAILURES"]
    if locked:
        user.locked_until = utcnow() + timedelta(minutes=config["LOGIN_LOCKOUT_MINUTES"])
        user.failed_logins = 0
    db.session.commit()
    return locked


def reset(user: User, actor: User | None) -> None:
    """Remove a user's second factor (they enrol again at next sign-in) and end their sessions."""
    user.totp_secret = None
    user.totp_enrolled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    log(user, "mfa_reset", actor)
    sessions.end_all(user)


def log(user: User, action: str, actor: User | None) -> None:
    """Add a row to the accounts access log (committed by the caller)."""
    try:
        address = client_address()
    except RuntimeError:  # outside a request (CLI)
        address = "cli"
    db.session.add(
        AccountEvent(user_id=user.id, actor_id=actor.id if actor else None, action=action, address=address)
    )
