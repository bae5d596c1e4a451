"""The dashboard's pages: sign-in with TOTP, inbox, case page, statistics, audit log, staff.

Every form is POSTed with a CSRF token and answered with a 303 redirect (no personal data in
any URL). Every request leaves one audit entry (see `bot.dashboard.web`).
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

import pyotp
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from bot import cases
from bot.cases.events import EventError
from bot.core.i18n import language_name, negotiate_language, translator
from bot.core.websecurity import valid_token
from bot.dashboard import casework
from bot.dashboard.web import (
    COOKIE,
    LOGIN_COOKIE,
    STAFF_LANGUAGES,
    Actor,
    Denied,
    clear_cookie,
    csrf_for,
    csrf_ok,
    current_session,
    render,
    runtime_of,
    set_cookie,
    staff_language,
)
from bot.follow.events import add_event
from bot.intake.documents import render_complaint_pdf
from bot.intake.runtime import Runtime
from bot.privacy import audit
from bot.staff.access import (
    HOME,
    Cursor,
    InboxFilters,
    allowed,
    find_visible_case,
    inbox_page,
    visible_cases,
)
from bot.staff.accounts import (
    ISSUER,
    MAX_RETENTION_DAYS,
    MIN_RETENTION_DAYS,
    ROLES,
    SCOPES,
    AccountError,
    check_password,
    check_totp,
    close_all_sessions,
    close_session,
    confirm_totp,
    create_api_token,
    create_staff,
    is_locked,
    new_password,
    open_session,
    org_states,
    parse_retention_days,
    parse_states,
    propose_totp,
    register_failure,
    token_hash,
    unseal_totp,
)
from bot.staff.trail import audit_as, draft
from bot.stats import tables as stats
from bot.store.models import Case, Organization, Staff, StaffSession
from bot.talkback import threads as talkback
from flows import codes
from flows.model import N_

router = APIRouter(prefix="/dashboard", include_in_schema=False)
PAGE_SIZE = 50
STAT_DIMENSIONS = (
    "month",
    "crime_type",
    "perpetrator_group",
    "perpetrator",
    "state",
    "nationality",
    "gender",
    "age_group",
    "funnel",
)


def _html(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status)


def _see(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def require(request: Request, permission: str, action: str, target: str | None = None) -> Actor:
    """The signed-in staff member, when their role holds `permission`; `Denied` otherwise."""
    audit_as(request, action, target=target)
    actor = current_session(request)
    if not allowed(actor.staff.role, permission):
        raise Denied(403)
    return actor


def check_csrf(request: Request, submitted: str) -> None:
    if not csrf_ok(valid_token(request.cookies.get(COOKIE)), submitted):
        raise Denied(400)


@contextmanager
def _writable_case(
    request: Request, case_id: str, action: str, csrf: str
) -> Iterator[tuple[Actor, Runtime, Session, Case]]:
    """A change to a case: permission and CSRF checked, the case visible, one transaction."""
    actor = require(request, "cases:write", action, target=case_id[:32])
    check_csrf(request, csrf)
    runtime = runtime_of(request)
    with runtime.sessions() as db, db.begin():
        case = find_visible_case(db, actor.org, case_id)
        if case is None:
            raise Denied(404)
        yield actor, runtime, db, case


def _login_language(request: Request) -> str:
    wanted = request.query_params.get("lang")
    if wanted in STAFF_LANGUAGES:
        return wanted
    return staff_language(negotiate_language(request.headers.get("accept-language")))


# --- signing in -------------------------------------------------------------------------------


@router.get("/login")
def login_page(request: Request) -> Response:
    """The sign-in form."""
    audit_as(request, "login.page")
    runtime = runtime_of(request)
    token = valid_token(request.cookies.get(LOGIN_COOKIE)) or audit_token()
    lang = _login_language(request)
    response = _html(render("login.html", lang, csrf=csrf_for(token), error=None, nav=None))
    set_cookie(response, runtime, LOGIN_COOKIE, token)
    return response


def audit_token() -> str:
    """A fresh login-form token (the CSRF token is derived from it)."""
    return secrets.token_urlsafe(32)


@router.post("/login")
async def login_submit(
    request: Request,
    email: str = Form("", max_length=254),
    password: str = Form("", max_length=1024),
    csrf: str = Form("", max_length=128),
) -> Response:
    """Check the password; then TOTP, enrolment, or straight in."""
    audit_as(request, "login.password")
    runtime = runtime_of(request)
    lang = _login_language(request)
    login_token = valid_token(request.cookies.get(LOGIN_COOKIE))
    if not csrf_ok(login_token, csrf):
        audit_as(request, "login.password", outcome="rejected", reason="csrf")
        return _see("/dashboard/login")

    def attempt() -> tuple[str | None, str, str | None, str | None]:
        now = runtime.clock()
        with runtime.sessions() as db, db.begin():
            result = check_password(db, runtime.settings, email, password, now)
            if result.staff is None:
                return None, result.reason, result.staff_id, None
            token, session = open_session(db, runtime.settings, result.staff, now)
            return token, session.stage, result.staff.id, result.staff.org_id

    token, stage, staff_id, org_id = await run_in_threadpool(attempt)
    entry = draft(request)
    if staff_id is not None:
        entry.actor, entry.org_id = f"staff:{staff_id}", org_id
    if token is None:
        await asyncio.sleep(runtime.settings.login_failure_delay)  # slows guessing down
        audit_as(request, "login.password", outcome="failure", reason=stage)
        t = translator(lang)
        message = (
            t("Esta cuenta está bloqueada por un rato después de varios intentos fallidos.")
            if stage == "locked"
            else t("Correo o contraseña incorrectos.")
        )
        assert login_token is not None
        body = render("login.html", lang, csrf=csrf_for(login_token), error=message, nav=None)
        return _html(body, 401)
    audit_as(request, "login.password", outcome="success", next=stage)
    target = {"mfa": "/dashboard/login/totp", "enrol": "/dashboard/enrol"}.get(stage, "/dashboard/")
    response = _see(target)
    set_cookie(response, runtime, COOKIE, token)
    clear_cookie(response, runtime, LOGIN_COOKIE)
    return response


@router.get("/login/totp")
def totp_page(request: Request) -> Response:
    """Ask for the 6-digit code of the authenticator app."""
    audit_as(request, "login.totp_page")
    actor = current_session(request, stages=("mfa",))
    return _html(render("totp.html", actor.language, csrf=actor.csrf, error=None, nav=None))


@router.post("/login/totp")
async def totp_submit(
    request: Request, code: str = Form("", max_length=16), csrf: str = Form("", max_length=128)
) -> Response:
    """Check the TOTP code; lock the account after repeated failures."""
    audit_as(request, "login.totp")
    actor = await run_in_threadpool(current_session, request, stages=("mfa",))
    check_csrf(request, csrf)
    runtime = runtime_of(request)
    token = valid_token(request.cookies.get(COOKIE))
    assert token is not None

    def attempt() -> bool:
        now = runtime.clock()
        with runtime.sessions() as db, db.begin():
            staff = db.get(Staff, actor.staff.id)
            assert staff is not None
            if not is_locked(staff, now) and check_totp(runtime.vault, staff, code, now):
                staff.failed_logins, staff.last_login_at = 0, now
                session = db.get(StaffSession, token_hash(token))
                if session is not None:
                    session.stage = "ok"
                return True
            register_failure(staff, runtime.settings, now)
            if is_locked(staff, now):
                close_all_sessions(db, staff.id)
            return False

    if await run_in_threadpool(attempt):
        audit_as(request, "login.totp", outcome="success")
        return _see("/dashboard/")
    await asyncio.sleep(runtime.settings.login_failure_delay)
    audit_as(request, "login.totp", outcome="failure")
    t = translator(actor.language)
    body = render(
        "totp.html", actor.language, csrf=actor.csrf, error=t("El código no es correcto."), nav=None
    )
    return _html(body, 401)


@router.get("/enrol")
def enrol_page(request: Request) -> Response:
    """Set up two-factor sign-in: a new secret and otpauth URI, shown once."""
    audit_as(request, "account.totp_enrol_page")
    actor = current_session(request, stages=("enrol", "ok"))
    runtime = runtime_of(request)
    with runtime.sessions() as db:
        staff = db.get(Staff, actor.staff.id)
        assert staff is not None
        # Nothing changes until a code confirms it: leaving this page keeps the old secret.
        secret, uri, sealed = propose_totp(runtime.vault, staff)
    return _enrol_form(actor, secret, uri, sealed, error=None)


def _enrol_form(
    actor: Actor, secret: str, uri: str, sealed: str, error: str | None, status: int = 200
) -> Response:
    """The enrolment page for a proposed secret (shown again after a wrong code)."""
    body = render(
        "enrol.html",
        actor.language,
        csrf=actor.csrf,
        secret=secret,
        uri=uri,
        sealed=sealed,
        error=error,
        nav=None,
    )
    return _html(body, status)


@router.post("/enrol")
def enrol_submit(
    request: Request,
    code: str = Form("", max_length=16),
    pending: str = Form("", max_length=200),
    csrf: str = Form("", max_length=128),
) -> Response:
    """Confirm the authenticator with one code; the new secret and the session take effect."""
    audit_as(request, "account.totp_enrol")
    actor = current_session(request, stages=("enrol", "ok"))
    check_csrf(request, csrf)
    runtime = runtime_of(request)
    token = valid_token(request.cookies.get(COOKIE))
    assert token is not None
    now = runtime.clock()
    with runtime.sessions() as db, db.begin():
        staff = db.get(Staff, actor.staff.id)
        assert staff is not None
        if not confirm_totp(runtime.vault, staff, pending, code, now):
            audit_as(request, "account.totp_enrol", outcome="failure")
            secret = unseal_totp(runtime.vault, staff, pending)
            if secret is None:
                return _see("/dashboard/enrol")
            # The same secret again: the person already added it to their app.
            uri = pyotp.TOTP(secret).provisioning_uri(name=staff.email, issuer_name=ISSUER)
            error = translator(actor.language)("El código no es correcto.")
            return _enrol_form(actor, secret, uri, pending, error, status=400)
        session = db.get(StaffSession, token_hash(token))
        if session is not None:
            session.stage = "ok"
    audit_as(request, "account.totp_enrol", outcome="success")
    return _see("/dashboard/")


@router.post("/logout")
def logout(request: Request, csrf: str = Form("", max_length=128)) -> Response:
    """Sign out: the session is deleted on the server."""
    audit_as(request, "logout")
    runtime = runtime_of(request)
    token = valid_token(request.cookies.get(COOKIE))
    if token is not None and csrf_ok(token, csrf):
        with runtime.sessions() as db, db.begin():
            close_session(db, token)
    response = _see("/dashboard/login")
    clear_cookie(response, runtime, COOKIE)
    return response


@router.get("/")
def home(request: Request) -> Response:
    """Each role starts on its own page."""
    audit_as(request, "home")
    actor = current_session(request)
    return _see(HOME.get(actor.staff.role, "/dashboard/login"))


@router.post("/account/language")
def account_language(
    request: Request, language: str = Form("es", max_length=8), csrf: str = Form("", max_length=128)
) -> Response:
    """Change the dashboard's language for this staff member."""
    audit_as(request, "account.language")
    actor = current_session(request)
    check_csrf(request, csrf)
    runtime = runtime_of(request)
    with runtime.sessions() as db, db.begin():
        staff = db.get(Staff, actor.staff.id)
        assert staff is not None
        staff.language = staff_language(language)
    return _see("/dashboard/")


