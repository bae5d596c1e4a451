"""The signed-in staff member's own account: the start page, the second factor, the password.

Setting up the second factor: a new secret is proposed (QR code drawn by the app, and the key
to type), and takes effect when a code of it is confirmed; ten recovery codes are then shown
once. Replacing a second factor already in force needs the password and a current code (or a
recovery code), so a session left open cannot be turned into a lasting one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from bot.core.i18n import translator
from bot.dashboard.deps import (
    CsrfChecked,
    CurrentStaff,
    RuntimeDep,
    SessionDep,
    StaffChangingPassword,
    StaffEnrolling,
    audited,
)
from bot.dashboard.routes.signin import limits
from bot.dashboard.web import PREFIX, Actor, Denied, html, page, render, see, staff_language
from bot.staff import second_factor
from bot.staff.access import home as home_of
from bot.staff.accounts import (
    AccountError,
    after_second_factor,
    close_other_sessions,
    set_password,
    verify_password,
)
from bot.staff.roles import roles_of
from bot.staff.throttle import Busy
from bot.staff.trail import audit_as
from bot.store.models import Staff, StaffSession

T = TypeVar("T")

router = APIRouter(prefix=PREFIX, include_in_schema=False)


@router.get("/", dependencies=[audited("home")])
def home(actor: CurrentStaff) -> Response:
    """The first screen is the work the person can do: cases, else statistics, ..."""
    start = home_of(roles_of(actor.staff))
    return see(start) if start is not None else see("/dashboard/account")


@router.get("/account", dependencies=[audited("account.view")])
def account_page(db: SessionDep, actor: CurrentStaff) -> Response:
    """Their roles (what each allows), and links to change the password or second factor."""
    with db.begin():
        staff = actor.staff_in(db)
        left = second_factor.recovery_codes_left(db, staff)
    return page("account.html", actor, roles=roles_of(actor.staff), recovery_left=left)


@router.get("/enrol", dependencies=[audited("account.totp_enrol_page")])
def enrol_page(runtime: RuntimeDep, db: SessionDep, actor: StaffEnrolling) -> Response:
    """Set up the second factor: a new secret, its QR code and otpauth URI, shown once."""
    staff = actor.staff_in(db)
    # Nothing changes until a code confirms it: leaving this page keeps the old secret.
    secret, uri, sealed = second_factor.propose_totp(runtime.vault, staff)
    return _enrol_form(actor, staff, secret, uri, sealed, error=None)


def _changing(actor: Actor, staff: Staff) -> bool:
    """Replacing a second factor in force (not setting up the first one at sign-in)."""
    return actor.session.stage == "ok" and staff.totp_confirmed


def _enrol_form(
    actor: Actor,
    staff: Staff,
    secret: str,
    uri: str,
    sealed: str,
    error: str | None,
    status: int = 200,
) -> Response:
    """The enrolment page for a proposed secret (shown again after a wrong code)."""
    t = translator(actor.language)
    body = render(
        "enrol.html",
        actor.language,
        csrf=actor.csrf,
        secret=secret,
        uri=uri,
        qr=second_factor.qr_svg(uri, t("Código QR para la aplicación de autenticación")),
        sealed=sealed,
        changing=_changing(actor, staff),
        error=error,
        nav=None,
    )
    return html(body, status)


class Enrolment(BaseModel):
    """The new authenticator's form: one of its codes, and its secret as the page sealed it;
    replacing a confirmed one, the password and a current code too."""

    code: str = Field("", max_length=16)
    pending: str = Field("", max_length=200)
    password: str = Field("", max_length=1024)
    current: str = Field("", max_length=32)


class PasswordChange(BaseModel):
    """The password form: the current password, and the new one twice."""

    current: str = Field("", max_length=1024)
    new: str = Field("", max_length=1024)
    again: str = Field("", max_length=1024)


async def at_the_gate(attempt: Callable[[], T]) -> T:
    """Run a check of the password in the thread pool, in its turn at the sign-in gate; a gate
    whose queue is full answers 429."""
    try:
        return await run_in_threadpool(attempt)
    except Busy:
        raise Denied(429) from None


@router.post("/enrol", dependencies=[audited("account.totp_enrol")])
async def enrol_submit(
    request: Request,
    runtime: RuntimeDep,
    db: SessionDep,
    actor: StaffEnrolling,
    _: CsrfChecked,
    form: Annotated[Enrolment, Form()],
) -> Response:
    """Confirm the new authenticator with one of its codes; recovery codes are shown once."""
    gate, _sources = limits(request, runtime)
    t = translator(actor.language)

    def attempt() -> tuple[list[str] | None, str | None, Staff]:
        now = runtime.clock()
        with db.begin():
            staff = actor.staff_in(db)
            if _changing(actor, staff):
                with gate.slot():
                    password_ok = verify_password(staff, form.password)
                factor = second_factor.check_second_factor(
                    db, runtime.vault, staff, form.current, now
                )
                if not password_ok or factor is None:
                    return None, t("La contraseña o el código actual no son correctos."), staff
            if not second_factor.confirm_totp(runtime.vault, staff, form.pending, form.code, now):
                return None, t("El código no es correcto."), staff
            codes = second_factor.new_recovery_codes(db, staff, now)
            close_other_sessions(db, staff.id, keep=actor.session.token_hash)
            session = db.get(StaffSession, actor.session.token_hash)
            if session is not None and session.stage == "enrol":
                session.stage = after_second_factor(staff)
            return codes, None, staff

    codes, error, staff = await at_the_gate(attempt)
    if codes is None:
        audit_as(request, "account.totp_enrol", outcome="failure")
        with db.begin():
            secret = second_factor.unseal_totp(runtime.vault, staff, form.pending)
        if secret is None:
            return see("/dashboard/enrol")
        # The same secret again: the person may already have added it to their app.
        uri = second_factor.provisioning_uri(staff, secret)
        return _enrol_form(actor, staff, secret, uri, form.pending, error, status=400)
    audit_as(request, "account.totp_enrol", outcome="success")
    body = render("recovery.html", actor.language, codes=codes, nav=None)
    return html(body)


@router.get("/account/password", dependencies=[audited("account.password_page")])
def password_page(actor: StaffChangingPassword) -> Response:
    """Choose a new password (at the first sign-in after an admin gave a temporary one)."""
    forced = actor.session.stage == "password"
    body = render("password.html", actor.language, csrf=actor.csrf, forced=forced, error=None)
    return html(body)


@router.post("/account/password", dependencies=[audited("account.password")])
async def password_submit(
    request: Request,
    runtime: RuntimeDep,
    db: SessionDep,
    actor: StaffChangingPassword,
    _: CsrfChecked,
    form: Annotated[PasswordChange, Form()],
) -> Response:
    """Change the password: the current one, and the new one twice."""
    gate, _sources = limits(request, runtime)
    t = translator(actor.language)

    def attempt() -> str | None:
        with db.begin():
            staff = actor.staff_in(db)
            with gate.slot():
                if not verify_password(staff, form.current):
                    return t("La contraseña actual no es correcta.")
                if form.new != form.again:
                    return t("Las dos contraseñas nuevas no son iguales.")
                if form.new == form.current:
                    return t("La contraseña nueva debe ser distinta de la actual.")
                try:
                    set_password(staff, form.new)
                except AccountError:
                    return t("La contraseña necesita al menos 12 caracteres.")
            close_other_sessions(db, staff.id, keep=actor.session.token_hash)
            session = db.get(StaffSession, actor.session.token_hash)
            if session is not None:
                session.stage = "ok"
            return None

    error = await at_the_gate(attempt)
    if error is not None:
        audit_as(request, "account.password", outcome="failure")
        forced = actor.session.stage == "password"
        body = render("password.html", actor.language, csrf=actor.csrf, forced=forced, error=error)
        return html(body, 400)
    audit_as(request, "account.password", outcome="success")
    return see("/dashboard/")


@router.post("/account/language", dependencies=[audited("account.language")])
def account_language(
    db: SessionDep, actor: CurrentStaff, _: CsrfChecked, language: str = Form("es", max_length=8)
) -> Response:
    """Change the dashboard's language for this staff member."""
    with db.begin():
        staff = actor.staff_in(db)
        staff.language = staff_language(language)
    return see("/dashboard/")
