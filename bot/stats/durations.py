"""How long justice takes: median days from the report to each stage of the funnel.

Read from the corrected justice track (the day a step happened when staff gave it, else the
day it was recorded). A median is published only over at least as many cases as the smallest
published count (`bot.stats.protection.first_step`): a median of two cases would be one of
their dates. Denuncias made before Camino have no date here and are not counted.
"""

from __future__ import annotations

from datetime import date, datetime
from statistics import median

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from bot.cases.events import in_effect
from bot.stats.dimensions import REACHED
from bot.stats.protection import Protection, first_step
from bot.stats.tables import Filters, filtered_cases
from bot.store.models import Case, CaseEvent

STAGES = ("complaint_filed", "judicialized", "conviction")


def median_days(
    db: Session, base: Select[Case], filters: Filters, protection: Protection
) -> dict[str, int | None]:
    """For each stage, the median days from the report to reaching it (None: too few)."""
    ids = filtered_cases(base, filters).with_only_columns(Case.id).subquery()
    reported: dict[str, datetime] = {
        case_id: when
        for case_id, when in db.execute(
            select(Case.id, Case.submitted_at).where(Case.id.in_(select(ids.c.id)))
        )
        if when is not None
    }
    first: dict[tuple[str, str], date] = {}
    rows = db.execute(
        select(
            CaseEvent.case_id, CaseEvent.status, CaseEvent.occurred_on, CaseEvent.created_at
        ).where(CaseEvent.track == "justice", in_effect(), CaseEvent.case_id.in_(select(ids.c.id)))
    )
    for case_id, status, occurred_on, created_at in rows:
        day = occurred_on or created_at.date()
        for stage in STAGES:
            if status in REACHED[stage]:
                key = (case_id, stage)
                first[key] = min(first.get(key, day), day)
    out: dict[str, int | None] = {}
    for stage in STAGES:
        days = [
            max((day - reported[case_id].date()).days, 0)
            for (case_id, reached), day in first.items()
            if reached == stage and case_id in reported
        ]
        out[stage] = round(median(days)) if len(days) >= first_step(protection.min_cell) else None
    return out
