"""Staff accounts: organizations, passwords (Argon2id), TOTP, sessions, lockout, API tokens.

Staff emails are stored in plaintext, lowercased: they are the work addresses of staff who
chose to hold an account (not data about the people who report), and login needs to find them.
TOTP secrets are encrypted under a per-account data key. Session and API tokens are random;
only their SHA-256 is stored.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.exceptions import InvalidTag
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.core.config import Settings
from bot.store import crypto
from bot.store.models import ApiToken, Organization, Staff, StaffSession, new_id
from bot.store.vault import Vault

ROLES = ("admin", "caseworker", "analyst", "auditor")
SCOPES = ("cases:read", "events:write", "stats:read")
TOKEN_PREFIX = "cmn_"  # noqa: S105  (a visible prefix, not a secret)
ISSUER = "Camino"
MIN_PASSWORD = 12
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,63}")
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{1,58}[a-z0-9]")
_STATE = re.compile(r"MX-[A-Z]{3}")
# An organization's retention period: long enough to act on a case, at most ten years.
MIN_RETENTION_DAYS = 30
MAX_RETENTION_DAYS = 3650

_hasher = PasswordHasher()  # Argon2id with argon2-cffi's RFC 9106 defaults
# Verified when the email is unknown, so a miss costs as much time as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """A request that cannot be carried out, said in one sentence."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalize_email(email: str) -> str:
    value = email.strip().lower()
    if not _EMAIL.fullmatch(value):
        raise AccountError("That is not an email address.")
    return value


def parse_states(text: str) -> list[str]:
    """ISO 3166-2 codes of Mexican states from a list typed with spaces or commas."""
    codes = [part.strip().upper() for part in re.split(r"[\s,;]+", text) if part.strip()]
    bad = [code for code in codes if not _STATE.fullmatch(code)]
    if bad:
        raise AccountError("States are ISO 3166-2 codes such as MX-CHP.")
    return sorted(set(codes))


def org_states(org: Organization) -> list[str]:
    return [code for code in org.states.split() if code]


def parse_retention_days(text: str) -> int | None:
    """An organization's retention period in days, typed by an admin; blank: the global one."""
    value = text.strip()
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 5:
        raise AccountError("The retention period is a whole number of days.")
    days = int(value)
    if not MIN_RETENTION_DAYS <= days <= MAX_RETENTION_DAYS:
        raise AccountError(
            f"The retention period is {MIN_RETENTION_DAYS} to {MAX_RETENTION_DAYS} days."
        )
    return days


# --- organizations and staff ------------------------------------------------------------------


def create_organization(
    db: Session, *, slug: str, name: str, city: str | None, states: list[str], now: datetime
) -> Organization:
    """A new organization covering some states."""
    if not _SLUG.fullmatch(slug):
        raise AccountError("A slug is 3 to 60 lowercase letters, digits or dashes.")
    if db.scalars(select(Organization).where(Organization.slug == slug)).first() is not None:
        raise AccountError("An organization with that slug exists.")
    org = Organization(slug=slug, name=name, city=city, states=" ".join(states), created_at=now)
    db.add(org)
    db.flush()
    return org


def find_organization(db: Session, slug: str) -> Organization | None:
    return db.scalars(select(Organization).where(Organization.slug == slug)).first()


def new_password() -> str:
    """A generated password: 16 characters of the case-code alphabet, easy to type."""
    raw = "".join(secrets.choice(crypto.CODE_ALPHABET.lower()) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def create_staff(
    db: Session,
    vault: Vault,
    *,
    org: Organization,
    email: str,
    role: str,
    password: str,
    language: str = "es",
    now: datetime,
) -> Staff:
    """A staff account with an Argon2id password hash."""
    if role not in ROLES:
        raise AccountError(f"The role must be one of: {', '.join(ROLES)}.")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"A password needs at least {MIN_PASSWORD} characters.")
    address = normalize_email(email)
    if db.scalars(select(Staff).where(Staff.email == address)).first() is not None:
        raise AccountError("An account with that email exists.")
    staff_id = new_id()
    _, wrapped = vault.new_key(f"staff:{staff_id}")
    staff = Staff(
        id=staff_id,
        org_id=org.id,
        email=address,
        password_hash=_hasher.hash(password),
        role=role,
        language=language,
        wrapped_key=wrapped,
        totp_confirmed=False,
        active=True,
        failed_logins=0,
        created_at=now,
    )
    db.add(staff)
    db.flush()
    return staff


