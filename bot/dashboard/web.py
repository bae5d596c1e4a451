"""The dashboard's request plumbing: the session cookie, CSRF, page rendering, the audit trail.

Who is signed in and what a route may do are FastAPI dependencies in `bot.dashboard.deps`.

`DashboardMiddleware` puts the security headers on every dashboard and API response and writes
one audit entry per request of a signed-in staff member or a token (refused ones too), after
the handler has said what the request was (`audit_as`). Anonymous requests (the sign-in page, a
browser without a session, a missing or unknown token) are only counted in the metrics, so
nobody outside can grow the audit log. An inbox refresh that shows only cases the session was
already shown in an audited request writes none (`trail.nothing_new`). Entries hold route
templates and ids, never query strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.core import i18n, metrics, templating, websecurity
from bot.core.config import DEFAULT_LANGUAGE
from bot.core.websecurity import HSTS, STAFF_HEADERS, covers, with_headers
from bot.dashboard.casepage import local_time
from bot.intake.runtime import Runtime
from bot.privacy import audit
from bot.staff.access import allowed
from bot.staff.roles import roles_of
from bot.staff.trail import AuditDraft
from bot.store.models import Organization, Staff, StaffSession
from flows.model import N_

PREFIX = "/dashboard"
COOKIE = "camino_staff"
LOGIN_COOKIE = "camino_login"
STAFF_LANGUAGES = ("es", "en", "fr", "ht")
TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
CSRF_PURPOSE = b"camino-dashboard-csrf"
# Each role's name and one line of what it allows, as staff read them.
ROLE_NAMES: dict[str, tuple[str, str]] = {
    "admin": (
        N_("Administración"),
        N_(
            "Crea y desactiva cuentas, restablece contraseñas y la verificación en dos pasos, "
            "y administra las claves de la API y los estados que cubre la organización."
        ),
    ),
    "caseworker": (
        N_("Atención de casos"),
        N_("Lee y trabaja los casos de la organización: relatos, contactos y pruebas."),
    ),
    "analyst": (N_("Análisis"), N_("Ve las estadísticas, sin datos personales.")),
    "auditor": (
        N_("Auditoría"),
        N_("Lee el registro de auditoría y comprueba que nadie lo haya alterado."),
    ),
}

# `{{ moment|clock(tz) }}`: a stored UTC moment on the organization's clock.
_env = templating.Templates(TEMPLATES, filters={"clock": local_time})


class Denied(Exception):
    """A dashboard request that is refused: a status and where to send the browser, if anywhere."""

    def __init__(self, status: int, location: str | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.location = location


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

    def org_in(self, db: Session) -> Organization:
        """The organization again as a row of `db`, to change it in that session."""
        org = db.get(Organization, self.org.id)
        assert org is not None
        return org

    def staff_in(self, db: Session) -> Staff:
        """The staff member again as a row of `db`, to change them in that session."""
        staff = db.get(Staff, self.staff.id)
        assert staff is not None
        return staff


def nav(actor: Actor) -> dict[str, Any]:
    """What the header shows: the pages these roles may open."""
    role = roles_of(actor.staff)
    links = []
    if allowed(role, "cases:read"):
        links.append(("/dashboard/cases", N_("Casos")))
    if allowed(role, "stats:read"):
        links.append(("/dashboard/stats", N_("Estadísticas")))
    if allowed(role, "audit:read"):
        links.append(("/dashboard/audit", N_("Registro de auditoría")))
    if allowed(role, "staff:manage"):
        links.append(("/dashboard/staff", N_("Equipo")))
        links.append(("/dashboard/alerts", N_("Alertas")))
    return {
        "links": links,
        "email": actor.staff.email,
        "org": actor.org.name,
        "csrf": actor.csrf,
        "roles": role,
        "role_names": ROLE_NAMES,
        "can_write": allowed(role, "cases:write"),
    }


def page(template: str, actor: Actor, status: int = 200, **context: Any) -> HTMLResponse:
    """A signed-in page: the staff member's language and header."""
    return html(render(template, actor.language, nav=nav(actor), **context), status)


def html(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status)


def see(url: str) -> RedirectResponse:
    """A 303 redirect: every form is answered with one (no personal data in any URL)."""
    return RedirectResponse(url, status_code=303)


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
        outcome = entry.outcome or outcome_of(status)
        if entry.actor == "anonymous":
            metrics.count_anonymous(str(scope.get("path", "")), outcome)
            return
        if entry.unrecorded and status < 400:
            return
        runtime: Runtime = scope["app"].state.runtime
        detail = {**entry.detail, "status": status, "route": route, "method": scope["method"]}
        record = audit.Record(
            actor=entry.actor,
            org_id=entry.org_id,
            action=action,
            target=entry.target,
            outcome=outcome,
            detail=detail,
        )
        await run_in_threadpool(
            audit.record, runtime.sessions, runtime.vault, record, now=runtime.clock()
        )
