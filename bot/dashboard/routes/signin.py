"""Signing in and out: password, then the second factor; limits that hold against outsiders.

Every staff account has a second factor: a session starts at "mfa" (a code is due) or "enrol"
(none yet: it is set up now, `account.py`). Sign-in failures answer alike and after the same
delay; the password checks are bounded per process and failures limited per source address
(`bot.staff.throttle`); accounts back off after repeated failures (`bot.staff.accounts`).
"""

from __future__ import annotations

import asyncio
import time

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from bot.core import metrics
from bot.core.i18n import negotiate_language, translator
from bot.core.websecurity import new_token, valid_token
from bot.dashboard.deps import (
    LOGIN,
    STAGE_PAGES,
    CsrfChecked,
    RuntimeDep,
    SessionDep,
    StaffAtTotp,
    audited,
)
from bot.dashboard.web import (
    COOKIE,
    LOGIN_COOKIE,
    PREFIX,
    STAFF_LANGUAGES,
    clear_cookie,
    csrf_for,
    csrf_ok,
    html,
    render,
    see,
    set_cookie,
    staff_language,
)
from bot.intake.runtime import Runtime
from bot.staff.accounts import (
    after_second_factor,
    check_password,
    close_all_sessions,
    close_session,
    is_locked,
    open_session,
    register_failure,
    register_success,
)
from bot.staff.second_factor import check_second_factor
from bot.staff.throttle import Busy, SignInGate, SourceLimit
from bot.staff.trail import acting, audit_as
from bot.store.models import StaffSession

router = APIRouter(prefix=PREFIX, include_in_schema=False)


def _login_language(request: Request) -> str:
    wanted = request.query_params.get("lang")
    if wanted in STAFF_LANGUAGES:
        return wanted
    return staff_language(negotiate_language(request.headers.get("accept-language")))


@router.get("/login", dependencies=[audited("login.page")])
def login_page(request: Request, runtime: RuntimeDep) -> Response:
    """The sign-in form."""
    # The login cookie's token is fresh for each form: the CSRF token is derived from it.
    token = valid_token(request.cookies.get(LOGIN_COOKIE)) or new_token()
    lang = _login_language(request)
    response = html(render("login.html", lang, csrf=csrf_for(token), error=None, nav=None))
    set_cookie(response, runtime, LOGIN_COOKIE, token)
    return response


def limits(request: Request, runtime: Runtime) -> tuple[SignInGate, SourceLimit]:
    """This process's sign-in gate and per-source limit (made on first use)."""
    state = request.app.state
    if getattr(state, "signin_limits", None) is None:
        settings = runtime.settings
        state.signin_limits = (
            SignInGate(settings.login_concurrency, settings.login_queue),
            SourceLimit(settings.login_source_failures),
        )
    found: tuple[SignInGate, SourceLimit] = state.signin_limits
    return found


def source_of(request: Request) -> str:
    """The client's address (uvicorn puts the forwarded one here, from trusted proxies only)."""
    return request.client.host if request.client is not None else "unknown"


async def answer_failure(started: float, runtime: Runtime) -> None:
    """Every failed attempt answers after the same delay from its start, whatever failed."""
    remaining = runtime.settings.login_failure_delay - (time.monotonic() - started)
    if remaining > 0:
        await asyncio.sleep(remaining)


def too_many(lang: str, csrf: str, reason: str) -> Response:
    """429: too many sign-ins from here, or at once; the same for every account."""
    metrics.count_signin_refusal(reason)
    t = translator(lang)
    message = (
        t("Hay muchos intentos de entrar en este momento. Espere un minuto e intente otra vez.")
        if reason == "busy"
        else t("Demasiados intentos fallidos desde esta conexión. Espere unos minutos.")
    )
    return html(render("login.html", lang, csrf=csrf, error=message, nav=None), 429)