# --- navigation -------------------------------------------------------------------------------


def nav(actor: Actor) -> dict[str, Any]:
    """What the header shows: the pages this role may open."""
    role = actor.staff.role
    links = []
    if allowed(role, "cases:read"):
        links.append(("/dashboard/cases", N_("Casos")))
    if allowed(role, "stats:read"):
        links.append(("/dashboard/stats", N_("Estadísticas")))
    if allowed(role, "audit:read"):
        links.append(("/dashboard/audit", N_("Registro de auditoría")))
    if allowed(role, "staff:manage"):
        links.append(("/dashboard/staff", N_("Equipo")))
    return {
        "links": links,
        "email": actor.staff.email,
        "org": actor.org.name,
        "csrf": actor.csrf,
        "role": role,
    }


# --- the inbox --------------------------------------------------------------------------------


def _day(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.combine(date.fromisoformat(text[:10]), datetime.min.time(), tzinfo=UTC)
    except ValueError:
        return None


def _day_after(text: str | None) -> datetime | None:
    """The end of a day typed as a date (exclusive bound)."""
    day = _day(text)
    return day + timedelta(days=1) if day is not None else None


def _code(value: str | None, allowed_codes: set[str]) -> str | None:
    return value if value in allowed_codes else None


STATUS_CODES = {c.code for c in casework.ALL_STATUSES}
CRIME_CODES = {c.code for c in codes.CRIME_TYPES}
PERPETRATOR_CODES = {c.code for c in codes.PERPETRATORS}
CHANNELS = {"telegram", "sms", "whatsapp", "web", "console"}
LANGUAGES = ("es", "en", "fr", "ht")


def _state_code(value: str | None) -> str | None:
    try:
        return parse_states(value)[0] if value else None
    except (AccountError, IndexError):
        return None


@router.get("/cases")
def inbox(request: Request) -> Response:
    """Urgent first, then newest; filters; search by case code; keyset pages."""
    actor = require(request, "cases:read", "inbox.view")
    runtime = runtime_of(request)
    q = request.query_params
    t = translator(actor.language)
    with runtime.sessions() as db, db.begin():
        typed = (q.get("code") or "").strip()[:40]
        if typed:
            audit_as(request, "inbox.search_code")
            found = cases.find_by_code(db, runtime.vault, typed)
            if found is not None and find_visible_case(db, actor.org, found.id) is not None:
                return _see(f"/dashboard/cases/{found.id}")
            notice = t("Ningún caso de su organización tiene ese código.")
        else:
            notice = None
        filters = InboxFilters(
            status=_code(q.get("status"), STATUS_CODES),
            crime_type=_code(q.get("crime_type"), CRIME_CODES),
            perpetrator=_code(q.get("perpetrator"), PERPETRATOR_CODES),
            state=_state_code(q.get("state")),
            channel=_code(q.get("channel"), CHANNELS),
            language=_code(q.get("language"), set(LANGUAGES)),
            date_from=_day(q.get("from")),
            date_to=_day_after(q.get("to")),
        )
        rows, next_cursor = inbox_page(
            db, actor.org, filters, Cursor.decode(q.get("after")), PAGE_SIZE
        )
        items = [
            {
                "id": case.id,
                "urgent": case.urgent,
                "status": casework.label_of(casework.ALL_STATUSES, case.status, t),
                "crimes": ", ".join(
                    casework.label_of(codes.CRIME_TYPES, c.code, t) for c in case.crime_types
                )
                or "—",
                "state": casework.state_name(case.incident_state or case.reporter_state),
                "channel": casework.channel_name(case.channel, t),
                "language": language_name(case.language),
                "submitted": case.submitted_at.strftime("%Y-%m-%d %H:%M")
                if case.submitted_at
                else "",
            }
            for case in rows
        ]
    params = {k: v for k, v in q.items() if k not in ("after", "code")}
    next_url = None
    if next_cursor is not None:
        from urllib.parse import urlencode

        next_url = "/dashboard/cases?" + urlencode({**params, "after": next_cursor.encode()})
    body = render(
        "inbox.html",
        actor.language,
        nav=nav(actor),
        items=items,
        next_url=next_url,
        notice=notice,
        q=params,
        statuses=casework.ALL_STATUSES,
        crime_types=codes.CRIME_TYPES,
        perpetrators=codes.PERPETRATORS,
        channels=[(c, casework.channel_name(c, t)) for c in sorted(CHANNELS)],
        languages=[(c, language_name(c)) for c in LANGUAGES],
    )
    return _html(body)


# --- the case page ----------------------------------------------------------------------------


ERRORS = {
    "event": N_("Ese estado no se puede registrar ahora (los pasos van en orden)."),
    "assign": N_("Esa persona no es trabajadora de casos de esta organización."),
    "refer": N_("No hay otra organización con ese nombre."),
    "anonymous": N_("El reporte es anónimo: no hay cómo escribirle."),
    "no_consent": N_("La persona no aceptó que le escriban por este chat."),
    "opted_out": N_("La persona pidió no recibir más mensajes."),
    "channel": N_("Este canal no permite enviarle mensajes."),
    "whatsapp_window": (
        N_("Pasaron más de 24 horas desde su último mensaje por WhatsApp: debe escribir primero.")
    ),
    "length": N_("El mensaje está vacío o es demasiado largo."),
    "note": N_("La nota está vacía o es demasiado larga."),
}
# Where a talk-back message is in the outbox, in plain words.
DELIVERY = {
    "queued": N_("En cola"),
    "sending": N_("Enviando"),
    "sent": N_("Enviado"),
    "delivered": N_("Entregado"),
    "read": N_("Leído"),
    "failed": N_("No se pudo enviar"),
}
DONE = {
    "event": N_("Evento registrado."),
    "note": N_("Nota guardada."),
    "assign": N_("Caso asignado."),
    "refer": N_("Caso referido."),
    "message": N_("Mensaje en la cola de envío."),
    "message_web": N_(
        "Mensaje guardado: la persona lo leerá cuando vuelva al chat web con su código y PIN."
    ),
    "closed": N_("Conversación cerrada: el bot vuelve a responder a la persona."),
}


def _visible(request: Request, actor: Actor, case_id: str) -> Any:
    runtime = runtime_of(request)
    with runtime.sessions() as db:
        case = find_visible_case(db, actor.org, case_id)
    if case is None:
        raise Denied(404)
    return case


@router.get("/cases/{case_id}")
def case_page(request: Request, case_id: str) -> Response:
    """Everything about one case, in plain words; viewing personal data is audited."""
    actor = require(request, "cases:read", "case.view", target=case_id[:32])
    runtime = runtime_of(request)
    t = translator(actor.language)
    with runtime.sessions() as db, db.begin():
        case = find_visible_case(db, actor.org, case_id)
        if case is None:
            raise Denied(404)
        personal = cases.personal_data(runtime.vault, case)
        audit_as(request, "case.view", personal_data=True)
        events = cases.timeline(db, runtime.vault, case)
        thread, thread_open = talkback.thread_messages(db, runtime.vault, case, actor.org)
        try:
            talkback.reachable_contact(db, case, runtime.clock())
            can_talk, talk_reason = True, None
        except talkback.TalkbackRefused as refused:
            can_talk, talk_reason = False, t(ERRORS.get(refused.reason, refused.reason))
        evidence = [
            {
                "id": e.id,
                "kind": e.kind,
                "kind_name": t(casework.EVIDENCE_KINDS.get(e.kind, e.kind)),
                "type": e.content_type,
                "size": e.size,
                "sha256": e.sha256,
            }
            for e in cases.evidence_items(runtime.vault, case)
        ]
        assigned = casework.assignee(db, case, actor.org)
        body = render(
            "case.html",
            actor.language,
            nav=nav(actor),
            case=case,
            fields=casework.case_fields(case, t, actor.language),
            personal=casework.personal_rows(personal, t),
            events=[
                {
                    "status": casework.label_of(casework.ALL_STATUSES, e.status, t),
                    "track": e.track,
                    "author": e.author,
                    "note": e.note,
                    "family_visible": e.family_visible,
                    "when": e.created_at.strftime("%Y-%m-%d %H:%M"),
                }
                for e in events
            ],
            tracks=[
                (t("Admisión"), codes.INTAKE_STATUSES),
                (t("Justicia"), codes.JUSTICE_STATUSES),
                (t("Migración"), codes.MIGRATION_STATUSES),
            ],
            notes=casework.notes(db, runtime.vault, case, actor.org),
            thread=thread,
            delivery=DELIVERY,
            thread_open=thread_open,
            can_talk=can_talk,
            talk_reason=talk_reason,
            evidence=evidence,
            assigned=assigned.email if assigned else None,
            caseworkers=casework.caseworkers(db, actor.org),
            organizations=casework.other_organizations(db, actor.org),
            error=t(ERRORS[request.query_params["error"]])
            if request.query_params.get("error") in ERRORS
            else None,
            done=t(DONE[request.query_params["done"]])
            if request.query_params.get("done") in DONE
            else None,
        )
    return _html(body)


@router.post("/cases/{case_id}/events")
def case_add_event(
    request: Request,
    case_id: str,
    status: str = Form(..., max_length=40),
    note: str = Form("", max_length=2000),
    family_visible: str = Form(""),
    csrf: str = Form("", max_length=128),
) -> Response:
    """Record a step on the intake, justice or migration track."""
    with _writable_case(request, case_id, "case.event", csrf) as (actor, runtime, db, case):
        try:
            add_event(
                db,
                runtime.vault,
                case,
                status=status,
                author=actor.staff.email,
                note=note.strip() or None,
                family_visible=bool(family_visible),
                now=runtime.clock(),
            )
        except EventError:
            audit_as(request, "case.event", outcome="rejected", status=status[:40])
            return _see(f"/dashboard/cases/{case.id}?error=event")
    audit_as(request, "case.event", status=status, family_visible=bool(family_visible))
    return _see(f"/dashboard/cases/{case_id}?done=event")


@router.post("/cases/{case_id}/notes")
def case_add_note(
    request: Request,
    case_id: str,
    body: str = Form("", max_length=4000),
    csrf: str = Form("", max_length=128),
) -> Response:
    """An internal note (encrypted; never shown to families)."""
    with _writable_case(request, case_id, "case.note", csrf) as (actor, runtime, db, case):
        if not body.strip():
            return _see(f"/dashboard/cases/{case_id}?error=note")
        casework.add_note(
            db,
            runtime.vault,
            case,
            org=actor.org,
            staff=actor.staff,
            body=body.strip(),
            now=runtime.clock(),
        )
    return _see(f"/dashboard/cases/{case_id}?done=note")


@router.post("/cases/{case_id}/assign")
def case_assign(
    request: Request,
    case_id: str,
    staff_id: str = Form("", max_length=32),
    csrf: str = Form("", max_length=128),
) -> Response:
    """Give the case to a caseworker of the organization."""
    with _writable_case(request, case_id, "case.assign", csrf) as (actor, runtime, db, case):
        try:
            staff = casework.assign(db, case, org=actor.org, staff_id=staff_id, now=runtime.clock())
        except AccountError:
            return _see(f"/dashboard/cases/{case_id}?error=assign")
    audit_as(request, "case.assign", assignee=f"staff:{staff.id}")
    return _see(f"/dashboard/cases/{case_id}?done=assign")


@router.post("/cases/{case_id}/refer")
def case_refer(
    request: Request,
    case_id: str,
    organization: str = Form("", max_length=60),
    csrf: str = Form("", max_length=128),
) -> Response:
    """Refer the case to another organization, explicitly."""
    with _writable_case(request, case_id, "case.refer", csrf) as (actor, runtime, db, case):
        try:
            target = casework.refer(
                db,
                case,
                from_org=actor.org,
                to_slug=organization,
                staff=actor.staff,
                now=runtime.clock(),
            )
        except AccountError:
            return _see(f"/dashboard/cases/{case_id}?error=refer")
    audit_as(request, "case.refer", to_org=target.id)
    return _see(f"/dashboard/cases/{case_id}?done=refer")


@router.post("/cases/{case_id}/messages")
def case_talkback(
    request: Request,
    case_id: str,
    body: str = Form("", max_length=2000),
    csrf: str = Form("", max_length=128),
) -> Response:
    """Write to the reporter through their own channel (queued in the outbox)."""
    with _writable_case(request, case_id, "case.talkback", csrf) as (actor, runtime, db, case):
        try:
            message = talkback.send(
                db,
                runtime.vault,
                case,
                org=actor.org,
                staff=actor.staff,
                text=body,
                now=runtime.clock(),
                timezone=runtime.settings.default_timezone,
            )
        except talkback.TalkbackRefused as refused:
            audit_as(request, "case.talkback", outcome="refused", reason=refused.reason)
            return _see(f"/dashboard/cases/{case_id}?error={refused.reason}")
    audit_as(request, "case.talkback", message=message.id, outbox=message.outbox_id)
    done = "message_web" if case.channel == "web" else "message"
    return _see(f"/dashboard/cases/{case_id}?done={done}")


@router.post("/cases/{case_id}/thread/close")
def case_close_thread(
    request: Request, case_id: str, csrf: str = Form("", max_length=128)
) -> Response:
    """End the conversation with the reporter: the bot answers them again."""
    with _writable_case(request, case_id, "case.talkback_close", csrf) as (
        actor,
        runtime,
        db,
        case,
    ):
        talkback.close_thread(db, case, actor.org, runtime.clock())
    return _see(f"/dashboard/cases/{case_id}?done=closed")


@router.get("/cases/{case_id}/evidence/{evidence_id}/preview")
def evidence_preview(request: Request, case_id: str, evidence_id: str) -> Response:
    """An image re-encoded without EXIF or GPS."""
    actor = require(request, "cases:read", "evidence.preview", target=evidence_id[:32])
    runtime = runtime_of(request)
    with runtime.sessions() as db:
        case = find_visible_case(db, actor.org, case_id)
        found = casework.find_evidence(db, case, evidence_id) if case is not None else None
        if case is None or found is None or found.kind != "photo":
            raise Denied(404)
        preview = casework.image_preview(casework.evidence_bytes(runtime.vault, case, found))
    if preview is None:
        raise Denied(404)
    return Response(preview, media_type="image/jpeg")


@router.get("/cases/{case_id}/evidence/{evidence_id}/original")
def evidence_original(request: Request, case_id: str, evidence_id: str) -> Response:
    """The original file, as received (caseworkers only; audited)."""
    actor = require(request, "evidence:original", "evidence.original", target=evidence_id[:32])
    runtime = runtime_of(request)
    with runtime.sessions() as db:
        case = find_visible_case(db, actor.org, case_id)
        found = casework.find_evidence(db, case, evidence_id) if case is not None else None
        if case is None or found is None:
            raise Denied(404)
        data = casework.evidence_bytes(runtime.vault, case, found)
        audit_as(request, "evidence.original", evidence=found.id)
    return Response(
        data,
        media_type="application/octet-stream",
        headers={"content-disposition": f'attachment; filename="evidence-{found.id}"'},
    )


@router.get("/cases/{case_id}/complaint.pdf")
def complaint_document(request: Request, case_id: str) -> Response:
    """The written complaint in Spanish, ready to file with a prosecutor (audited)."""
    actor = require(request, "cases:read", "case.document", target=case_id[:32])
    runtime = runtime_of(request)
    with runtime.sessions() as db:
        case = find_visible_case(db, actor.org, case_id)
        if case is None:
            raise Denied(404)
        personal = cases.personal_data(runtime.vault, case)
        events = cases.timeline(db, runtime.vault, case)
        evidence = cases.evidence_items(runtime.vault, case)
        audit_as(request, "case.document", personal_data=True)
        pdf = render_complaint_pdf(
            case,
            personal,
            events,
            evidence=evidence,
            place=actor.org.city or None,
            today=runtime.clock().date(),
        )
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="denuncia-{case.id[:8]}.pdf"'},
    )


