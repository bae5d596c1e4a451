"""Who an API request is: the organization and scopes of its bearer token (`cmn_...`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.staff.access import usable_scopes
from bot.staff.tokens import find_api_token


class TokenRefused(Exception):
    """No usable bearer token: the message says why, in one sentence."""


@dataclass(frozen=True)
class TokenContext:
    """The organization and scopes behind a request's token."""

    token_id: str
    org_id: str
    scopes: list[str]


def authenticate(db: Session, authorization: str, now: datetime) -> TokenContext:
    """The token of an `Authorization: Bearer` header, marked as used; `TokenRefused` otherwise."""
    scheme, _, secret = authorization.partition(" ")
    if scheme.lower() != "bearer" or not secret:
        raise TokenRefused("A bearer token is required.")
    found = find_api_token(db, secret.strip(), now)
    if found is None:
        raise TokenRefused("Unknown, expired or revoked token.")
    token, holder = found
    token.last_used_at = now
    scopes = usable_scopes(token.scopes.split(), holder)
    return TokenContext(token_id=token.id, org_id=token.org_id, scopes=scopes)
