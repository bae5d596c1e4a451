"""/api/v1/cases: list and read the organization's cases, add events to their tracks.

An organization's token reaches only the cases routed or referred to it. Case ids are the only
identifiers exposed: case codes, personal data and notes never leave here.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request

from bot import cases
from bot.api.deps import PREFIX, RuntimeDep, SessionDep, Token, TokenOrganization, scope
from bot.api.schemas import (
    ERRORS,
    CaseDetail,
    CaseList,
    CaseQuery,
    CaseSummary,
    Code,
    EventIn,
    EventOut,
    Problem,
)
from bot.cases.events import EventError, TimelineEntry
from bot.follow.events import add_event
from bot.staff.access import Cursor, InboxFilters, find_visible_case, inbox_page
from bot.staff.trail import audit_as
from bot.store.models import Case, CaseEvent

router = APIRouter(prefix=PREFIX, tags=["api"])


def summary(case: Case) -> CaseSummary:
    return CaseSummary.model_validate(case)


def event_out(event: CaseEvent | TimelineEntry) -> EventOut:
    return EventOut(
        track=event.track,
        status=event.status,
        family_visible=event.family_visible,
        created_at=event.created_at,
    )


@router.get(
    "/cases",
    response_model=CaseList,
    responses=ERRORS,
    dependencies=[scope("cases:read", "api.cases.list")],
)
def list_cases(
    db: SessionDep,
    org: TokenOrganization,
    narrowed: CaseQuery,
    status: Code = None,
    language: Annotated[str | None, Query(pattern=r"^[a-z]{2}$")] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> CaseList:
    """Cases routed or referred to the token's organization: urgent first, then newest."""
    filters = InboxFilters(**asdict(narrowed), status=status, language=language)
    rows, after = inbox_page(db, org, filters, Cursor.decode(cursor), limit)
    items = [summary(case) for case in rows]
    return CaseList(items=items, next_cursor=after.encode() if after else None)


@router.get(
    "/cases/{case_id}",
    response_model=CaseDetail,
    responses=ERRORS,
    dependencies=[scope("cases:read", "api.cases.read", target="case_id")],
)
def read_case(
    runtime: RuntimeDep, db: SessionDep, org: TokenOrganization, case_id: str
) -> CaseDetail:
    """One case's coded fields and timeline."""
    case = find_visible_case(db, org, case_id)
    if case is None:
        raise HTTPException(404, "No such case.")
    events = [event_out(e) for e in cases.timeline(db, runtime.vault, case)]
    return CaseDetail(**summary(case).model_dump(), events=events)


@router.post(
    "/cases/{case_id}/events",
    response_model=EventOut,
    status_code=201,
    responses={**ERRORS, 409: {"model": Problem, "description": "Not a valid next step"}},
    dependencies=[scope("cases:write", "api.cases.event", target="case_id")],
)
def add_case_event(
    request: Request,
    runtime: RuntimeDep,
    db: SessionDep,
    token: Token,
    org: TokenOrganization,
    case_id: str,
    body: EventIn,
) -> EventOut:
    """Record a step on one of the case's tracks."""
    with db.begin():
        case = find_visible_case(db, org, case_id)
        if case is None:
            raise HTTPException(404, "No such case.")
        try:
            event = add_event(
                db,
                runtime.vault,
                case,
                status=body.status,
                author=f"api:{token.token_id}",
                note=body.note or None,
                family_visible=body.family_visible,
                now=runtime.clock(),
                body=body.body,
                corrects=body.corrects,
            )
        except EventError as exc:
            raise HTTPException(409, str(exc)) from exc
        out = event_out(event)
    audit_as(request, "api.cases.event", status=out.status, family_visible=out.family_visible)
    return out