# --- statistics -------------------------------------------------------------------------------


def stats_filters(request: Request) -> stats.Filters:
    q = request.query_params
    return stats.Filters(
        date_from=_day(q.get("from")),
        date_to=_day_after(q.get("to")),
        state=_state_code(q.get("state")),
        crime_type=_code(q.get("crime_type"), CRIME_CODES),
        perpetrator=_code(q.get("perpetrator"), PERPETRATOR_CODES),
        gender=_code(q.get("gender"), {c.code for c in codes.GENDERS}),
        nationality=(q.get("nationality") or "").upper()[:2] or None,
        channel=_code(q.get("channel"), CHANNELS),
    )


def value_label(dimension: str, value: str, t: Any, language: str) -> str:
    """A statistic's cell in plain words."""
    from bot.core.i18n import country_name

    lists = {
        "crime_type": codes.CRIME_TYPES,
        "perpetrator": codes.PERPETRATORS,
        "gender": codes.GENDERS,
        "age_group": codes.AGE_GROUPS,
    }
    if value == stats.UNKNOWN:
        return str(t("Sin dato"))
    if dimension in lists:
        return casework.label_of(lists[dimension], value, t)
    if dimension == "state":
        return casework.state_name(value)
    if dimension == "nationality":
        return country_name(value, language)
    groups = {"criminals": N_("Delincuentes"), "officials": N_("Autoridades")}
    funnel = {
        "reported": N_("Reportados"),
        "complaint_filed": N_("Con denuncia"),
        "charges_filed": N_("Con acusación formal"),
        "sentence": N_("Con sentencia"),
    }
    if dimension == "perpetrator_group":
        return str(t(groups.get(value, value)))
    if dimension == "funnel":
        return str(t(funnel.get(value, value)))
    return value


