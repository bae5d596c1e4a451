"""/api/v1: list and read cases, add events, statistics; `Authorization: Bearer cmn_...`.

Tokens belong to one organization and carry scopes (`cases:read`, `events:write`,
`stats:read`); an organization's token reaches only the cases routed or referred to it. Case
ids are the only identifiers exposed: case codes, personal data and notes never leave here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field

from bot import cases
from bot.cases.events import EventError
from bot.dashboard.web import audit_as, draft, runtime_of
from bot.follow.events import add_event
from bot.staff.access import (
    Cursor,
    InboxFilters,
    find_visible_case,
    inbox_page,
    scope_allows,
    visible_cases,
)
from bot.staff.accounts import aware, find_api_token
from bot.stats import tables as stats
from bot.store.models import Case, Organization

router = APIRouter(prefix="/api/v1", tags=["api"])


class Problem(BaseModel):
    """An error answer."""

    detail: str


ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": Problem, "description": "Missing or unknown token"},
    403: {"model": Problem, "description": "The token lacks the scope"},
    404: {"model": Problem, "description": "No such case for this organization"},
}


class TokenContext(BaseModel):
    """The organization and scopes behind a request's token."""

    token_id: str
    org_id: str
    scopes: list[str]


def token_context(request: Request) -> TokenContext:
    """Authenticate the bearer token (and record who it is for the audit log)."""
    header = request.headers.get("authorization", "")
    scheme, _, secret = header.partition(" ")
    runtime = runtime_of(request)
    if scheme.lower() != "bearer" or not secret:
        raise HTTPException(401, "A bearer token is required.", {"www-authenticate": "Bearer"})
    with runtime.sessions() as db, db.begin():
        token = find_api_token(db, secret.strip())
        if token is None:
            raise HTTPException(401, "Unknown or revoked token.", {"www-authenticate": "Bearer"})
        token.last_used_at = runtime.clock()
        context = TokenContext(token_id=token.id, org_id=token.org_id, scopes=token.scopes.split())
    entry = draft(request)
    entry.actor, entry.org_id = f"token:{context.token_id}", context.org_id
    return context


Token = Annotated[TokenContext, Depends(token_context)]


def need(token: TokenContext, permission: str) -> None:
    if not scope_allows(token.scopes, permission):
        raise HTTPException(403, "This token does not have the scope for that.")


def organization(request: Request, token: TokenContext) -> Organization:
    runtime = runtime_of(request)
    with runtime.sessions() as db:
        org = db.get(Organization, token.org_id)
    if org is None:
        raise HTTPException(401, "Unknown or revoked token.")
    return org


class CaseSummary(BaseModel):
    """A case's coded fields (no personal data)."""

    id: str
    status: str
    urgent: bool
    channel: str
    language: str
    submitted_at: datetime | None
    incident_state: str | None
    reporter_state: str | None
    reporter_country: str | None
    place_type: str | None
    crime_types: list[str]
    perpetrators: list[str]
    officials_colluded: str | None
    victim_nationality: str | None
    victim_gender: str | None
    victim_age_group: str | None
    victim_count: int | None
    still_missing_or_held: bool | None


class CaseList(BaseModel):
    """A page of cases and the cursor of the next page."""

    items: list[CaseSummary]
    next_cursor: str | None


class EventOut(BaseModel):
    """A case event (its note stays in the dashboard)."""

    track: str
    status: str
    family_visible: bool
    created_at: datetime


class CaseDetail(CaseSummary):
    """A case with its timeline."""

    events: list[EventOut]


class EventIn(BaseModel):
    """A new event: a status of the intake, justice or migration track."""

    status: str = Field(min_length=1, max_length=40)
    note: str | None = Field(default=None, max_length=2000)
    family_visible: bool = False


class StatCell(BaseModel):
    """One published cell: its count is null when suppressed."""

    value: str
    count: int | None
    suppressed: bool


class StatTable(BaseModel):
    """A statistic after small-cell suppression."""

    dimension: str
    min_cell: int
    cells: list[StatCell]
    total_cases: int | None
    note: str


def summary(case: Case) -> CaseSummary:
    return CaseSummary(
        id=case.id,
        status=case.status,
        urgent=bool(case.urgent),
        channel=case.channel,
        language=case.language,
        submitted_at=aware(case.submitted_at),
        incident_state=case.incident_state,
        reporter_state=case.reporter_state,
        reporter_country=case.reporter_country,
        place_type=case.place_type,
        crime_types=sorted(c.code for c in case.crime_types),
        perpetrators=sorted(p.code for p in case.perpetrators),
        officials_colluded=case.officials_colluded,
        victim_nationality=case.victim_nationality,
        victim_gender=case.victim_gender,
        victim_age_group=case.victim_age_group,
        victim_count=case.victim_count,
        still_missing_or_held=case.still_missing_or_held,
    )


