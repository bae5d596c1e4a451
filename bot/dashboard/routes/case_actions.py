"""Changes to a case: internal notes, assignment, talk back (track events and referrals are
in `case_tracks`).

Each is a form on the case page, answered with a redirect back to it (`?done=` or `?error=`);
the change is one transaction (see `WritableCase`).
"""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from bot import alerts
from bot.dashboard import casework
from bot.dashboard.deps import WritableCase, changes
from bot.dashboard.web import PREFIX
from bot.staff import callbacks
from bot.staff.accounts import AccountError
from bot.staff.trail import audit_as
from bot.talkback import threads as talkback

router = APIRouter(prefix=PREFIX, include_in_schema=False)


@router.post("/cases/{case_id}/acknowledge", dependencies=changes("case.acknowledge"))
def case_acknowledge(request: Request, change: WritableCase) -> Response:
    """ "Lo atiendo": this caseworker attends the urgent report; its alerts stop."""
    staff = change.actor.staff
    done = alerts.acknowledge(
        change.db,
        change.case,
        by=f"staff:{staff.id}",
        author=staff.email,
        via="dashboard",
        now=change.runtime.clock(),
    )
    audit_as(request, "case.acknowledge", outcome="ok" if done else "rejected")
    return change.back("done=acknowledged" if done else "error=acknowledged")


@router.post("/cases/{case_id}/notes", dependencies=changes("case.note"))
def case_add_note(change: WritableCase, body: str = Form("", max_length=4000)) -> Response:
    """An internal note (encrypted; never shown to families)."""
    if not body.strip():
        return change.back("error=note")
    actor = change.actor
    casework.add_note(
        change.db,
        change.runtime.vault,
        change.case,
        org=actor.org,
        staff=actor.staff,
        body=body.strip(),
        now=change.runtime.clock(),
    )
    return change.back("done=note")


@router.post("/cases/{case_id}/assign", dependencies=changes("case.assign"))
def case_assign(
    request: Request, change: WritableCase, staff_id: str = Form("", max_length=32)
) -> Response:
    """Give the case to a caseworker of the organization."""
    org, now = change.actor.org, change.runtime.clock()
    try:
        staff = casework.assign(change.db, change.case, org=org, staff_id=staff_id, now=now)
    except AccountError:
        return change.back("error=assign")
    audit_as(request, "case.assign", assignee=f"staff:{staff.id}")
    return change.back("done=assign")


@router.post("/cases/{case_id}/called", dependencies=changes("case.called"))
def case_called(
    request: Request,
    change: WritableCase,
    who: str = Form("", max_length=16),
    note: str = Form("", max_length=2000),
) -> Response:
    """The call a reporter or a relative asked for was made: on the timeline, off the to-do."""
    if who not in (callbacks.REPORTER, callbacks.RELATIVE):
        audit_as(request, "case.called", outcome="rejected")
        return change.back("error=called")
    done = callbacks.mark_called(
        change.db,
        change.runtime.vault,
        change.case,
        who=who,
        author=change.actor.staff.email,
        note=note.strip() or None,
        now=change.runtime.clock(),
    )
    audit_as(request, "case.called", outcome="ok" if done else "rejected", who=who)
    return change.back("done=called" if done else "error=called")


@router.post("/cases/{case_id}/messages", dependencies=changes("case.talkback"))
def case_talkback(
    request: Request, change: WritableCase, body: str = Form("", max_length=2000)
) -> Response:
    """Write to the reporter through their own channel (queued in the outbox)."""
    runtime, actor = change.runtime, change.actor
    try:
        message = talkback.send(
            change.db,
            runtime.vault,
            change.case,
            org=actor.org,
            staff=actor.staff,
            text=body,
            now=runtime.clock(),
            timezone=runtime.settings.default_timezone,
        )
    except talkback.TalkbackRefused as refused:
        audit_as(request, "case.talkback", outcome="refused", reason=refused.reason)
        return change.back(f"error={refused.reason}")
    audit_as(request, "case.talkback", message=message.id, outbox=message.outbox_id)
    return change.back("done=message_web" if change.case.channel == "web" else "done=message")


@router.post("/cases/{case_id}/thread/close", dependencies=changes("case.talkback_close"))
def case_close_thread(change: WritableCase) -> Response:
    """End the conversation with the reporter: the bot answers them again."""
    talkback.close_thread(change.db, change.case, change.actor.org, change.runtime.clock())
    return change.back("done=closed")
