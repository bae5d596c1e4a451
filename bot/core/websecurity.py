"""What keeps a browser page private: session tokens, CSRF tokens, cookies and headers.

One home for the web chat and the dashboard. A session is a random token in an HttpOnly,
SameSite=Strict cookie and nothing else; its CSRF token is an HMAC of it under a purpose of its
own, so the server keeps no extra state and one surface's token is no good on the other.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

Header = tuple[bytes, bytes]

# secrets.token_urlsafe(32) is 43 characters of the URL-safe base64 alphabet.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
# A signed token: the random part, a dot, and its HMAC-SHA256 in the same alphabet.
_SIGNED = re.compile(r"([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'"
)
# What every private page says: no foreign code, no framing, no referrer, no sniffing.
PRIVATE_PAGE: tuple[Header, ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
# The web chat may be opened on a shared computer: nothing of it is kept by the browser.
WEB_CHAT_HEADERS: tuple[Header, ...] = (
    (b"cache-control", b"no-store, max-age=0"),
    (b"pragma", b"no-cache"),
    (b"expires", b"0"),
    *PRIVATE_PAGE,
    (
        b"permissions-policy",
        b"camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    ),
)
STAFF_HEADERS: tuple[Header, ...] = (
    *PRIVATE_PAGE,
    (b"cache-control", b"no-store"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
)
HSTS: Header = (b"strict-transport-security", b"max-age=31536000")


def new_token() -> str:
    """A fresh session token: 256 random bits."""
    return secrets.token_urlsafe(32)


def valid_token(value: str | None) -> str | None:
    """The cookie's token when it has the shape we issue, else None."""
    if value is not None and _TOKEN.fullmatch(value):
        return value
    return None


def _signature(key: bytes, random_part: str) -> str:
    digest = hmac.new(key, b"session:" + random_part.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def new_signed_token(key: bytes) -> str:
    """A session token only this server can make: 256 random bits and their HMAC under `key`."""
    random_part = new_token()
    return f"{random_part}.{_signature(key, random_part)}"


def signed_token(key: bytes, value: str | None) -> str | None:
    """The cookie's token when this server issued it (its HMAC checks out), else None.

    A value the server never issued is ignored, never adopted: nobody can plant a session
    token of their choosing in someone else's browser and read along.
    """
    found = _SIGNED.fullmatch(value) if value is not None else None
    if found is None:
        return None
    if not hmac.compare_digest(_signature(key, found.group(1)), found.group(2)):
        return None
    return value


def csrf_token(token: str, purpose: bytes) -> str:
    """The CSRF token of a session for one purpose: only the cookie's holder can compute it."""
    return hmac.new(token.encode(), purpose, hashlib.sha256).hexdigest()


def csrf_ok(token: str | None, submitted: str | None, purpose: bytes) -> bool:
    """Whether a form's CSRF field matches the session (constant-time)."""
    if token is None or not submitted:
        return False
    return hmac.compare_digest(csrf_token(token, purpose), submitted)


def set_session_cookie(response: Response, name: str, token: str, *, secure: bool) -> None:
    """A session cookie (no Max-Age): HttpOnly, SameSite=Strict, Secure behind https."""
    response.set_cookie(name, token, httponly=True, samesite="strict", path="/", secure=secure)


def clear_session_cookie(response: Response, name: str, *, secure: bool) -> None:
    response.delete_cookie(name, path="/", httponly=True, samesite="strict", secure=secure)


def covers(path: str, prefixes: Iterable[str]) -> bool:
    """Whether a path is one of the prefixes or below one of them."""
    return any(path == p or path.startswith(p + "/") for p in prefixes)


def with_headers(headers: Iterable[Header], added: Iterable[Header]) -> list[Header]:
    """A response's headers with `added` in place of any header of the same name."""
    extra = list(added)
    names = {name for name, _ in extra}
    return [(k, v) for k, v in headers if k.lower() not in names] + extra


class SecurityHeaders:
    """ASGI middleware: a set of headers on every response under some paths."""

    def __init__(
        self,
        app: ASGIApp,
        headers: tuple[Header, ...],
        prefixes: tuple[str, ...],
        exact: tuple[str, ...] = (),
    ) -> None:
        self.app = app
        self.headers = headers
        self.prefixes = prefixes
        self.exact = exact

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path"] if scope["type"] == "http" else ""
        if not path or not (path in self.exact or covers(path, self.prefixes)):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = with_headers(message.get("headers", []), self.headers)
            await send(message)

        await self.app(scope, receive, send_with_headers)