DIMENSION_TITLES = {
    "month": N_("Casos por mes"),
    "crime_type": N_("Por delito o abuso"),
    "perpetrator_group": N_("Delincuentes o autoridades"),
    "perpetrator": N_("Por responsable"),
    "state": N_("Por estado"),
    "nationality": N_("Por nacionalidad"),
    "gender": N_("Por género"),
    "age_group": N_("Por edad"),
    "funnel": N_("Embudo de la impunidad"),
}


def compute_tables(
    request: Request, actor: Actor, dimensions: tuple[str, ...]
) -> list[dict[str, Any]]:
    runtime = runtime_of(request)
    k = runtime.settings.stats_min_cell
    t = translator(actor.language)
    filters = stats_filters(request)
    out = []
    with runtime.sessions() as db:
        for dimension in dimensions:
            table = stats.table(db, visible_cases(actor.org), filters, dimension, k)
            out.append(
                {
                    "dimension": dimension,
                    "title": t(DIMENSION_TITLES[dimension]),
                    "labels": [value_label(dimension, v, t, actor.language) for v in table.labels],
                    "codes": list(table.labels),
                    "counts": table.published(),
                    "total": table.published_total(),
                }
            )
    return out


@router.get("/stats")
def stats_page(request: Request) -> Response:
    """Charts of the organization's cases, small cells suppressed."""
    actor = require(request, "stats:read", "stats.view")
    runtime = runtime_of(request)
    tables = compute_tables(request, actor, STAT_DIMENSIONS)
    params = {k: v for k, v in request.query_params.items()}
    from urllib.parse import urlencode

    body = render(
        "stats.html",
        actor.language,
        nav=nav(actor),
        tables=tables,
        chart_json=json.dumps(tables).replace("<", "\\u003c"),  # safe inside <script>
        k=runtime.settings.stats_min_cell,
        q=params,
        query=urlencode(params),
        crime_types=codes.CRIME_TYPES,
        perpetrators=codes.PERPETRATORS,
    )
    return _html(body)


