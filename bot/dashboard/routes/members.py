"""An admin's actions on the organization's other accounts: roles, deactivation, resets.

Each is a POSTed form (CSRF-checked, audited with the member as target). Deactivating ends the
member's sessions at once and revokes the API tokens they hold; resetting the second factor
makes the next sign-in set up a new one; resetting the password shows a temporary password
once, which the member must change at the next sign-in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from bot.core.i18n import translator
from bot.dashboard.deps import CSRF, CurrentStaff, RuntimeDep, SessionDep, permission
from bot.dashboard.routes.team import TEAM, shown_once
from bot.dashboard.web import PREFIX, see
from bot.staff import admin
from bot.staff.accounts import AccountError
from bot.staff.trail import audit_as
from bot.store.models import Staff

router = APIRouter(prefix=PREFIX, include_in_schema=False)
T = TypeVar("T")


def _manage(action: str) -> list[Any]:
    return [permission("staff:manage", action, target="staff_id"), CSRF]


def _change_member(
    request: Request,
    db: SessionDep,
    actor: CurrentStaff,
    staff_id: str,
    action: str,
    change: Callable[[Staff], T],
    failed: str = "",
) -> T | Response:
    """Apply a change to a member of the actor's organization in one transaction.

    Its result; or, when the member cannot be changed, the reason shown (400) and the attempt
    audited as rejected.
    """
    try:
        with db.begin():
            return change(admin.member(db, staff_id, org_id=actor.org.id, by=actor.staff.id))
    except AccountError as exc:
        audit_as(request, action, outcome="rejected")
        return shown_once(actor, None, str(exc), failed)


@router.post("/staff/{staff_id}/deactivate", dependencies=_manage("staff.deactivate"))
def deactivate(
    request: Request, runtime: RuntimeDep, db: SessionDep, actor: CurrentStaff, staff_id: str
) -> Response:
    """Stop an account now: its sessions end and its API tokens are revoked."""
    revoked = _change_member(
        request,
        db,
        actor,
        staff_id,
        "staff.deactivate",
        lambda member: admin.deactivate(db, member, runtime.clock()),
    )
    if isinstance(revoked, Response):
        return revoked
    audit_as(request, "staff.deactivate", tokens_revoked=revoked)
    return see(TEAM)


@router.post("/staff/{staff_id}/reactivate", dependencies=_manage("staff.reactivate"))
def reactivate(request: Request, db: SessionDep, actor: CurrentStaff, staff_id: str) -> Response:
    """Let a deactivated account sign in again."""
    refused = _change_member(request, db, actor, staff_id, "staff.reactivate", admin.reactivate)
    return refused or see(TEAM)


@router.post("/staff/{staff_id}/reset-2fa", dependencies=_manage("staff.reset_2fa"))
def reset_second_factor(
    request: Request, db: SessionDep, actor: CurrentStaff, staff_id: str
) -> Response:
    """Remove a member's second factor (a lost phone): they set up a new one at sign-in."""
    refused = _change_member(
        request,
        db,
        actor,
        staff_id,
        "staff.reset_2fa",
        lambda member: admin.reset_second_factor(db, member),
    )
    return refused or see(TEAM)


@router.post("/staff/{staff_id}/reset-password", dependencies=_manage("staff.reset_password"))
def reset_password(
    request: Request, db: SessionDep, actor: CurrentStaff, staff_id: str
) -> Response:
    """A temporary password, shown once, to be changed at the member's next sign-in."""
    t = translator(actor.language)
    made = _change_member(
        request,
        db,
        actor,
        staff_id,
        "staff.reset_password",
        lambda member: (member.email, admin.reset_password(db, member)),
    )
    if isinstance(made, Response):
        return made
    email, password = made
    created = {t("Correo"): email, t("Contraseña temporal"): password}
    return shown_once(actor, created, None, "")


@router.post("/staff/{staff_id}/roles", dependencies=_manage("staff.roles"))
def set_roles(
    request: Request,
    db: SessionDep,
    actor: CurrentStaff,
    staff_id: str,
    roles: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Give a member other roles (at least one)."""
    t = translator(actor.language)
    held = _change_member(
        request,
        db,
        actor,
        staff_id,
        "staff.roles",
        lambda member: admin.set_roles(member, roles or []),
        failed=t("No se pudieron cambiar los roles."),
    )
    if isinstance(held, Response):
        return held
    audit_as(request, "staff.roles", roles=" ".join(held))
    return see(TEAM)
