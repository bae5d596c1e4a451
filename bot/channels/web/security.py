"""The web chat's session cookie and CSRF token (see `bot.core.websecurity` for the rules).

The session is a random token in an HttpOnly, SameSite=Strict cookie and nothing else. Only the
server issues tokens: each carries an HMAC under a key derived from the blind-index key, so a
token planted in a browser by someone else is ignored and replaced, never adopted. The token is
replaced again when a report is filed and at quick exit. The CSRF token is derived from the
session token, so the server keeps no extra state for it.
"""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from bot.core import websecurity
from bot.store.vault import Vault

COOKIE = "camino_chat"
CSRF_PURPOSE = b"camino-web-csrf"
SIGNING_PURPOSE = b"camino-web-session-key"


def signing_key(db: Session, vault: Vault) -> bytes:
    """The key that signs session tokens: the same in every process sharing the database."""
    return hmac.new(vault.index_key(db), SIGNING_PURPOSE, hashlib.sha256).digest()


def new_session_token(key: bytes) -> str:
    """A fresh session token, signed by this server."""
    return websecurity.new_signed_token(key)


def session_token(request: Request, key: bytes) -> str | None:
    """The session token from the request's cookie, if this server issued it."""
    return websecurity.signed_token(key, request.cookies.get(COOKIE))


def csrf_token(token: str) -> str:
    """The CSRF token for a session: only someone who holds the cookie can compute it."""
    return websecurity.csrf_token(token, CSRF_PURPOSE)


def csrf_ok(token: str | None, submitted: str | None) -> bool:
    """Whether a form's CSRF field matches the session (constant-time)."""
    return websecurity.csrf_ok(token, submitted, CSRF_PURPOSE)


def is_https(request: Request, public_url: str) -> bool:
    """Behind https: the public URL says so, or the request came (through a trusted proxy) so."""
    return public_url.startswith("https://") or request.url.scheme == "https"


def set_session_cookie(response: Response, request: Request, token: str, public_url: str) -> None:
    """A session cookie (no Max-Age): the conversation ends when the browser closes."""
    secure = is_https(request, public_url)
    websecurity.set_session_cookie(response, COOKIE, token, secure=secure)


def clear_session_cookie(response: Response, request: Request, public_url: str) -> None:
    websecurity.clear_session_cookie(response, COOKIE, secure=is_https(request, public_url))


def token_key(token: str) -> str:
    """A digest of the token, for in-memory maps (the token itself is a secret)."""
    return hashlib.sha256(token.encode()).hexdigest()