@router.get("/stats/export")
def stats_export(request: Request) -> Response:
    """Every statistic for the filters, as CSV or JSON, with the suppression note."""
    actor = require(request, "stats:read", "stats.export")
    runtime = runtime_of(request)
    k = runtime.settings.stats_min_cell
    fmt = "json" if request.query_params.get("format") == "json" else "csv"
    audit_as(request, "stats.export", format=fmt)
    rows: list[dict[str, Any]] = []
    with runtime.sessions() as db:
        filters = stats_filters(request)
        for dimension in STAT_DIMENSIONS:
            table = stats.table(db, visible_cases(actor.org), filters, dimension, k)
            rows += stats.export_rows(table, dimension, k)
    note = stats.suppression_note(k)
    if fmt == "json":
        return JSONResponse({"min_cell": k, "note": note, "rows": rows})
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["dimension", "value", "count", "suppressed"])
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                **row,
                "count": "" if row["count"] is None else row["count"],
                "suppressed": "yes" if row["suppressed"] else "no",
            }
        )
    writer.writerow({"dimension": "note", "value": note, "count": "", "suppressed": ""})
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="camino-stats.csv"'},
    )


# --- audit log --------------------------------------------------------------------------------


@router.get("/audit")
def audit_page(request: Request) -> Response:
    """The organization's audit entries, newest first (auditors only)."""
    actor = require(request, "audit:read", "audit.view")
    runtime = runtime_of(request)
    before_text = request.query_params.get("before", "")
    before = int(before_text) if before_text.isdecimal() and len(before_text) < 12 else None
    with runtime.sessions() as db:
        entries = audit.recent(db, org_id=actor.org.id, before=before, limit=PAGE_SIZE)
        verified = audit.verify(db) if request.query_params.get("verify") == "1" else None
    next_url = f"/dashboard/audit?before={entries[-1].seq}" if len(entries) == PAGE_SIZE else None
    body = render(
        "audit.html",
        actor.language,
        nav=nav(actor),
        entries=entries,
        next_url=next_url,
        verified=verified,
    )
    return _html(body)


