"""An organization's alert settings (admins): on-call destinations, response time, contact
line, alerts on every report; and, for the network's admin, the fallback organization.

The network's admin is an admin of the current fallback organization: the one organization
that already sees every uncovered report may hand that role to another (least privilege: no
new role, and every change is audited). With no fallback set yet, `camino org fallback SLUG`
sets the first one.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy import select

from bot.core.i18n import translator
from bot.dashboard.deps import CSRF, SignedIn, StaffAccess, permission
from bot.dashboard.web import PREFIX, Actor, Denied, page, see
from bot.staff import orgsettings
from bot.staff.accounts import AccountError
from bot.staff.ownership import fallback, set_fallback
from bot.staff.roles import roles_of
from bot.staff.trail import audit_as
from bot.store.models import Organization
from flows.model import N_

router = APIRouter(prefix=PREFIX, include_in_schema=False)
ALERTS = "/dashboard/alerts"
BAD_DESTINATIONS = N_(
    "Revise los destinos: números en formato +52..., chats de Telegram con su número."
)
BAD_SETTINGS = N_("Revise el tiempo de respuesta (horas) y la línea de contacto (+52...).")


def is_network_admin(actor: Actor) -> bool:
    """An admin of the fallback organization."""
    return "admin" in roles_of(actor.staff) and bool(actor.org.is_fallback)


def _page(access: StaffAccess, status: int, error: str | None) -> Response:
    db, actor = access.db, access.actor
    with db.begin():
        org = access.org()
        shown = orgsettings.shown_destinations(db, access.runtime.vault, org)
        network = is_network_admin(actor)
        spare = fallback(db)
        organizations = (
            [(o.slug, o.name) for o in db.scalars(select(Organization).order_by(Organization.name))]
            if network
            else []
        )
        return page(
            "alerts.html",
            actor,
            status,
            destinations=shown,
            response_hours=org.response_hours,
            contact_line=org.contact_line or "",
            alert_every_report=org.alert_every_report,
            network=network,
            organizations=organizations,
            fallback_slug=spare.slug if spare else None,
            max_response_hours=orgsettings.MAX_RESPONSE_HOURS,
            error=error,
            done=None,
        )


def _refused(request: Request, access: StaffAccess, action: str, error: str) -> Response:
    """The page again (400) saying what to correct; the attempt is audited as rejected."""
    audit_as(request, action, outcome="rejected")
    return _page(access, 400, translator(access.actor.language)(error))


@router.get("/alerts", dependencies=[permission("staff:manage", "org.alerts.view")])
def alerts_page(access: SignedIn) -> Response:
    """Where alerts go, the stated response time, the contact line; the fallback (network)."""
    return _page(access, 200, None)


def typed_destinations(
    sms: str = Form("", max_length=400),
    whatsapp: str = Form("", max_length=400),
    telegram: str = Form("", max_length=400),
) -> orgsettings.Destinations | None:
    """The on-call destinations typed in the form, a list per channel (None: one is not valid)."""
    typed = [orgsettings.parse_lines(text) for text in (sms, whatsapp, telegram)]
    try:
        return orgsettings.Destinations.parse(*typed)
    except AccountError:
        return None


TypedDestinations = Annotated[orgsettings.Destinations | None, Depends(typed_destinations)]


@router.post("/alerts", dependencies=[permission("staff:manage", "org.alerts"), CSRF])
def alerts_save(
    request: Request,
    access: SignedIn,
    wanted: TypedDestinations,
    off: str = Form(""),
) -> Response:
    """Replace the on-call destinations with those typed (or remove them all)."""
    if wanted is None:
        return _refused(request, access, "org.alerts", BAD_DESTINATIONS)
    if not wanted.items() and not off:
        return see(ALERTS)  # nothing typed: nothing changes
    with access.db.begin():
        org = access.org()
        count = orgsettings.replace_destinations(
            access.db, access.runtime.vault, org, wanted, access.runtime.clock()
        )
    audit_as(
        request,
        "org.alerts",
        sms=len(wanted.sms),
        whatsapp=len(wanted.whatsapp),
        telegram=len(wanted.telegram),
        total=count,
    )
    return see(ALERTS)


@router.post(
    "/alerts/settings", dependencies=[permission("staff:manage", "org.alert_settings"), CSRF]
)
def alert_settings_save(
    request: Request,
    access: SignedIn,
    response_hours: str = Form("", max_length=8),
    contact_line: str = Form("", max_length=40),
    alert_every_report: str = Form(""),
) -> Response:
    """The stated response time, the public contact line, alerts on every report."""
    try:
        hours = orgsettings.parse_response_hours(response_hours)
        line = orgsettings.parse_phone(contact_line) if contact_line.strip() else None
    except AccountError:
        return _refused(request, access, "org.alert_settings", BAD_SETTINGS)
    with access.db.begin():
        org = access.org()
        org.response_hours = hours
        org.contact_line = line
        org.alert_every_report = bool(alert_every_report)
    audit_as(
        request,
        "org.alert_settings",
        response_hours=hours,
        contact_line=line is not None,
        alert_every_report=bool(alert_every_report),
    )
    return see(ALERTS)


@router.post(
    "/alerts/fallback", dependencies=[permission("staff:manage", "network.fallback"), CSRF]
)
def fallback_save(
    request: Request, access: SignedIn, slug: str = Form("", max_length=60)
) -> Response:
    """The network's admin names the fallback organization."""
    if not is_network_admin(access.actor):
        raise Denied(403)
    with access.db.begin():
        chosen = access.db.scalars(select(Organization).where(Organization.slug == slug)).first()
        if chosen is None:
            audit_as(request, "network.fallback", outcome="rejected")
            return see(ALERTS)
        set_fallback(access.db, chosen)
        target = chosen.id
    audit_as(request, "network.fallback", target=f"org:{target}")
    return see(ALERTS)
