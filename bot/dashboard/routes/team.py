"""The organization's team and settings (admins): accounts, covered states, retention period."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy import select

from bot.core.geography import MX_STATES
from bot.core.i18n import translator
from bot.dashboard.deps import CSRF, SignedIn, permission
from bot.dashboard.web import PREFIX, Actor, page, see
from bot.staff.accounts import (
    MAX_RETENTION_DAYS,
    MIN_RETENTION_DAYS,
    ROLES,
    AccountError,
    create_staff,
    new_password,
    org_states,
    parse_retention_days,
    parse_states,
    set_coverage,
)
from bot.staff.roles import roles_of
from bot.staff.tokens import DEFAULT_DAYS, MAX_DAYS, SCOPES, is_live, org_tokens
from bot.staff.trail import audit_as
from bot.store.models import Staff
from flows.model import N_

router = APIRouter(prefix=PREFIX, include_in_schema=False)
TEAM = "/dashboard/staff"
# What each API token scope allows, in words.
SCOPE_NAMES = {
    "cases:read": N_("Leer los casos"),
    "events:write": N_("Registrar pasos en los casos"),
    "stats:read": N_("Leer las estadísticas"),
}


def shown_once(
    actor: Actor, created: dict[str, str] | None, error: str | None, t_error: str
) -> Response:
    """What an admin just made (an account, a token), shown this once; or why not (400)."""
    return page(
        "staff_created.html",
        actor,
        200 if created else 400,
        created=created,
        error=error,
        t_error=t_error,
    )


@router.get("/staff", dependencies=[permission("staff:manage", "staff.view")])
def staff_page(access: SignedIn) -> Response:
    """The organization's accounts, its states, and its API tokens."""
    runtime, db, actor = access.runtime, access.db, access.actor
    t = translator(actor.language)
    members = list(
        db.scalars(select(Staff).where(Staff.org_id == actor.org.id).order_by(Staff.email))
    )
    emails = {member.id: member.email for member in members}
    now = runtime.clock()
    tokens = [
        (token, emails.get(token.staff_id or "", ""), is_live(token, now))
        for token in org_tokens(db, actor.org.id)
    ]
    return page(
        "staff.html",
        actor,
        members=[(member, roles_of(member)) for member in members],
        me=actor.staff.id,
        tokens=tokens,
        roles=ROLES,
        default_days=DEFAULT_DAYS,
        max_days=MAX_DAYS,
        scopes=[(scope, t(SCOPE_NAMES.get(scope, scope))) for scope in SCOPES],
        scope_names={scope: t(name) for scope, name in SCOPE_NAMES.items()},
        states=sorted(MX_STATES.items(), key=lambda item: item[1]),
        covered=set(org_states(actor.org)),
        retention_days=actor.org.retention_days,
        default_retention_days=runtime.settings.retention_days,
        min_retention_days=MIN_RETENTION_DAYS,
        max_retention_days=MAX_RETENTION_DAYS,
        created=None,
        error=None,
    )


@router.post("/staff", dependencies=[permission("staff:manage", "staff.add"), CSRF])
def staff_add(
    request: Request,
    access: SignedIn,
    email: str = Form("", max_length=254),
    roles: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Create an account with one or more roles; its generated password is shown once."""
    t = translator(access.actor.language)
    password = new_password()
    try:
        with access.db.begin():
            staff = create_staff(
                access.db,
                access.runtime.vault,
                org=access.org(),
                email=email,
                roles=roles or [],
                password=password,
                language=access.actor.language,
                now=access.runtime.clock(),
            )
        audit_as(request, "staff.add", target=f"staff:{staff.id}", roles=staff.roles)
        created = {t("Correo"): staff.email, t("Contraseña"): password}
        error = None
    except AccountError as exc:
        audit_as(request, "staff.add", outcome="rejected")
        created, error = None, str(exc)
    return shown_once(access.actor, created, error or None, t("No se pudo crear la cuenta."))


@router.post("/settings", dependencies=[permission("staff:manage", "org.settings"), CSRF])
def settings_save(
    request: Request,
    access: SignedIn,
    states: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Change the states the organization covers: a state added reaches the reports filed from
    now on (older cases of that state move only by referral)."""
    try:
        codes_ = parse_states(" ".join(states or [])[:400])
    except AccountError:
        return see(TEAM)
    with access.db.begin():
        set_coverage(access.org(), codes_, access.runtime.clock())
    audit_as(request, "org.settings", states=" ".join(codes_))
    return see(TEAM)


@router.post(
    "/settings/retention", dependencies=[permission("staff:manage", "org.retention"), CSRF]
)
def retention_save(
    request: Request,
    access: SignedIn,
    retention_days: str = Form("", max_length=16),
) -> Response:
    """Change how long the organization's closed cases are kept (blank: the global period)."""
    try:
        days = parse_retention_days(retention_days)
    except AccountError:
        audit_as(request, "org.retention", outcome="rejected")
        t = translator(access.actor.language)
        error = t("El plazo de conservación es un número de días entre {low} y {high}.").format(
            low=MIN_RETENTION_DAYS, high=MAX_RETENTION_DAYS
        )
        return page("staff_created.html", access.actor, 400, created=None, error=error)
    with access.db.begin():
        access.org().retention_days = days
    audit_as(request, "org.retention", retention_days=days)
    return see(TEAM)
