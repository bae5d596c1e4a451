"""The API's dependencies: the runtime, a database session, the bearer token, declared scopes.

A route declares the scope it needs with `dependencies=[scope("cases:read", "api.cases.list")]`:
the token is checked first (401), then the request is named for the audit log, then the scope is
checked (403). Handlers take `SessionDep` and `TokenOrganization` as arguments.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request

from bot.intake.requests import RuntimeDep as RuntimeDep
from bot.intake.requests import SessionDep as SessionDep
from bot.staff.access import scope_allows
from bot.staff.bearer import TokenContext, TokenRefused, authenticate
from bot.staff.trail import acting, audit_as, target_of
from bot.store.models import Organization

PREFIX = "/api/v1"


def token_context(request: Request, runtime: RuntimeDep, db: SessionDep) -> TokenContext:
    """Authenticate the bearer token (and record who it is for the audit log)."""
    try:
        with db.begin():
            token = authenticate(db, request.headers.get("authorization", ""), runtime.clock())
    except TokenRefused as refused:
        raise HTTPException(401, str(refused), {"www-authenticate": "Bearer"}) from None
    acting(request, f"token:{token.token_id}", token.org_id)
    return token


Token = Annotated[TokenContext, Depends(token_context)]


def scope(
    permission: str, action: str, *, target: str | None = None, detail: tuple[str, ...] = ()
) -> Any:
    """A route's declared scope: names the audit action (target and detail from the path),
    then checks the token's scopes."""

    def check(request: Request, token: Token) -> None:
        named = {name: request.path_params[name] for name in detail}
        audit_as(request, action, target=target_of(request, target), **named)
        if not scope_allows(token.scopes, permission):
            raise HTTPException(403, "This token does not have the scope for that.")

    return Depends(check)


def token_organization(token: Token, db: SessionDep) -> Organization:
    """The organization that owns the request's token."""
    with db.begin():
        org = db.get(Organization, token.org_id)
    if org is None:
        raise HTTPException(401, "Unknown or revoked token.")
    return org


TokenOrganization = Annotated[Organization, Depends(token_organization)]
