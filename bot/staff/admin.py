"""What an admin (or the operator, through `camino staff`) does to another staff account.

Deactivating ends the member's sessions at once (their next request is refused) and revokes
the API tokens they hold. Resetting the second factor removes it and its recovery codes: the
next sign-in sets up a new one. Resetting the password gives a temporary one, shown once to
the admin, that must be changed at the next sign-in; sessions end and the lock is lifted.
Callers write the audit entry.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.staff import second_factor, tokens
from bot.staff.accounts import (
    AccountError,
    close_all_sessions,
    find_staff,
    new_password,
    set_password,
)
from bot.staff.roles import RoleError, parse_roles
from bot.store.models import Staff


def member(db: Session, ref: str, *, org_id: str | None, by: str | None = None) -> Staff:
    """A staff account by id (dashboard) or email (CLI), within `org_id` when given; an admin
    `by` (a staff id) cannot act on their own account this way."""
    staff = db.get(Staff, ref) if ref.isalnum() and len(ref) <= 32 else find_staff(db, ref)
    if staff is None or (org_id is not None and staff.org_id != org_id):
        raise AccountError("No staff account matches that.")
    if by is not None and staff.id == by:
        raise AccountError("Use your own account page to change your own account.")
    return staff


def deactivate(db: Session, staff: Staff, now: datetime) -> int:
    """Stop the account: sessions end now, held tokens are revoked (how many)."""
    staff.active = False
    close_all_sessions(db, staff.id)
    return tokens.revoke_held_by(db, staff.id, now)


def reactivate(staff: Staff) -> None:
    """Let the account sign in again (with its password and second factor)."""
    staff.active = True


def reset_second_factor(db: Session, staff: Staff) -> None:
    """Remove the second factor: the next sign-in sets up a new one. Sessions end."""
    second_factor.disable(db, staff)
    close_all_sessions(db, staff.id)


def reset_password(db: Session, staff: Staff) -> str:
    """A temporary password (returned once), to be changed at the next sign-in."""
    password = new_password()
    set_password(staff, password, temporary=True)
    staff.failed_logins, staff.lockouts, staff.locked_until = 0, 0, None
    close_all_sessions(db, staff.id)
    return password


def set_roles(staff: Staff, roles: list[str]) -> list[str]:
    """Give the account these roles (at least one)."""
    try:
        held = parse_roles(roles)
    except RoleError as exc:
        raise AccountError(str(exc)) from None
    staff.roles = " ".join(held)
    return held
