"""API tokens of the organization (admins): each held by a member, expiring, revocable.

A token's secret is shown once, when it is made. It works while its holder is active and
holds a role that allows each scope; it expires after the days chosen (90 by default).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from bot.core.i18n import translator
from bot.dashboard.deps import CSRF, SignedIn, permission
from bot.dashboard.routes.team import TEAM, shown_once
from bot.dashboard.web import PREFIX, see
from bot.staff import admin, tokens
from bot.staff.accounts import AccountError
from bot.staff.trail import audit_as

router = APIRouter(prefix=PREFIX, include_in_schema=False)


@router.post("/tokens", dependencies=[permission("staff:manage", "token.add"), CSRF])
def token_add(
    request: Request,
    access: SignedIn,
    name: str = Form("", max_length=80),
    holder: str = Form("", max_length=32),
    days: str = Form("", max_length=8),
    scopes: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Create an API token held by a member of the organization; the secret is shown once."""
    t = translator(access.actor.language)
    try:
        with access.db.begin():
            org = access.org()
            member = admin.member(access.db, holder or access.actor.staff.id, org_id=org.id)
            secret, record = tokens.create_api_token(
                access.db,
                org=org,
                name=name,
                scopes=scopes or [],
                now=access.runtime.clock(),
                holder=member,
                days=tokens.parse_days(days),
            )
            expires = record.expires_at.strftime("%Y-%m-%d")
        audit_as(request, "token.add", target=f"token:{record.id}", scopes=record.scopes)
        created = {t("Nombre"): record.name, t("Vence"): expires, t("Clave"): secret}
        error = None
    except AccountError as exc:
        audit_as(request, "token.add", outcome="rejected")
        created, error = None, str(exc)
    return shown_once(access.actor, created, error, t("No se pudo crear la clave."))


@router.post(
    "/tokens/{token_id}/revoke",
    dependencies=[permission("staff:manage", "token.revoke", target="token_id"), CSRF],
)
def token_revoke(request: Request, access: SignedIn, token_id: str) -> Response:
    """Revoke one of the organization's tokens: it answers 401 from now on."""
    try:
        with access.db.begin():
            tokens.revoke(access.db, token_id, access.runtime.clock(), org_id=access.actor.org.id)
    except AccountError as exc:
        audit_as(request, "token.revoke", outcome="rejected")
        return shown_once(access.actor, None, str(exc), "")
    return see(TEAM)