@router.post("/login", dependencies=[audited("login.password")])
async def login_submit(
    request: Request,
    runtime: RuntimeDep,
    db: SessionDep,
    email: str = Form("", max_length=254),
    password: str = Form("", max_length=1024),
    csrf: str = Form("", max_length=128),
) -> Response:
    """Check the password; then the second factor (or its set-up)."""
    started = time.monotonic()
    lang = _login_language(request)
    login_token = valid_token(request.cookies.get(LOGIN_COOKIE))
    if not csrf_ok(login_token, csrf):
        audit_as(request, "login.password", outcome="rejected", reason="csrf")
        return see(LOGIN)
    assert login_token is not None
    gate, sources = limits(request, runtime)
    source = source_of(request)
    if sources.blocked(source, runtime.clock()):
        return too_many(lang, csrf_for(login_token), "source")

    def attempt() -> tuple[str | None, str, str | None, str | None]:
        with gate.slot():
            now = runtime.clock()
            with db.begin():
                result = check_password(db, runtime.settings, email, password, now)
                if result.staff is None:
                    return None, result.reason, result.staff_id, None
                token, session = open_session(db, runtime.settings, result.staff, now)
                return token, session.stage, result.staff.id, result.staff.org_id

    try:
        token, stage, staff_id, org_id = await run_in_threadpool(attempt)
    except Busy:
        return too_many(lang, csrf_for(login_token), "busy")
    if staff_id is not None:
        acting(request, f"staff:{staff_id}", org_id)
    if token is None:
        sources.failed(source, runtime.clock())
        await answer_failure(started, runtime)
        audit_as(request, "login.password", outcome="failure", reason=stage)
        t = translator(lang)
        # One answer for an unknown email, a wrong password and a locked account.
        message = t(
            "No se pudo entrar. Revise el correo y la contraseña; después de varios intentos "
            "fallidos hay que esperar unos minutos."
        )
        body = render("login.html", lang, csrf=csrf_for(login_token), error=message, nav=None)
        return html(body, 401)
    audit_as(request, "login.password", outcome="success", next=stage)
    response = see(STAGE_PAGES.get(stage, "/dashboard/"))
    set_cookie(response, runtime, COOKIE, token)
    clear_cookie(response, runtime, LOGIN_COOKIE)
    return response


@router.get("/login/totp", dependencies=[audited("login.totp_page")])
def totp_page(actor: StaffAtTotp) -> Response:
    """Ask for the 6-digit code of the authenticator app (or a recovery code)."""
    return html(render("totp.html", actor.language, csrf=actor.csrf, error=None, nav=None))


@router.post("/login/totp", dependencies=[audited("login.totp")])
async def totp_submit(
    request: Request,
    runtime: RuntimeDep,
    db: SessionDep,
    actor: StaffAtTotp,
    _: CsrfChecked,
    code: str = Form("", max_length=32),
) -> Response:
    """Check the code; a complete sign-in resets the failure counters, failures lock."""
    started = time.monotonic()
    _gate, sources = limits(request, runtime)
    source = source_of(request)

    def attempt() -> str | None:
        now = runtime.clock()
        with db.begin():
            staff = actor.staff_in(db)
            used = None
            if not is_locked(staff, now):
                used = check_second_factor(db, runtime.vault, staff, code, now)
            if used is not None:
                register_success(staff, now)
                session = db.get(StaffSession, actor.session.token_hash)
                if session is not None:
                    session.stage = after_second_factor(staff)
                return used
            register_failure(staff, runtime.settings, now)
            if is_locked(staff, now):
                close_all_sessions(db, staff.id)
            return None

    if sources.blocked(source, runtime.clock()):
        return too_many(actor.language, actor.csrf, "source")
    used = await run_in_threadpool(attempt)
    if used is not None:
        audit_as(request, "login.totp", outcome="success", factor=used)
        return see("/dashboard/")
    sources.failed(source, runtime.clock())
    await answer_failure(started, runtime)
    audit_as(request, "login.totp", outcome="failure")
    t = translator(actor.language)
    body = render(
        "totp.html", actor.language, csrf=actor.csrf, error=t("El código no es correcto."), nav=None
    )
    return html(body, 401)


@router.post("/logout", dependencies=[audited("logout")])
def logout(
    request: Request, runtime: RuntimeDep, db: SessionDep, csrf: str = Form("", max_length=128)
) -> Response:
    """Sign out: the session is deleted on the server."""
    token = valid_token(request.cookies.get(COOKIE))
    if token is not None and csrf_ok(token, csrf):
        with db.begin():
            close_session(db, token)
    response = see(LOGIN)
    clear_cookie(response, runtime, COOKIE)
    return response
