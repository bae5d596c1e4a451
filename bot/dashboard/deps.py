"""The dashboard's FastAPI dependencies: who is signed in, what a route may do, which case.

A route declares its checks, and they run in this order: `permission("cases:write",
"case.event", target="case_id")` in the route's `dependencies` names the request for the audit
log, sends a browser without a session to sign in (303) and refuses a role without the
permission (403); `CsrfChecked` refuses a forged form (400); `WritableCase` and `VisibleCase`
are 404 for a case the organization cannot see. Routes open to any signed-in stage declare
`audited(...)` and take the staff member of their stage (`StaffAtTotp`, `StaffEnrolling`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any

from fastapi import Depends, Form, Request
from sqlalchemy.orm import Session

from bot.core.websecurity import valid_token
from bot.dashboard.web import COOKIE, Actor, Denied, csrf_for, csrf_ok
from bot.intake.runtime import Runtime
from bot.staff.access import allowed, find_visible_case
from bot.staff.accounts import load_session
from bot.staff.trail import acting, audit_as, target_of
from bot.store.models import Case, Organization

LOGIN = "/dashboard/login"


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(runtime_of)]


def database(runtime: RuntimeDep) -> Iterator[Session]:
    """One session per request, closed before the response starts (and its audit entry)."""
    with runtime.sessions() as db:
        yield db


SessionDep = Annotated[Session, Depends(database, scope="function")]


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
            found = load_session(db, runtime.settings, token, now)
            if found is None:
                raise Denied(303, LOGIN)
            session, staff = found
            org = db.get(Organization, staff.org_id)
            assert org is not None
        acting(request, f"staff:{staff.id}", org.id)
        request.state.staff_language = staff.language  # a refusal page speaks it too
        if session.stage not in stages:
            raise Denied(303, "/dashboard/login/totp" if session.stage != "ok" else "/dashboard/")
        return Actor(staff=staff, org=org, session=session, csrf=csrf_for(token))

    return staff_member


CurrentStaff = Annotated[Actor, Depends(signed_in("ok"))]
StaffAtTotp = Annotated[Actor, Depends(signed_in("mfa"))]
StaffEnrolling = Annotated[Actor, Depends(signed_in("enrol", "ok"))]


def permission(name: str, action: str, *, target: str | None = None) -> Any:
    """A route's declared permission: its audit action, then a signed-in staff member whose
    role holds `name`."""

    named = audited(action, target=target)

    def check(_: None = named, *, actor: CurrentStaff) -> None:  # named first, then signed in
        if not allowed(actor.staff.role, name):
            raise Denied(403)

    return Depends(check)


def check_csrf(request: Request, csrf: Annotated[str, Form(max_length=128)] = "") -> None:
    """A form's CSRF field must match the session cookie."""
    if not csrf_ok(valid_token(request.cookies.get(COOKIE)), csrf):
        raise Denied(400)


CsrfChecked = Annotated[None, Depends(check_csrf)]


def visible_case(case_id: str, actor: CurrentStaff, db: SessionDep) -> Iterator[Case]:
    """A case the organization may see; the route runs in one transaction with it."""
    with db.begin():
        case = find_visible_case(db, actor.org, case_id)
        if case is None:
            raise Denied(404)
        yield case


VisibleCase = Annotated[Case, Depends(visible_case, scope="function")]


def writable_case(
    case_id: str, actor: CurrentStaff, _: CsrfChecked, db: SessionDep
) -> Iterator[Case]:
    """A case this staff member may change: role and CSRF checked, the case visible; the
    route's changes are one transaction, committed when it returns."""
    if not allowed(actor.staff.role, "cases:write"):
        raise Denied(403)
    yield from visible_case(case_id, actor, db)


WritableCase = Annotated[Case, Depends(writable_case, scope="function")]
