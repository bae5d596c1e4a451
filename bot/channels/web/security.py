"""What keeps the web chat private on a shared computer: headers, the session cookie and CSRF.

The session is a random token in an HttpOnly, SameSite=Strict cookie and nothing else; the CSRF
token is derived from it, so the server keeps no extra state for it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "camino_chat"
# secrets.token_urlsafe(32) is 43 characters of the URL-safe base64 alphabet.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"cache-control", b"no-store, max-age=0"),
    (b"pragma", b"no-cache"),
    (b"expires", b"0"),
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
        b"object-src 'none'",
    ),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (
        b"permissions-policy",
        b"camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    ),
)


def new_token() -> str:
    """A fresh session token: 256 random bits."""
    return secrets.token_urlsafe(32)


def valid_token(value: str | None) -> str | None:
    """The cookie's token when it has the shape we issue, else None."""
    if value is not None and _TOKEN.fullmatch(value):
        return value
    return None


def session_token(request: Request) -> str | None:
    """The session token from the request's cookie, if any."""
    return valid_token(request.cookies.get(COOKIE))


def csrf_token(token: str) -> str:
    """The CSRF token for a session: only someone who holds the cookie can compute it."""
    return hmac.new(token.encode(), b"camino-web-csrf", hashlib.sha256).hexdigest()


def csrf_ok(token: str | None, submitted: str | None) -> bool:
    """Whether a form's CSRF field matches the session (constant-time)."""
    if token is None or not submitted:
        return False
    return hmac.compare_digest(csrf_token(token), submitted)


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    """A session cookie (no Max-Age): the conversation ends when the browser closes."""
    response.set_cookie(
        COOKIE, token, httponly=True, samesite="strict", path="/", secure=is_https(request)
    )


def clear_session_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(
        COOKIE, path="/", httponly=True, samesite="strict", secure=is_https(request)
    )


def token_key(token: str) -> str:
    """A digest of the token, for in-memory maps (the token itself is a secret)."""
    return hashlib.sha256(token.encode()).hexdigest()


class WebHeaders:
    """ASGI middleware: the private-browsing headers on every web-chat response."""

    def __init__(self, app: ASGIApp, prefixes: tuple[str, ...]) -> None:
        self.app = app
        self.prefixes = prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._covers(scope["path"]):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {b"cache-control", b"pragma", b"expires", b"content-security-policy"}
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message["headers"] = headers + list(SECURITY_HEADERS)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _covers(self, path: str) -> bool:
        return path == "/" or any(path == p or path.startswith(p + "/") for p in self.prefixes)