def _start(day: date | None) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=UTC) if day else None


Code = Annotated[str | None, Query(max_length=40, pattern=r"^[a-z0-9_]+$")]
StateCode = Annotated[str | None, Query(pattern=r"^MX-[A-Z]{3}$")]


@router.get("/cases", response_model=CaseList, responses=ERRORS)
def list_cases(
    request: Request,
    token: Token,
    status: Code = None,
    crime_type: Code = None,
    perpetrator: Code = None,
    state: StateCode = None,
    channel: Code = None,
    language: Annotated[str | None, Query(pattern=r"^[a-z]{2}$")] = None,
    submitted_from: date | None = None,
    submitted_before: date | None = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> CaseList:
    """Cases routed or referred to the token's organization: urgent first, then newest."""
    audit_as(request, "api.cases.list")
    need(token, "cases:read")
    org = organization(request, token)
    filters = InboxFilters(
        status=status,
        crime_type=crime_type,
        perpetrator=perpetrator,
        state=state,
        channel=channel,
        language=language,
        date_from=_start(submitted_from),
        date_to=_start(submitted_before),
    )
    runtime = runtime_of(request)
    with runtime.sessions() as db:
        rows, after = inbox_page(db, org, filters, Cursor.decode(cursor), limit)
        items = [summary(case) for case in rows]
    return CaseList(items=items, next_cursor=after.encode() if after else None)


@router.get("/cases/{case_id}", response_model=CaseDetail, responses=ERRORS)
def read_case(request: Request, token: Token, case_id: str) -> CaseDetail:
    """One case's coded fields and timeline."""
    audit_as(request, "api.cases.read", target=case_id[:32])
    need(token, "cases:read")
    org = organization(request, token)
    runtime = runtime_of(request)
    with runtime.sessions() as db:
        case = find_visible_case(db, org, case_id)
        if case is None:
            raise HTTPException(404, "No such case.")
        events = [
            EventOut(
                track=e.track,
                status=e.status,
                family_visible=e.family_visible,
                created_at=aware(e.created_at) or e.created_at,
            )
            for e in cases.timeline(db, runtime.vault, case)
        ]
        return CaseDetail(**summary(case).model_dump(), events=events)


@router.post(
    "/cases/{case_id}/events",
    response_model=EventOut,
    status_code=201,
    responses={**ERRORS, 409: {"model": Problem, "description": "Not a valid next step"}},
)
def add_case_event(request: Request, token: Token, case_id: str, body: EventIn) -> EventOut:
    """Record a step on one of the case's tracks."""
    audit_as(request, "api.cases.event", target=case_id[:32])
    need(token, "cases:write")
    org = organization(request, token)
    runtime = runtime_of(request)
    with runtime.sessions() as db, db.begin():
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
            )
        except EventError as exc:
            raise HTTPException(409, str(exc)) from exc
        out = EventOut(
            track=event.track,
            status=event.status,
            family_visible=event.family_visible,
            created_at=aware(event.created_at) or event.created_at,
        )
    audit_as(request, "api.cases.event", status=out.status, family_visible=out.family_visible)
    return out


Dimension = Literal[
    "month",
    "crime_type",
    "perpetrator",
    "perpetrator_group",
    "state",
    "nationality",
    "gender",
    "age_group",
    "funnel",
]


@router.get("/stats/{dimension}", response_model=StatTable, responses=ERRORS)
def statistics(
    request: Request,
    token: Token,
    dimension: Dimension,
    submitted_from: date | None = None,
    submitted_before: date | None = None,
    state: StateCode = None,
    crime_type: Code = None,
    perpetrator: Code = None,
    gender: Code = None,
    nationality: Annotated[str | None, Query(pattern=r"^[A-Z]{2}$")] = None,
    channel: Code = None,
) -> StatTable:
    """Counts of the organization's cases by one dimension, small cells suppressed."""
    audit_as(request, "api.stats", dimension=dimension)
    need(token, "stats:read")
    org = organization(request, token)
    runtime = runtime_of(request)
    k = runtime.settings.stats_min_cell
    filters = stats.Filters(
        date_from=_start(submitted_from),
        date_to=_start(submitted_before),
        state=state,
        crime_type=crime_type,
        perpetrator=perpetrator,
        gender=gender,
        nationality=nationality,
        channel=channel,
    )
    with runtime.sessions() as db:
        table = stats.table(db, visible_cases(org), filters, dimension, k)
    return StatTable(
        dimension=dimension,
        min_cell=k,
        cells=[
            StatCell(value=label, count=count, suppressed=count is None)
            for label, count in zip(table.labels, table.published(), strict=True)
        ],
        total_cases=table.published_total(),
        note=stats.suppression_note(k),
    )
