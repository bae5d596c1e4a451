"""Signing in and out: password, then the authenticator's code; lockout after failures."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from bot.core.i18n import negotiate_language, translator
from bot.core.websecurity import new_token, valid_token
from bot.dashboard.deps import LOGIN, CsrfChecked, RuntimeDep, SessionDep, StaffAtTotp, audited
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
from bot.staff.accounts import (
    check_password,
    check_totp,
    close_all_sessions,
    close_session,
    is_locked,
    open_session,
    register_failure,
)
from bot.staff.trail import acting, audit_as
from bot.store.models import Staff, StaffSession

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


@router.post("/login", dependencies=[audited("login.password")])
async def login_submit(
    request: Request,
    runtime: RuntimeDep,
    db: SessionDep,
    email: str = Form("", max_length=254),
    password: str = Form("", max_length=1024),
    csrf: str = Form("", max_length=128),
) -> Response:
    """Check the password; then TOTP, enrolment, or straight in."""
    lang = _login_language(request)
    login_token = valid_token(request.cookies.get(LOGIN_COOKIE))
    if not csrf_ok(login_token, csrf):
        audit_as(request, "login.password", outcome="rejected", reason="csrf")
        return see(LOGIN)

    def attempt() -> tuple[str | None, str, str | None, str | None]:
        now = runtime.clock()
        with db.begin():
            result = check_password(db, runtime.settings, email, password, now)
            if result.staff is None:
                return None, result.reason, result.staff_id, None
            token, session = open_session(db, runtime.settings, result.staff, now)
            return token, session.stage, result.staff.id, result.staff.org_id

    token, stage, staff_id, org_id = await run_in_threadpool(attempt)
    if staff_id is not None:
        acting(request, f"staff:{staff_id}", org_id)
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
        return html(body, 401)
    audit_as(request, "login.password", outcome="success", next=stage)
    target = {"mfa": "/dashboard/login/totp", "enrol": "/dashboard/enrol"}.get(stage, "/dashboard/")
    response = see(target)
    set_cookie(response, runtime, COOKIE, token)
    clear_cookie(response, runtime, LOGIN_COOKIE)
    return response


@router.get("/login/totp", dependencies=[audited("login.totp_page")])
def totp_page(actor: StaffAtTotp) -> Response:
    """Ask for the 6-digit code of the authenticator app."""
    return html(render("totp.html", actor.language, csrf=actor.csrf, error=None, nav=None))


@router.post("/login/totp", dependencies=[audited("login.totp")])
async def totp_submit(
    request: Request,
    runtime: RuntimeDep,
    db: SessionDep,
    actor: StaffAtTotp,
    _: CsrfChecked,
    code: str = Form("", max_length=16),
) -> Response:
    """Check the TOTP code; lock the account after repeated failures."""

    def attempt() -> bool:
        now = runtime.clock()
        with db.begin():
            staff = db.get(Staff, actor.staff.id)
            assert staff is not None
            if not is_locked(staff, now) and check_totp(runtime.vault, staff, code, now):
                staff.failed_logins, staff.last_login_at = 0, now
                session = db.get(StaffSession, actor.session.token_hash)
                if session is not None:
                    session.stage = "ok"
                return True
            register_failure(staff, runtime.settings, now)
            if is_locked(staff, now):
                close_all_sessions(db, staff.id)
            return False

    if await run_in_threadpool(attempt):
        audit_as(request, "login.totp", outcome="success")
        return see("/dashboard/")
    await asyncio.sleep(runtime.settings.login_failure_delay)
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