# --- staff and settings (admins) ------------------------------------------------------------


@router.get("/staff")
def staff_page(request: Request) -> Response:
    """The organization's accounts, its states, and its API tokens."""
    actor = require(request, "staff:manage", "staff.view")
    runtime = runtime_of(request)
    from sqlalchemy import select

    from bot.store.models import ApiToken

    with runtime.sessions() as db:
        members = list(
            db.scalars(select(Staff).where(Staff.org_id == actor.org.id).order_by(Staff.email))
        )
        tokens = list(
            db.scalars(
                select(ApiToken)
                .where(ApiToken.org_id == actor.org.id)
                .order_by(ApiToken.created_at)
            )
        )
    body = render(
        "staff.html",
        actor.language,
        nav=nav(actor),
        members=members,
        tokens=tokens,
        roles=ROLES,
        scopes=SCOPES,
        states=" ".join(org_states(actor.org)),
        retention_days=actor.org.retention_days,
        default_retention_days=runtime.settings.retention_days,
        min_retention_days=MIN_RETENTION_DAYS,
        max_retention_days=MAX_RETENTION_DAYS,
        created=None,
        error=None,
    )
    return _html(body)


@router.post("/staff")
def staff_add(
    request: Request,
    email: str = Form("", max_length=254),
    role: str = Form("", max_length=16),
    csrf: str = Form("", max_length=128),
) -> Response:
    """Create an account; its generated password is shown once."""
    actor = require(request, "staff:manage", "staff.add")
    check_csrf(request, csrf)
    runtime = runtime_of(request)
    t = translator(actor.language)
    password = new_password()
    try:
        with runtime.sessions() as db, db.begin():
            org = db.get(Organization, actor.org.id)
            assert org is not None
            staff = create_staff(
                db,
                runtime.vault,
                org=org,
                email=email,
                role=role,
                password=password,
                language=actor.language,
                now=runtime.clock(),
            )
        audit_as(request, "staff.add", target=f"staff:{staff.id}", role=role)
        created = {"email": staff.email, "password": password}
        error = None
    except AccountError as exc:
        audit_as(request, "staff.add", outcome="rejected")
        created, error = None, str(exc)
    body = render(
        "staff_created.html",
        actor.language,
        nav=nav(actor),
        created=created,
        error=error or None,
        t_error=t("No se pudo crear la cuenta."),
    )
    return _html(body, 200 if created else 400)


