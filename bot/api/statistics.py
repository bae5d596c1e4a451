"""/api/v1/stats: counts of the organization's cases by one dimension, small cells suppressed."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query

from bot.api.deps import PREFIX, RuntimeDep, SessionDep, TokenOrganization, scope
from bot.api.schemas import ERRORS, CaseQuery, Code, StatCell, StatTable
from bot.staff.access import visible_cases
from bot.stats import tables as stats
from bot.stats.dimensions import Dimension
from bot.stats.export import suppression_note

router = APIRouter(prefix=PREFIX, tags=["api"])


@router.get(
    "/stats/{dimension}",
    response_model=StatTable,
    responses=ERRORS,
    dependencies=[scope("stats:read", "api.stats", detail=("dimension",))],
)
def statistics(
    runtime: RuntimeDep,
    db: SessionDep,
    org: TokenOrganization,
    dimension: Dimension,
    narrowed: CaseQuery,
    gender: Code = None,
    nationality: Annotated[str | None, Query(pattern=r"^[A-Z]{2}$")] = None,
) -> StatTable:
    """Counts of the organization's cases by one dimension, small cells suppressed."""
    k = runtime.settings.stats_min_cell
    filters = stats.Filters(**asdict(narrowed), gender=gender, nationality=nationality)
    table = stats.table(db, visible_cases(org), filters, dimension, k)
    return StatTable(
        dimension=dimension,
        min_cell=k,
        cells=[
            StatCell(value=label, count=count, suppressed=count is None)
            for label, count in zip(table.labels, table.released(), strict=True)
        ],
        total_cases=table.released_total(),
        note=suppression_note(k),
    )