# --- TOTP -------------------------------------------------------------------------------------


def _staff_key(vault: Vault, staff: Staff) -> bytes:
    return vault.open_key(staff.wrapped_key, f"staff:{staff.id}")


def totp_secret(vault: Vault, staff: Staff) -> str | None:
    if staff.totp_secret_enc is None:
        return None
    return crypto.decrypt(
        _staff_key(vault, staff), staff.totp_secret_enc, aad=f"staff:{staff.id}:totp"
    ).decode()


def start_totp(vault: Vault, staff: Staff) -> tuple[str, str]:
    """Install a new, unconfirmed TOTP secret at once (provisioning); returns it and its URI."""
    secret = pyotp.random_base32()
    staff.totp_secret_enc = crypto.encrypt(
        _staff_key(vault, staff), secret.encode(), aad=f"staff:{staff.id}:totp"
    )
    staff.totp_confirmed = False
    staff.totp_last_step = None
    uri = pyotp.TOTP(secret).provisioning_uri(name=staff.email, issuer_name=ISSUER)
    return secret, uri


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code was typed (now, or one step either side), or None."""
    digits = "".join(ch for ch in code if ch in "0123456789")
    if len(digits) != 6:
        return None
    totp = pyotp.TOTP(secret)
    step_now = int(now.timestamp()) // totp.interval
    for step in (step_now, step_now - 1, step_now + 1):
        if secrets.compare_digest(totp.generate_otp(step), digits):
            return step
    return None


def check_totp(vault: Vault, staff: Staff, code: str, now: datetime) -> bool:
    """A 6-digit code for now (one step of drift allowed), each code usable only once."""
    secret = totp_secret(vault, staff)
    step = _matching_step(secret, code, now) if secret is not None else None
    if step is None:
        return False
    if staff.totp_last_step is not None and step <= staff.totp_last_step:
        return False  # a replayed code
    staff.totp_last_step = step
    return True


def propose_totp(vault: Vault, staff: Staff) -> tuple[str, str, str]:
    """A new TOTP secret that is not in force yet: the secret, its otpauth:// URI, and the
    secret sealed under the account's key for the enrolment form.

    The account keeps its current secret (and two-factor sign-in) until a code of the new one
    is confirmed, so opening the enrolment page and leaving changes nothing.
    """
    secret = pyotp.random_base32()
    sealed = crypto.encrypt(
        _staff_key(vault, staff), secret.encode(), aad=f"staff:{staff.id}:totp-pending"
    )
    uri = pyotp.TOTP(secret).provisioning_uri(name=staff.email, issuer_name=ISSUER)
    return secret, uri, base64.urlsafe_b64encode(sealed).decode()


def unseal_totp(vault: Vault, staff: Staff, sealed: str) -> str | None:
    """The proposed secret from the enrolment form; None when it is not this account's."""
    try:
        blob = base64.urlsafe_b64decode(sealed.encode("ascii"))
        secret = crypto.decrypt(
            _staff_key(vault, staff), blob, aad=f"staff:{staff.id}:totp-pending"
        ).decode()
    except (ValueError, UnicodeError, InvalidTag):
        return None
    return secret


def confirm_totp(vault: Vault, staff: Staff, sealed: str, code: str, now: datetime) -> bool:
    """Put a proposed secret in force when the code matches it (that code is then used up)."""
    secret = unseal_totp(vault, staff, sealed)
    step = _matching_step(secret, code, now) if secret is not None else None
    if secret is None or step is None:
        return False
    staff.totp_secret_enc = crypto.encrypt(
        _staff_key(vault, staff), secret.encode(), aad=f"staff:{staff.id}:totp"
    )
    staff.totp_confirmed = True
    staff.totp_last_step = step
    return True


# --- passwords and lockout --------------------------------------------------------------------


@dataclass(frozen=True)
class LoginResult:
    """The outcome of a password check: the account (if it passed) and why not otherwise."""

    staff: Staff | None
    reason: str  # "ok", "bad_credentials", "locked"
    staff_id: str | None = None


