"""Staff accounts: organizations, passwords (Argon2id), sessions, lockout.

Staff emails are stored in plaintext, lowercased: they are the work addresses of staff who
chose to hold an account (not data about the people who report), and login needs to find them.
Session tokens are random; only their SHA-256 is stored. The second factor is in
`second_factor`, API tokens in `tokens`, an admin's actions on other accounts in `admin`.

Sign-in answers alike whether the email is unknown, the password wrong or the account locked:
exactly one Argon2 check runs in each case. After `CAMINO_LOGIN_MAX_FAILURES` failures in a row
an account is locked for 1 minute, then 2, 4, ... up to `CAMINO_LOGIN_LOCK_MINUTES`; attempts
during a lock do not extend it, and a complete sign-in (with the second factor) resets it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from bot.core.config import Settings
from bot.staff.roles import ROLES as ROLES
from bot.staff.roles import RoleError, parse_roles
from bot.store import crypto
from bot.store.models import Organization, Staff, StaffSession, new_id
from bot.store.vault import Vault

MIN_PASSWORD = 12
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,63}")
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{1,58}[a-z0-9]")
_STATE = re.compile(r"MX-[A-Z]{3}")
# An organization's retention period: long enough to act on a case, at most ten years.
MIN_RETENTION_DAYS = 30
MAX_RETENTION_DAYS = 3650
# The first lock lasts this long; each further lock in a row doubles it, up to the setting.
FIRST_LOCK_MINUTES = 1

_hasher = PasswordHasher()  # Argon2id with argon2-cffi's RFC 9106 defaults


@functools.cache
def _dummy_hash() -> str:
    """Verified when the email is unknown, so a miss costs as much time as a wrong password.
    Made on the first sign-in, not at import: each hash takes 64 MiB for a moment."""
    return _hasher.hash(secrets.token_urlsafe(16))


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


def coverage(org: Organization) -> dict[str, datetime | None]:
    """Each covered state and since when (None: since before coverage had dates): a state's
    reports filed before it was covered are not the organization's."""
    try:
        since = json.loads(org.coverage_since or "{}")
    except ValueError:
        since = {}
    return {
        state: datetime.fromisoformat(since[state]) if state in since else None
        for state in org_states(org)
    }


def set_coverage(org: Organization, states: list[str], now: datetime) -> None:
    """Cover these states: a state added now reaches the reports filed from now on."""
    before = coverage(org)
    since: dict[str, str | None] = {}
    for state in states:
        when = before.get(state, now)
        since[state] = when.isoformat() if when is not None else None
    org.states = " ".join(states)
    org.coverage_since = json.dumps({s: d for s, d in since.items() if d}, sort_keys=True)


def parse_whole_number(
    text: str, low: int, high: int, *, digits: int, what: str, unit: str
) -> int | None:
    """A whole number of `unit` (at most `digits` long) from low to high typed by an admin.

    Blank: None. `what` names it in the error ("The retention period" is 30 to 3650 days).
    """
    value = text.strip()
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or len(value) > digits:
        raise AccountError(f"{what} is a whole number of {unit}.")
    number = int(value)
    if not low <= number <= high:
        raise AccountError(f"{what} is {low} to {high} {unit}.")
    return number


def parse_retention_days(text: str) -> int | None:
    """An organization's retention period in days, typed by an admin; blank: the global one."""
    return parse_whole_number(
        text,
        MIN_RETENTION_DAYS,
        MAX_RETENTION_DAYS,
        digits=5,
        what="The retention period",
        unit="days",
    )


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
    roles: str | Iterable[str],
    password: str,
    language: str = "es",
    now: datetime,
) -> Staff:
    """A staff account with an Argon2id password hash and one or more roles.

    It has no second factor yet: the first sign-in sets one up before anything else.
    """
    try:
        held = parse_roles(roles)
    except RoleError as exc:
        raise AccountError(str(exc)) from None
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
        roles=" ".join(held),
        language=language,
        wrapped_key=wrapped,
        totp_confirmed=False,
        active=True,
        failed_logins=0,
        lockouts=0,
        must_change_password=False,
        created_at=now,
    )
    db.add(staff)
    db.flush()
    return staff


def find_staff(db: Session, email: str) -> Staff | None:
    """An account by its email (any case), or None."""
    try:
        address = normalize_email(email)
    except AccountError:
        return None
    return db.scalars(select(Staff).where(Staff.email == address)).first()


# --- passwords and lockout --------------------------------------------------------------------


@dataclass(frozen=True)
class LoginResult:
    """The outcome of a password check: the account (if it passed) and why not otherwise.

    The reason is for the audit log only: the person gets the same answer for every failure.
    """

    staff: Staff | None
    reason: str  # "ok", "unknown", "bad_password", "locked"
    staff_id: str | None = None


def is_locked(staff: Staff, now: datetime) -> bool:
    until = staff.locked_until
    return until is not None and until > now


