"""Changes to a case: track events, internal notes, assignment, referral, talk back.

Each is a form on the case page, answered with a redirect back to it (`?done=` or `?error=`);
the change is one transaction (see `WritableCase`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from bot.cases.events import EventError
from bot.dashboard import casework
from bot.dashboard.deps import CurrentStaff, RuntimeDep, SessionDep, WritableCase, permission
from bot.dashboard.web import PREFIX, see
from bot.follow.events import add_event
from bot.staff.accounts import AccountError
from bot.staff.trail import audit_as
from bot.talkback import threads as talkback

router = APIRouter(prefix=PREFIX, include_in_schema=False)


def changes(action: str) -> list[Any]:
    """The declared permission of a change to a case, audited as `action`."""
    return [permission("cases:write", action, target="case_id")]


@router.post("/cases/{case_id}/events", dependencies=changes("case.event"))
def case_add_event(
    request: Request,
    runtime: RuntimeDep,
    db: SessionDep,
    actor: CurrentStaff,
    case: WritableCase,
    status: str = Form(..., max_length=40),
    note: str = Form("", max_length=2000),
    family_visible: str = Form(""),
) -> Response:
    """Record a step on the intake, justice or migration track."""
    try:
        add_event(
            db,
            runtime.vault,
            case,
            status=status,
            author=actor.staff.email,
            note=note.strip() or None,
            family_visible=bool(family_visible),
            now=runtime.clock(),
        )
    except EventError:
        audit_as(request, "case.event", outcome="rejected", status=status[:40])
        return see(f"/dashboard/cases/{case.id}?error=event")
    audit_as(request, "case.event", status=status, family_visible=bool(family_visible))
    return see(f"/dashboard/cases/{case.id}?done=event")


@router.post("/cases/{case_id}/notes", dependencies=changes("case.note"))
def case_add_note(
    runtime: RuntimeDep,
    db: SessionDep,
    actor: CurrentStaff,
    case: WritableCase,
    body: str = Form("", max_length=4000),
) -> Response:
    """An internal note (encrypted; never shown to families)."""
    if not body.strip():
        return see(f"/dashboard/cases/{case.id}?error=note")
    casework.add_note(
        db,
        runtime.vault,
        case,
        org=actor.org,
        staff=actor.staff,
        body=body.strip(),
        now=runtime.clock(),
    )
    return see(f"/dashboard/cases/{case.id}?done=note")


@router.post("/cases/{case_id}/assign", dependencies=changes("case.assign"))
def case_assign(
    request: Request,
    runtime: RuntimeDep,
    db: SessionDep,
    actor: CurrentStaff,
    case: WritableCase,
    staff_id: str = Form("", max_length=32),
) -> Response:
    """Give the case to a caseworker of the organization."""
    try:
        staff = casework.assign(db, case, org=actor.org, staff_id=staff_id, now=runtime.clock())
    except AccountError:
        return see(f"/dashboard/cases/{case.id}?error=assign")
    audit_as(request, "case.assign", assignee=f"staff:{staff.id}")
    return see(f"/dashboard/cases/{case.id}?done=assign")


@router.post("/cases/{case_id}/refer", dependencies=changes("case.refer"))
def case_refer(
    request: Request,
    runtime: RuntimeDep,
    db: SessionDep,
    actor: CurrentStaff,
    case: WritableCase,
    organization: str = Form("", max_length=60),
) -> Response:
    """Refer the case to another organization, explicitly."""
    try:
        target = casework.refer(
            db,
            case,
            from_org=actor.org,
            to_slug=organization,
            staff=actor.staff,
            now=runtime.clock(),
        )
    except AccountError:
        return see(f"/dashboard/cases/{case.id}?error=refer")
    audit_as(request, "case.refer", to_org=target.id)
    return see(f"/dashboard/cases/{case.id}?done=refer")


@router.post("/cases/{case_id}/messages", dependencies=changes("case.talkback"))
def case_talkback(
    request: Request,
    runtime: RuntimeDep,
    db: SessionDep,
    actor: CurrentStaff,
    case: WritableCase,
    body: str = Form("", max_length=2000),
) -> Response:
    """Write to the reporter through their own channel (queued in the outbox)."""
    try:
        message = talkback.send(
            db,
            runtime.vault,
            case,
            org=actor.org,
            staff=actor.staff,
            text=body,
            now=runtime.clock(),
            timezone=runtime.settings.default_timezone,
        )
    except talkback.TalkbackRefused as refused:
        audit_as(request, "case.talkback", outcome="refused", reason=refused.reason)
        return see(f"/dashboard/cases/{case.id}?error={refused.reason}")
    audit_as(request, "case.talkback", message=message.id, outbox=message.outbox_id)
    done = "message_web" if case.channel == "web" else "message"
    return see(f"/dashboard/cases/{case.id}?done={done}")


@router.post("/cases/{case_id}/thread/close", dependencies=changes("case.talkback_close"))
def case_close_thread(
    runtime: RuntimeDep, db: SessionDep, actor: CurrentStaff, case: WritableCase
) -> Response:
    """End the conversation with the reporter: the bot answers them again."""
    talkback.close_thread(db, case, actor.org, runtime.clock())
    return see(f"/dashboard/cases/{case.id}?done=closed")
