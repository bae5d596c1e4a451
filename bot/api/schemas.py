"""What the API reads and answers: coded fields only, never personal data or notes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from typing import Annotated, Any

from fastapi import Depends, Query
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from bot.cases.filters import CaseFilters


class Problem(BaseModel):
    """An error answer."""

    detail: str


ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": Problem, "description": "Missing or unknown token"},
    403: {"model": Problem, "description": "The token lacks the scope"},
    404: {"model": Problem, "description": "No such case for this organization"},
}

Code = Annotated[str | None, Query(max_length=40, pattern=r"^[a-z0-9_]+$")]
StateCode = Annotated[str | None, Query(pattern=r"^MX-[A-Z]{3}$")]


def start_of(day: date | None) -> datetime | None:
    """The first moment of a day (UTC), for a date typed as a filter."""
    return datetime.combine(day, time.min, tzinfo=UTC) if day else None


def case_filters(
    submitted_from: date | None = None,
    submitted_before: date | None = None,
    state: StateCode = None,
    crime_type: Code = None,
    perpetrator: Code = None,
    channel: Code = None,
) -> CaseFilters:
    """The query parameters that narrow the cases alike in the case list and the statistics."""
    return CaseFilters(
        date_from=start_of(submitted_from),
        date_to=start_of(submitted_before),
        state=state,
        crime_type=crime_type,
        perpetrator=perpetrator,
        channel=channel,
    )


CaseQuery = Annotated[CaseFilters, Depends(case_filters)]


def _sorted_codes(rows: Iterable[Any]) -> list[str]:
    """A case's crime types or perpetrators (rows, or codes already) as sorted codes."""
    return sorted(getattr(row, "code", row) for row in rows)


SortedCodes = Annotated[list[str], BeforeValidator(_sorted_codes)]


class CaseSummary(BaseModel):
    """A case's coded fields (no personal data)."""

    model_config = ConfigDict(from_attributes=True)

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
    crime_types: SortedCodes
    perpetrators: SortedCodes
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
    """A new event: a status of one of the case's tracks; `body` the authority a referral,
    justice or queja step is about; `corrects` the id of a wrong event it supersedes."""

    status: str = Field(min_length=1, max_length=40)
    body: str | None = Field(default=None, max_length=24)
    corrects: str | None = Field(default=None, max_length=32)
    note: str | None = Field(default=None, max_length=2000)
    family_visible: bool = False


class StatCell(BaseModel):
    """One published cell: its count is null when suppressed. Funnel stages also carry their
    share of the reported cases and the median days from the report (null: hidden or too
    few)."""

    value: str
    count: int | None
    suppressed: bool
    percent: int | None = None
    median_days: int | None = None


class StatTable(BaseModel):
    """A one-way statistic as published (rounded, small cells suppressed), in cases or in
    victims; `total_cases` is the total in the table's unit."""

    dimension: str
    unit: str
    min_cell: int
    cells: list[StatCell]
    total_cases: int | None
    note: str


class StatCrosstab(BaseModel):
    """A two-way table as published: `cells[r][c]` for `rows[r]` and `cols[c]`, with the
    margins and the whole (null when suppressed)."""

    name: str
    unit: str
    min_cell: int
    rows: list[str]
    cols: list[str]
    cells: list[list[int | None]]
    row_totals: list[int | None]
    col_totals: list[int | None]
    total: int | None
    note: str