def register_failure(staff: Staff, settings: Settings, now: datetime) -> None:
    """Count a failed attempt; lock the account for a while after too many in a row.

    Each lock in a row lasts twice the one before, at most `login_lock_minutes`; failures while
    locked are not counted, so nobody can push a lock further out than that.
    """
    if is_locked(staff, now):
        return
    staff.failed_logins += 1
    if staff.failed_logins >= settings.login_max_failures:
        minutes = min(
            settings.login_lock_minutes, FIRST_LOCK_MINUTES * 2 ** min(staff.lockouts, 16)
        )
        staff.locked_until = now + timedelta(minutes=minutes)
        staff.lockouts += 1
        staff.failed_logins = 0


def register_success(staff: Staff, now: datetime) -> None:
    """A complete sign-in (password and second factor): the failure counters start again."""
    staff.failed_logins, staff.lockouts, staff.locked_until = 0, 0, None
    staff.last_login_at = now


def check_password(
    db: Session, settings: Settings, email: str, password: str, now: datetime
) -> LoginResult:
    """Verify an email and password, counting failures and honouring the lock.

    Exactly one Argon2 verification runs whatever the outcome (unknown email, inactive or
    locked account, wrong password), so the time taken tells nothing.
    """
    staff = find_staff(db, email)
    usable = staff is not None and staff.active
    matches = _verify(
        staff.password_hash if staff is not None and usable else _dummy_hash(), password
    )
    if staff is None or not usable:
        return LoginResult(None, "unknown")
    if is_locked(staff, now):
        return LoginResult(None, "locked", staff.id)
    if not matches:
        register_failure(staff, settings, now)
        return LoginResult(None, "bad_password", staff.id)
    if _hasher.check_needs_rehash(staff.password_hash):
        staff.password_hash = _hasher.hash(password)
    return LoginResult(staff, "ok", staff.id)


def verify_password(staff: Staff, password: str) -> bool:
    """The account's own password (to confirm a sensitive change while signed in)."""
    return _verify(staff.password_hash, password)


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def set_password(staff: Staff, password: str, *, temporary: bool = False) -> None:
    """A new password; a temporary one (given by an admin) must be changed at next sign-in."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"A password needs at least {MIN_PASSWORD} characters.")
    staff.password_hash = _hasher.hash(password)
    staff.must_change_password = temporary


# --- sessions ---------------------------------------------------------------------------------
# A session goes through stages: "mfa" (the code of a confirmed second factor is due) or
# "enrol" (none yet: it is set up now), then "password" when an admin gave a temporary
# password, then "ok".


def after_second_factor(staff: Staff) -> str:
    """The stage after the second factor: a temporary password is changed first."""
    return "password" if staff.must_change_password else "ok"


def open_session(
    db: Session, settings: Settings, staff: Staff, now: datetime
) -> tuple[str, StaffSession]:
    """A new session after the password: waiting for the second factor, or for its set-up."""
    token = secrets.token_urlsafe(32)
    session = StaffSession(
        token_hash=token_hash(token),
        staff_id=staff.id,
        stage="mfa" if staff.totp_confirmed else "enrol",
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=settings.staff_session_hours),
    )
    db.add(session)
    db.flush()
    return token, session


def load_session(
    db: Session, settings: Settings, token: str, now: datetime, *, touch: bool = True
) -> tuple[StaffSession, Staff] | None:
    """The live session of a token (touching it, unless `touch` is false: a page refreshing
    itself is not the person's activity), or None when unknown, idle or expired, or when its
    account was deactivated meanwhile."""
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
    if session.stage == "ok" and not staff.totp_confirmed:
        # Signed in before every account needed a second factor: it is set up now.
        session.stage = "enrol"
    if touch:
        session.last_seen_at = now
    return session, staff


def close_session(db: Session, token: str) -> None:
    db.execute(delete(StaffSession).where(StaffSession.token_hash == token_hash(token)))


def close_all_sessions(db: Session, staff_id: str) -> None:
    db.execute(delete(StaffSession).where(StaffSession.staff_id == staff_id))


def close_expired_sessions(db: Session, settings: Settings, now: datetime) -> int:
    """End the sessions past their lifetime or idle limit that nobody came back to (their
    inbox marks go with them); how many."""
    idle_since = now - timedelta(minutes=settings.staff_idle_minutes)
    ended = db.execute(
        delete(StaffSession).where(
            or_(StaffSession.expires_at <= now, StaffSession.last_seen_at < idle_since)
        )
    )
    return int(getattr(ended, "rowcount", 0) or 0)


def close_other_sessions(db: Session, staff_id: str, keep: str) -> None:
    """End a person's other sessions (after they change their password or second factor)."""
    db.execute(
        delete(StaffSession).where(
            StaffSession.staff_id == staff_id, StaffSession.token_hash != keep
        )
    )
