"""The signed-in staff member's own account: the start page, two-factor enrolment, language."""

from __future__ import annotations

import pyotp
from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from bot.core.i18n import translator
from bot.dashboard.deps import (
    LOGIN,
    CsrfChecked,
    CurrentStaff,
    RuntimeDep,
    SessionDep,
    StaffEnrolling,
    audited,
)
from bot.dashboard.web import PREFIX, Actor, html, render, see, staff_language
from bot.staff.access import HOME
from bot.staff.accounts import ISSUER, confirm_totp, propose_totp, unseal_totp
from bot.staff.trail import audit_as
from bot.store.models import Staff, StaffSession

router = APIRouter(prefix=PREFIX, include_in_schema=False)


@router.get("/", dependencies=[audited("home")])
def home(actor: CurrentStaff) -> Response:
    """Each role starts on its own page."""
    return see(HOME.get(actor.staff.role, LOGIN))


@router.get("/enrol", dependencies=[audited("account.totp_enrol_page")])
def enrol_page(runtime: RuntimeDep, db: SessionDep, actor: StaffEnrolling) -> Response:
    """Set up two-factor sign-in: a new secret and otpauth URI, shown once."""
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
    return html(body, status)


@router.post("/enrol", dependencies=[audited("account.totp_enrol")])
def enrol_submit(
    request: Request,
    runtime: RuntimeDep,
    db: SessionDep,
    actor: StaffEnrolling,
    _: CsrfChecked,
    code: str = Form("", max_length=16),
    pending: str = Form("", max_length=200),
) -> Response:
    """Confirm the authenticator with one code; the new secret and the session take effect."""
    now = runtime.clock()
    with db.begin():
        staff = db.get(Staff, actor.staff.id)
        assert staff is not None
        if not confirm_totp(runtime.vault, staff, pending, code, now):
            audit_as(request, "account.totp_enrol", outcome="failure")
            secret = unseal_totp(runtime.vault, staff, pending)
            if secret is None:
                return see("/dashboard/enrol")
            # The same secret again: the person already added it to their app.
            uri = pyotp.TOTP(secret).provisioning_uri(name=staff.email, issuer_name=ISSUER)
            error = translator(actor.language)("El código no es correcto.")
            return _enrol_form(actor, secret, uri, pending, error, status=400)
        session = db.get(StaffSession, actor.session.token_hash)
        if session is not None:
            session.stage = "ok"
    audit_as(request, "account.totp_enrol", outcome="success")
    return see("/dashboard/")


@router.post("/account/language", dependencies=[audited("account.language")])
def account_language(
    db: SessionDep, actor: CurrentStaff, _: CsrfChecked, language: str = Form("es", max_length=8)
) -> Response:
    """Change the dashboard's language for this staff member."""
    with db.begin():
        staff = db.get(Staff, actor.staff.id)
        assert staff is not None
        staff.language = staff_language(language)
    return see("/dashboard/")
