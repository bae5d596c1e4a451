"""The dashboard's FastAPI dependencies: who is signed in, what a route may do, which case.

A route declares its checks, and they run in this order: `permission("cases:write",
"case.event", target="case_id")` in the route's `dependencies` names the request for the audit
log, sends a browser without a session to sign in (303) and refuses a role without the
permission (403); `CSRF` after it (or `CsrfChecked` as an argument) refuses a forged form (400);
`WritableCase` and `VisibleCase` are 404 for a case the organization cannot see. The form
itself is read last: a malformed form (422) is only answered to those allowed to send it.
`SignedIn` is the signed-in staff member with the request's runtime and session, as those two
bring the case with them.
Routes open to any signed-in stage declare `audited(...)` and take the staff member of their
stage (`StaffAtTotp`, `StaffEnrolling`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from bot.core.websecurity import valid_token
from bot.dashboard.web import COOKIE, Actor, Denied, csrf_for, csrf_ok, see
from bot.intake.requests import RuntimeDep as RuntimeDep
from bot.intake.requests import SessionDep as SessionDep
from bot.intake.runtime import Runtime
from bot.staff.access import allowed, find_visible_case
from bot.staff.accounts import load_session
from bot.staff.roles import roles_of
from bot.staff.trail import acting, audit_as, target_of
from bot.store.models import Case, Organization

LOGIN = "/dashboard/login"
# Where a session that has not finished signing in is sent: the step it is at.
STAGE_PAGES = {
    "mfa": "/dashboard/login/totp",
    "enrol": "/dashboard/enrol",
    "password": "/dashboard/account/password",
}
# Requests a page makes by itself (the inbox's refresh): they do not keep a session awake, so
# a screen left open still signs out after the idle time.
UNATTENDED = frozenset({"/dashboard/cases/live"})


def audited(action: str, *, target: str | None = None) -> Any:
    """A route's audit action (and the path parameter it acts on), named before any check."""

    def name(request: Request) -> None:
        audit_as(request, action, target=target_of(request, target))

    return Depends(name)


def signed_in(*stages: str) -> Callable[[Request, Runtime, Session], Actor]:
    """The request's staff member when their session is at one of `stages`; `Denied` otherwise
    (to the login page, or on to the step the session is at)."""

    def staff_member(request: Request, runtime: RuntimeDep, db: SessionDep) -> Actor:
        token = valid_token(request.cookies.get(COOKIE))
        if token is None:
            raise Denied(303, LOGIN)
        now = runtime.clock()
        with db.begin():
            touch = request.url.path not in UNATTENDED
            found = load_session(db, runtime.settings, token, now, touch=touch)
            if found is None:
                raise Denied(303, LOGIN)
            session, staff = found
            org = db.get(Organization, staff.org_id)
            assert org is not None
        # Read again, fresh, by whatever changes them later in the request (lockout counts).
        db.expunge_all()
        acting(request, f"staff:{staff.id}", org.id)
        request.state.staff_language = staff.language  # a refusal page speaks it too
        if session.stage not in stages:
            raise Denied(303, STAGE_PAGES.get(session.stage, "/dashboard/"))
        return Actor(staff=staff, org=org, session=session, csrf=csrf_for(token))

    return staff_member


CurrentStaff = Annotated[Actor, Depends(signed_in("ok"))]
StaffAtTotp = Annotated[Actor, Depends(signed_in("mfa"))]
StaffEnrolling = Annotated[Actor, Depends(signed_in("enrol", "ok"))]
StaffChangingPassword = Annotated[Actor, Depends(signed_in("password", "ok"))]


def permission(name: str, action: str, *, target: str | None = None) -> Any:
    """A route's declared permission: its audit action, then a signed-in staff member whose
    role holds `name`."""

    named = audited(action, target=target)

    def check(_: None = named, *, actor: CurrentStaff) -> None:  # named first, then signed in
        if not allowed(roles_of(actor.staff), name):
            raise Denied(403)

    return Depends(check)


def check_csrf(request: Request, csrf: Annotated[str, Form(max_length=128)] = "") -> None:
    """A form's CSRF field must match the session cookie."""
    if not csrf_ok(valid_token(request.cookies.get(COOKIE)), csrf):
        raise Denied(400)


CsrfChecked = Annotated[None, Depends(check_csrf)]
CSRF = Depends(check_csrf)  # in a route's `dependencies`, after its permission


def changes(action: str) -> list[Any]:
    """The declared permission of a change to a case, audited as `action` (CSRF is checked
    with the case: `WritableCase`)."""
    return [permission("cases:write", action, target="case_id")]


@dataclass(frozen=True)
class StaffAccess:
    """The signed-in staff member of a request, with the request's runtime and session."""

    runtime: Runtime
    db: Session
    actor: Actor

    def org(self) -> Organization:
        """The staff member's organization as a row of this session, to change it."""
        return self.actor.org_in(self.db)


def staff_access(runtime: RuntimeDep, db: SessionDep, actor: CurrentStaff) -> StaffAccess:
    return StaffAccess(runtime=runtime, db=db, actor=actor)


SignedIn = Annotated[StaffAccess, Depends(staff_access)]


@dataclass(frozen=True)
class CaseAccess(StaffAccess):
    """A case a staff member reaches in this request, with the request's runtime and session."""

    case: Case

    def page(self, query: str) -> str:
        """The case page's address, saying what happened (`done=...` or `error=...`)."""
        return f"/dashboard/cases/{self.case.id}?{query}"

    def back(self, query: str) -> RedirectResponse:
        """Back to the case page, saying what happened."""
        return see(self.page(query))


def visible_case(
    case_id: str, runtime: RuntimeDep, db: SessionDep, actor: CurrentStaff
) -> Iterator[CaseAccess]:
    """A case the organization may see (404 otherwise); the route runs in one transaction."""
    with db.begin():
        case = find_visible_case(db, actor.org, case_id)
        if case is None:
            raise Denied(404)
        yield CaseAccess(runtime=runtime, db=db, actor=actor, case=case)


VisibleCase = Annotated[CaseAccess, Depends(visible_case, scope="function")]


def writable_case(
    case_id: str, runtime: RuntimeDep, db: SessionDep, actor: CurrentStaff, _: CsrfChecked
) -> Iterator[CaseAccess]:
    """A case this staff member may change: role (403) and CSRF (400) checked, the case
    visible (404); the route's changes are one transaction, committed when it returns."""
    if not allowed(roles_of(actor.staff), "cases:write"):
        raise Denied(403)
    yield from visible_case(case_id, runtime, db, actor)


WritableCase = Annotated[CaseAccess, Depends(writable_case, scope="function")]
