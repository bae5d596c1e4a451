"""API tokens: an organization's, held by one staff member, with scopes and an expiry.

A token works while it is not revoked, not expired, and its holder is active and still holds a
role that allows each scope it uses (`bot.staff.access`). Only the SHA-256 of the secret is
stored; the secret is shown once, when the token is made.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.staff.accounts import AccountError, token_hash
from bot.store.models import ApiToken, Organization, Staff

SCOPES = ("cases:read", "events:write", "stats:read")
TOKEN_PREFIX = "cmn_"  # noqa: S105  (a visible prefix, not a secret)
DEFAULT_DAYS = 90
MAX_DAYS = 365


def parse_days(text: str) -> int:
    """A token's lifetime typed by an admin; blank: the default."""
    value = text.strip()
    if not value:
        return DEFAULT_DAYS
    if not value.isascii() or not value.isdigit() or len(value) > 4:
        raise AccountError(f"A token lasts 1 to {MAX_DAYS} days.")
    days = int(value)
    if not 1 <= days <= MAX_DAYS:
        raise AccountError(f"A token lasts 1 to {MAX_DAYS} days.")
    return days


def create_api_token(
    db: Session,
    *,
    org: Organization,
    name: str,
    scopes: list[str],
    now: datetime,
    holder: Staff | None = None,
    days: int = DEFAULT_DAYS,
) -> tuple[str, ApiToken]:
    """A new API token: returns the secret (shown once) and the record."""
    bad = [scope for scope in scopes if scope not in SCOPES]
    if bad or not scopes:
        raise AccountError(f"Scopes are some of: {', '.join(SCOPES)}.")
    if not 1 <= days <= MAX_DAYS:
        raise AccountError(f"A token lasts 1 to {MAX_DAYS} days.")
    if holder is not None and (holder.org_id != org.id or not holder.active):
        raise AccountError("The token's holder is not an active member of this organization.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(
        org_id=org.id,
        staff_id=holder.id if holder is not None else None,
        name=name[:80] or "token",
        token_hash=token_hash(secret),
        scopes=" ".join(sorted(set(scopes))),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.add(record)
    db.flush()
    return secret, record


def is_live(token: ApiToken, now: datetime) -> bool:
    return token.revoked_at is None and token.expires_at > now


def find_api_token(db: Session, secret: str, now: datetime) -> tuple[ApiToken, Staff | None] | None:
    """The live token for a presented secret and its active holder, or None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    record = db.scalars(select(ApiToken).where(ApiToken.token_hash == token_hash(secret))).first()
    if record is None or not is_live(record, now):
        return None
    holder = db.get(Staff, record.staff_id) if record.staff_id is not None else None
    if holder is not None and not holder.active:
        return None
    return record, holder


def org_tokens(db: Session, org_id: str | None = None) -> list[ApiToken]:
    """Tokens, oldest first (of one organization, or all)."""
    query = select(ApiToken).order_by(ApiToken.created_at, ApiToken.id)
    if org_id is not None:
        query = query.where(ApiToken.org_id == org_id)
    return list(db.scalars(query))


def revoke(db: Session, token_id: str, now: datetime, *, org_id: str | None = None) -> ApiToken:
    """Revoke a token by id (only within `org_id` when given); revoking twice changes nothing."""
    token = db.get(ApiToken, token_id) if token_id.isalnum() and len(token_id) <= 32 else None
    if token is None or (org_id is not None and token.org_id != org_id):
        raise AccountError("No token has that id.")
    if token.revoked_at is None:
        token.revoked_at = now
    return token


def revoke_held_by(db: Session, staff_id: str, now: datetime) -> int:
    """Revoke every live token a staff member holds; how many."""
    held = db.scalars(
        select(ApiToken).where(ApiToken.staff_id == staff_id, ApiToken.revoked_at.is_(None))
    )
    count = 0
    for token in held:
        token.revoked_at = now
        count += 1
    return count
