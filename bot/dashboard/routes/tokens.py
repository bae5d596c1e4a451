"""API tokens of the organization (admins): each secret is shown once, when it is made."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from bot.dashboard.deps import CSRF, CurrentStaff, RuntimeDep, SessionDep, permission
from bot.dashboard.routes.team import shown_once
from bot.dashboard.web import PREFIX
from bot.staff.accounts import AccountError, create_api_token
from bot.staff.trail import audit_as
from bot.store.models import Organization

router = APIRouter(prefix=PREFIX, include_in_schema=False)


@router.post("/tokens", dependencies=[permission("staff:manage", "token.add"), CSRF])
def token_add(
    request: Request,
    runtime: RuntimeDep,
    db: SessionDep,
    actor: CurrentStaff,
    name: str = Form("", max_length=80),
    scopes: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Create an API token for the organization; the secret is shown once."""
    try:
        with db.begin():
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
    return shown_once(actor, created, error, t_error="")