def is_locked(staff: Staff, now: datetime) -> bool:
    until = staff.locked_until
    return until is not None and until > now


def register_failure(staff: Staff, settings: Settings, now: datetime) -> None:
    """Count a failed attempt; lock the account after too many in a row."""
    staff.failed_logins += 1
    if staff.failed_logins >= settings.login_max_failures:
        staff.locked_until = now + timedelta(minutes=settings.login_lock_minutes)
        staff.failed_logins = 0


def check_password(
    db: Session, settings: Settings, email: str, password: str, now: datetime
) -> LoginResult:
    """Verify an email and password, counting failures and honouring the lock."""
    try:
        address = normalize_email(email)
    except AccountError:
        address = ""
    staff = db.scalars(select(Staff).where(Staff.email == address)).first() if address else None
    if staff is None or not staff.active:
        _verify(_DUMMY_HASH, password)
        return LoginResult(None, "bad_credentials")
    if is_locked(staff, now):
        return LoginResult(None, "locked", staff.id)
    if not _verify(staff.password_hash, password):
        register_failure(staff, settings, now)
        return LoginResult(None, "bad_credentials", staff.id)
    if _hasher.check_needs_rehash(staff.password_hash):
        staff.password_hash = _hasher.hash(password)
    return LoginResult(staff, "ok", staff.id)


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def set_password(staff: Staff, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"A password needs at least {MIN_PASSWORD} characters.")
    staff.password_hash = _hasher.hash(password)


# --- sessions ---------------------------------------------------------------------------------


def needs_enrolment(staff: Staff) -> bool:
    """Admins must have a confirmed TOTP before they can do anything."""
    return staff.role == "admin" and not staff.totp_confirmed


def open_session(
    db: Session, settings: Settings, staff: Staff, now: datetime
) -> tuple[str, StaffSession]:
    """A new session after the password: waiting for TOTP, for enrolment, or complete."""
    token = secrets.token_urlsafe(32)
    if staff.totp_confirmed:
        stage = "mfa"
    elif needs_enrolment(staff):
        stage = "enrol"
    else:
        stage = "ok"
    session = StaffSession(
        token_hash=token_hash(token),
        staff_id=staff.id,
        stage=stage,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=settings.staff_session_hours),
    )
    db.add(session)
    db.flush()
    return token, session


def load_session(
    db: Session, settings: Settings, token: str, now: datetime
) -> tuple[StaffSession, Staff] | None:
    """The live session of a token (touching it), or None when unknown, idle or expired."""
    session = db.get(StaffSession, token_hash(token))
    if session is None:
        return None
    idle_limit = timedelta(minutes=settings.staff_idle_minutes)
    last_seen, expires = session.last_seen_at, session.expires_at
    assert last_seen is not None and expires is not None
    staff = db.get(Staff, session.staff_id)
    if now - last_seen > idle_limit or now >= expires or staff is None or not staff.active:
        db.delete(session)
        return None
    session.last_seen_at = now
    return session, staff


def close_session(db: Session, token: str) -> None:
    db.execute(delete(StaffSession).where(StaffSession.token_hash == token_hash(token)))


def close_all_sessions(db: Session, staff_id: str) -> None:
    db.execute(delete(StaffSession).where(StaffSession.staff_id == staff_id))


# --- API tokens -------------------------------------------------------------------------------


def create_api_token(
    db: Session, *, org: Organization, name: str, scopes: list[str], now: datetime
) -> tuple[str, ApiToken]:
    """A new API token for an organization: returns the secret (shown once) and the record."""
    bad = [scope for scope in scopes if scope not in SCOPES]
    if bad or not scopes:
        raise AccountError(f"Scopes are some of: {', '.join(SCOPES)}.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(
        org_id=org.id,
        name=name[:80] or "token",
        token_hash=token_hash(secret),
        scopes=" ".join(sorted(set(scopes))),
        created_at=now,
    )
    db.add(record)
    db.flush()
    return secret, record


def find_api_token(db: Session, secret: str) -> ApiToken | None:
    """The live token for a presented secret, or None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    record = db.scalars(select(ApiToken).where(ApiToken.token_hash == token_hash(secret))).first()
    if record is None or record.revoked_at is not None:
        return None
    return record
