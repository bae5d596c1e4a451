"""The dashboard's request plumbing: the session cookie, CSRF, page rendering, the audit trail.

`DashboardMiddleware` puts the security headers on every dashboard and API response and writes
one audit entry per request (anonymous and refused ones too), after the handler has said what
the request was (`audit_as`). Entries hold route templates and ids, never query strings.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import Request
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.core import i18n
from bot.core.config import DEFAULT_LANGUAGE
from bot.intake.runtime import Runtime
from bot.privacy import audit
from bot.staff.accounts import load_session
from bot.store.models import Organization, Staff, StaffSession

COOKIE = "camino_staff"
LOGIN_COOKIE = "camino_login"
STAFF_LANGUAGES = ("es", "en")
TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'"
)
HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"cache-control", b"no-store"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
)


class Denied(Exception):
    """A dashboard request that is refused: a status and where to send the browser, if anywhere."""

    def __init__(self, status: int, location: str | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.location = location


@dataclass
class AuditDraft:
    """What the current request was, filled in as the handler learns it."""

    actor: str = "anonymous"
    org_id: str | None = None
    action: str | None = None
    target: str | None = None
    outcome: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


def draft(request: Request) -> AuditDraft:
    """The audit draft of this request (created on first use)."""
    current: AuditDraft | None = getattr(request.state, "audit", None)
    if current is None:
        current = AuditDraft()
        request.state.audit = current
    return current


def audit_as(
    request: Request,
    action: str,
    *,
    target: str | None = None,
    outcome: str | None = None,
    **detail: Any,
) -> None:
    """Name the action this request performs (and its target) for the audit log."""
    entry = draft(request)
    entry.action = action
    if target is not None:
        entry.target = target
    if outcome is not None:
        entry.outcome = outcome
    entry.detail.update(detail)


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def is_https(runtime: Runtime) -> bool:
    return runtime.settings.public_url.startswith("https://")


def valid_token(value: str | None) -> str | None:
    return value if value is not None and _TOKEN.fullmatch(value) else None


def csrf_for(token: str) -> str:
    """The CSRF token of a session or login cookie: only the cookie's holder can compute it."""
    return hmac.new(token.encode(), b"camino-dashboard-csrf", hashlib.sha256).hexdigest()


def csrf_ok(token: str | None, submitted: str | None) -> bool:
    if token is None or not submitted:
        return False
    return hmac.compare_digest(csrf_for(token), submitted)


def set_cookie(response: Response, runtime: Runtime, name: str, token: str) -> None:
    """A session cookie: HttpOnly, SameSite=Strict, Secure behind https."""
    response.set_cookie(
        name, token, httponly=True, samesite="strict", path="/", secure=is_https(runtime)
    )


def clear_cookie(response: Response, runtime: Runtime, name: str) -> None:
    response.delete_cookie(
        name, path="/", httponly=True, samesite="strict", secure=is_https(runtime)
    )


def staff_language(value: str | None) -> str:
    return value if value in STAFF_LANGUAGES else DEFAULT_LANGUAGE


def render(template: str, language: str, **context: Any) -> str:
    """A page in the staff member's language: `_` is gettext."""
    lang = staff_language(language)
    return _env.get_template(template).render(_=i18n.translator(lang), lang=lang, **context)


@dataclass(frozen=True)
class Actor:
    """The signed-in staff member of a request, with their organization and CSRF token."""

    staff: Staff
    org: Organization
    session: StaffSession
    csrf: str

    @property
    def language(self) -> str:
        return staff_language(self.staff.language)


def current_session(request: Request, *, stages: tuple[str, ...] = ("ok",)) -> Actor:
    """The request's signed-in staff member; `Denied` (to the login page) otherwise."""
    runtime = runtime_of(request)
    token = valid_token(request.cookies.get(COOKIE))
    if token is None:
        raise Denied(303, "/dashboard/login")
    now = runtime.clock()
    with runtime.sessions() as db, db.begin():
        found = load_session(db, runtime.settings, token, now)
        if found is None:
            raise Denied(303, "/dashboard/login")
        session, staff = found
        org = db.get(Organization, staff.org_id)
        assert org is not None
    entry = draft(request)
    entry.actor, entry.org_id = f"staff:{staff.id}", org.id
    request.state.staff_language = staff.language  # a refusal page speaks it too
    if session.stage not in stages:
        raise Denied(303, "/dashboard/login/totp" if session.stage != "ok" else "/dashboard/")
    return Actor(staff=staff, org=org, session=session, csrf=csrf_for(token))


def outcome_of(status: int) -> str:
    if status < 400:
        return "ok"
    if status in (401, 403):
        return "denied"
    if status == 404:
        return "not_found"
    if status < 500:
        return "rejected"
    return "error"


class DashboardMiddleware:
    """Security headers on dashboard/API responses, and one audit entry per request."""

    def __init__(self, app: ASGIApp, prefixes: tuple[str, ...], skip: tuple[str, ...]) -> None:
        self.app = app
        self.prefixes = prefixes
        self.skip = skip

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not path or not any(path == p or path.startswith(p + "/") for p in self.prefixes):
            await self.app(scope, receive, send)
            return
        audited = not any(path.startswith(p) for p in self.skip)
        https = str(scope["app"].state.runtime.settings.public_url).startswith("https://")

        async def send_wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in HEADERS}
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                headers += list(HEADERS)
                if https:
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message["headers"] = headers
                if audited:
                    await self._record(scope, int(message["status"]))
            await send(message)

        await self.app(scope, receive, send_wrapped)

    async def _record(self, scope: Scope, status: int) -> None:
        """Write the request's audit entry before the response leaves."""
        state = scope.get("state") or {}
        entry: AuditDraft = state.get("audit") or AuditDraft()
        route = getattr(scope.get("route"), "path", None) or "unmatched"
        action = entry.action or f"{scope['method']} {route}"
        runtime: Runtime = scope["app"].state.runtime
        detail = {**entry.detail, "status": status, "route": route, "method": scope["method"]}
        record = audit.Record(
            actor=entry.actor,
            org_id=entry.org_id,
            action=action,
            target=entry.target,
            outcome=entry.outcome or outcome_of(status),
            detail=detail,
        )
        await run_in_threadpool(audit.record, runtime.sessions, record, now=runtime.clock())
