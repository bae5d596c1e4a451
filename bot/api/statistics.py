"""/api/v1/stats: the organization's statistics, released exactly as on the dashboard and in
`camino stats export` (keyed rounding, small cells suppressed; `bot.stats.protection`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from fastapi.types import DecoratedCallable
from pydantic import BaseModel
from sqlalchemy import Select
from sqlalchemy.orm import Session

from bot.api.deps import PREFIX, RuntimeDep, SessionDep, TokenOrganization, scope
from bot.api.schemas import ERRORS, CaseQuery, Code, StatCell, StatCrosstab, StatTable
from bot.staff.access import visible_cases
from bot.stats import crosstabs, durations, export
from bot.stats import tables as stats
from bot.stats.dimensions import Dimension
from bot.stats.protection import Protection, Unit, percent
from bot.stats.publish import every_row
from bot.store.models import Case

router = APIRouter(prefix=PREFIX, tags=["api"])
CrosstabName = Literal[
    "crime_type_x_perpetrator_group",
    "state_x_crime_type",
    "gender_x_crime_type",
    "nationality_x_crime_type",
]
Nationality = Annotated[str | None, Query(pattern=r"^[A-Z]{2}$")]


@dataclass(frozen=True)
class Asked:
    """What every statistics route counts: the token's organization's cases under the filters
    asked for, released through the protection every published figure goes through."""

    db: Session
    base: Select[Case]
    filters: stats.Filters
    protection: Protection

    @property
    def min_cell(self) -> int:
        return self.protection.min_cell


def asked(
    runtime: RuntimeDep,
    db: SessionDep,
    org: TokenOrganization,
    narrowed: CaseQuery,
    gender: Code = None,
    nationality: Nationality = None,
) -> Asked:
    return Asked(
        db,
        visible_cases(org),
        stats.Filters(**asdict(narrowed), gender=gender, nationality=nationality),
        Protection.of(runtime.settings.stats_min_cell, runtime.vault),
    )


AskedDep = Annotated[Asked, Depends(asked)]


@router.get(
    "/stats",
    responses={**ERRORS, 200: {"content": {"text/csv": {}, "application/json": {}}}},
    dependencies=[scope("stats:read", "api.stats.export")],
)
def every_statistic(asked: AskedDep, format: Literal["json", "csv"] = "json") -> Response:
    """Every table (one-way and two-way, the funnel, in cases and in victims) as the exports
    have them, in CSV or JSON."""
    k = asked.min_cell
    rows = every_row(asked.db, asked.base, asked.filters, asked.protection)
    if format == "csv":
        return Response(export.to_csv(rows, min_cell=k), media_type="text/csv; charset=utf-8")
    return Response(export.to_json(rows, min_cell=k), media_type="application/json")


def released(
    path: str, model: type[BaseModel], which: str
) -> Callable[[DecoratedCallable], DecoratedCallable]:
    """A route answering one released table as `model`; its audit entry names the table by the
    path parameter `which`."""
    audit = scope("stats:read", "api.stats", detail=(which,))
    return router.get(path, response_model=model, responses=ERRORS, dependencies=[audit])


@released("/stats/crosstabs/{name}", StatCrosstab, "name")
def crosstab(asked: AskedDep, name: CrosstabName, unit: Unit = "cases") -> StatCrosstab:
    """A two-way table of the organization's cases, in cases or in victims."""
    k = asked.min_cell
    rows, cols = name.split("_x_")
    tab = crosstabs.crosstab(
        asked.db, asked.base, asked.filters, rows, cols, unit, asked.protection
    ).table
    return StatCrosstab(
        name=name,
        unit=unit,
        min_cell=k,
        rows=list(tab.rows),
        cols=list(tab.cols),
        cells=tab.released(),
        row_totals=tab.released_row_totals(),
        col_totals=tab.released_col_totals(),
        total=tab.released_grand_total(),
        note=export.suppression_note(k),
    )


@released("/stats/{dimension}", StatTable, "dimension")
def statistics(asked: AskedDep, dimension: Dimension, unit: Unit = "cases") -> StatTable:
    """Counts of the organization's cases (or their victims) by one dimension; the funnel's
    stages with their share of the reported cases and the median days to reach them."""
    k = asked.min_cell
    table = stats.table(asked.db, asked.base, asked.filters, dimension, asked.protection, unit)
    released = table.released()
    shares: list[int | None] = [None] * len(released)
    medians: dict[str, int | None] = {}
    if dimension == "funnel":
        shares = [percent(count, released[0]) for count in released]
        medians = durations.median_days(asked.db, asked.base, asked.filters, asked.protection)
    return StatTable(
        dimension=dimension,
        unit=unit,
        min_cell=k,
        cells=[
            StatCell(
                value=label,
                count=count,
                suppressed=count is None,
                percent=share,
                median_days=medians.get(label),
            )
            for label, count, share in zip(table.labels, released, shares, strict=True)
        ],
        total_cases=table.released_total(),
        note=export.suppression_note(k),
    )