@router.post("/settings")
def settings_save(
    request: Request, states: str = Form("", max_length=400), csrf: str = Form("", max_length=128)
) -> Response:
    """Change the states the organization covers (which cases it sees)."""
    actor = require(request, "staff:manage", "org.settings")
    check_csrf(request, csrf)
    runtime = runtime_of(request)
    try:
        codes_ = parse_states(states)
    except AccountError:
        return _see("/dashboard/staff")
    with runtime.sessions() as db, db.begin():
        org = db.get(Organization, actor.org.id)
        assert org is not None
        org.states = " ".join(codes_)
    audit_as(request, "org.settings", states=" ".join(codes_))
    return _see("/dashboard/staff")


@router.post("/settings/retention")
def retention_save(
    request: Request,
    retention_days: str = Form("", max_length=16),
    csrf: str = Form("", max_length=128),
) -> Response:
    """Change how long the organization's closed cases are kept (blank: the global period)."""
    actor = require(request, "staff:manage", "org.retention")
    check_csrf(request, csrf)
    runtime = runtime_of(request)
    try:
        days = parse_retention_days(retention_days)
    except AccountError:
        audit_as(request, "org.retention", outcome="rejected")
        t = translator(actor.language)
        error = t("El plazo de conservación es un número de días entre {low} y {high}.").format(
            low=MIN_RETENTION_DAYS, high=MAX_RETENTION_DAYS
        )
        body = render(
            "staff_created.html", actor.language, nav=nav(actor), created=None, error=error
        )
        return _html(body, 400)
    with runtime.sessions() as db, db.begin():
        org = db.get(Organization, actor.org.id)
        assert org is not None
        org.retention_days = days
    audit_as(request, "org.retention", retention_days=days)
    return _see("/dashboard/staff")


@router.post("/tokens")
def token_add(
    request: Request,
    name: str = Form("", max_length=80),
    scopes: Annotated[list[str] | None, Form()] = None,
    csrf: str = Form("", max_length=128),
) -> Response:
    """Create an API token for the organization; the secret is shown once."""
    actor = require(request, "staff:manage", "token.add")
    check_csrf(request, csrf)
    runtime = runtime_of(request)
    try:
        with runtime.sessions() as db, db.begin():
            org = db.get(Organization, actor.org.id)
            assert org is not None
            secret, record = create_api_token(
                db, org=org, name=name, scopes=scopes or [], now=runtime.clock()
            )
        audit_as(request, "token.add", target=f"token:{record.id}", scopes=record.scopes)
        created = {"token": secret, "name": record.name}
        error = None
    except AccountError as exc:
        created, error = None, str(exc)
    body = render(
        "staff_created.html",
        actor.language,
        nav=nav(actor),
        created=created,
        error=error,
        t_error="",
    )
    return _html(body, 200 if created else 400)
