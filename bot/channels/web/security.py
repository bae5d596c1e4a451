"""The web chat's session cookie and CSRF token (see `bot.core.websecurity` for the rules).

The session is a random token in an HttpOnly, SameSite=Strict cookie and nothing else; the CSRF
token is derived from it, so the server keeps no extra state for it.
"""

from __future__ import annotations

import hashlib

from starlette.requests import Request
from starlette.responses import Response

from bot.core import websecurity

COOKIE = "camino_chat"
CSRF_PURPOSE = b"camino-web-csrf"


def session_token(request: Request) -> str | None:
    """The session token from the request's cookie, if any."""
    return websecurity.valid_token(request.cookies.get(COOKIE))


def csrf_token(token: str) -> str:
    """The CSRF token for a session: only someone who holds the cookie can compute it."""
    return websecurity.csrf_token(token, CSRF_PURPOSE)


def csrf_ok(token: str | None, submitted: str | None) -> bool:
    """Whether a form's CSRF field matches the session (constant-time)."""
    return websecurity.csrf_ok(token, submitted, CSRF_PURPOSE)


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    """A session cookie (no Max-Age): the conversation ends when the browser closes."""
    websecurity.set_session_cookie(response, COOKIE, token, secure=is_https(request))


def clear_session_cookie(response: Response, request: Request) -> None:
    websecurity.clear_session_cookie(response, COOKIE, secure=is_https(request))


def token_key(token: str) -> str:
    """A digest of the token, for in-memory maps (the token itself is a secret)."""
    return hashlib.sha256(token.encode()).hexdigest()
