"""The dashboard's request plumbing: the session cookie, CSRF, page rendering, the audit trail.

`DashboardMiddleware` puts the security headers on every dashboard and API response and writes
one audit entry per request (anonymous and refused ones too), after the handler has said what
the request was (`audit_as`). Entries hold route templates and ids, never query strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.core import i18n, websecurity
from bot.core.config import DEFAULT_LANGUAGE
from bot.core.websecurity import HSTS, STAFF_HEADERS, covers, valid_token, with_headers
from bot.intake.runtime import Runtime
from bot.privacy import audit
from bot.staff.accounts import load_session
from bot.staff.trail import AuditDraft, acting
from bot.store.models import Organization, Staff, StaffSession

COOKIE = "camino_staff"
LOGIN_COOKIE = "camino_login"
STAFF_LANGUAGES = ("es", "en")
TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
CSRF_PURPOSE = b"camino-dashboard-csrf"

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


class Denied(Exception):
    """A dashboard request that is refused: a status and where to send the browser, if anywhere."""

    def __init__(self, status: int, location: str | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.location = location


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def is_https(runtime: Runtime) -> bool:
    return runtime.settings.public_url.startswith("https://")


def csrf_for(token: str) -> str:
    """The CSRF token of a session or login cookie: only the cookie's holder can compute it."""
    return websecurity.csrf_token(token, CSRF_PURPOSE)


def csrf_ok(token: str | None, submitted: str | None) -> bool:
    return websecurity.csrf_ok(token, submitted, CSRF_PURPOSE)


def set_cookie(response: Response, runtime: Runtime, name: str, token: str) -> None:
    """A session cookie: HttpOnly, SameSite=Strict, Secure behind https."""
    websecurity.set_session_cookie(response, name, token, secure=is_https(runtime))


def clear_cookie(response: Response, runtime: Runtime, name: str) -> None:
    websecurity.clear_session_cookie(response, name, secure=is_https(runtime))


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
    acting(request, f"staff:{staff.id}", org.id)
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
        if not path or not covers(path, self.prefixes):
            await self.app(scope, receive, send)
            return
        audited = not any(path.startswith(p) for p in self.skip)
        https = str(scope["app"].state.runtime.settings.public_url).startswith("https://")

        async def send_wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                added = (*STAFF_HEADERS, HSTS) if https else STAFF_HEADERS
                message["headers"] = with_headers(message.get("headers", []), added)
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
