"""The second factor of every staff account: TOTP (RFC 6238), and one-time recovery codes.

The TOTP secret is encrypted under the account's data key; each code is accepted once. A new
secret is proposed sealed in the enrolment form and only takes effect when a code of it is
confirmed. Recovery codes are shown once and stored as SHA-256 hashes (they are long random
strings); each signs in once in place of a code. The QR code of the `otpauth://` URI is drawn
by the app itself as an inline SVG (segno), so the secret never leaves the server.
"""

from __future__ import annotations

import base64
import hashlib
import io
import secrets
from datetime import datetime

import pyotp
from cryptography.exceptions import InvalidTag
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.store import crypto
from bot.store.models import RecoveryCode, Staff
from bot.store.vault import Vault

ISSUER = "Camino"
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


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
    return secret, provisioning_uri(staff, secret)


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
    uri = provisioning_uri(staff, secret)
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


def provisioning_uri(staff: Staff, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=staff.email, issuer_name=ISSUER)


def qr_svg(uri: str, title: str) -> str:
    """The QR code of an otpauth:// URI as an inline <svg> element (no outside service),
    dark on white so any phone camera reads it; `title` is its accessible name."""
    import segno  # lazy: only the set-up page draws a QR code

    qr = segno.make(uri, error="m")
    out = io.BytesIO()
    qr.save(
        out,
        kind="svg",
        xmldecl=False,
        svgns=True,
        svgclass="qr",
        lineclass=None,
        omitsize=True,
        scale=4,
        border=2,
        title=title,
        light="#fff",
    )
    return out.getvalue().decode()


def disable(db: Session, staff: Staff) -> None:
    """Remove the second factor (an admin's reset): the next sign-in sets up a new one."""
    staff.totp_secret_enc = None
    staff.totp_confirmed = False
    staff.totp_last_step = None
    db.execute(delete(RecoveryCode).where(RecoveryCode.staff_id == staff.id))


# --- recovery codes ---------------------------------------------------------------------------


def _recovery_hash(staff_id: str, code: str) -> str:
    cleaned = "".join(ch for ch in code.lower() if ch in _RECOVERY_ALPHABET)
    return hashlib.sha256(f"camino-recovery:{staff_id}:{cleaned}".encode()).hexdigest()


def new_recovery_codes(db: Session, staff: Staff, now: datetime) -> list[str]:
    """Replace the account's recovery codes with new ones, returned this once."""
    db.execute(delete(RecoveryCode).where(RecoveryCode.staff_id == staff.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(12))
        code = "-".join(raw[i : i + 4] for i in range(0, 12, 4))
        db.add(
            RecoveryCode(
                code_hash=_recovery_hash(staff.id, code), staff_id=staff.id, created_at=now
            )
        )
        codes.append(code)
    db.flush()
    return codes


def use_recovery_code(db: Session, staff: Staff, code: str, now: datetime) -> bool:
    """Sign in with a recovery code in place of a TOTP code: each works once."""
    if not 12 <= len(code) <= 20:
        return False
    found = db.get(RecoveryCode, _recovery_hash(staff.id, code))
    if found is None or found.staff_id != staff.id or found.used_at is not None:
        return False
    found.used_at = now
    return True


def recovery_codes_left(db: Session, staff: Staff) -> int:
    rows = db.scalars(
        select(RecoveryCode).where(
            RecoveryCode.staff_id == staff.id, RecoveryCode.used_at.is_(None)
        )
    )
    return len(list(rows))


def check_second_factor(
    db: Session, vault: Vault, staff: Staff, code: str, now: datetime
) -> str | None:
    """A TOTP code or a recovery code: which one it was ("totp", "recovery"), or None."""
    if check_totp(vault, staff, code, now):
        return "totp"
    if use_recovery_code(db, staff, code, now):
        return "recovery"
    return None
