"""Statistics on submitted cases: the queries behind every table, suppressed before use.

The dimensions are listed once (`dimensions.py`), the suppression is pure (`suppression.py`)
and exports are written once (`export.py`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from bot.cases.events import in_effect
from bot.cases.filters import CaseFilters
from bot.stats.dimensions import (
    COMPLAINT_WISH,
    DIMENSIONS,
    FUNNEL,
    MULTI_VALUED,
    OUTCOMES,
    PROSECUTORS,
    REACHED,
    UNKNOWN,
)
from bot.stats.suppression import Table1D, suppress_1d_total
from bot.store.models import Case, CaseCrimeType, CaseEvent, CasePerpetrator
from flows.codes import AGE_GROUPS, CRIME_TYPES, GENDERS, OFFICIAL_PERPETRATORS, PERPETRATORS

__all__ = [
    "UNKNOWN",
    "Filters",
    "every_table",
    "filtered_cases",
    "raw_counts",
    "table",
]


@dataclass(frozen=True)
class Filters(CaseFilters):
    """What a statistic counts: submitted cases, narrowed as any case list or by the victim's
    gender and nationality."""

    gender: str | None = None
    nationality: str | None = None


def filtered_cases(base: Select[Case], filters: Filters) -> Select[Case]:
    """Narrow a query of cases by the filters (all optional)."""
    query = base.where(Case.status != "draft", Case.submitted_at.is_not(None))
    if filters.date_from is not None:
        query = query.where(Case.submitted_at >= filters.date_from)
    if filters.date_to is not None:
        query = query.where(Case.submitted_at < filters.date_to)
    if filters.state:
        query = query.where(Case.incident_state == filters.state)
    if filters.gender:
        query = query.where(Case.victim_gender == filters.gender)
    if filters.nationality:
        query = query.where(Case.victim_nationality == filters.nationality)
    if filters.channel:
        query = query.where(Case.channel == filters.channel)
    if filters.crime_type:
        query = query.where(
            select(CaseCrimeType.case_id)
            .where(CaseCrimeType.case_id == Case.id, CaseCrimeType.code == filters.crime_type)
            .exists()
        )
    if filters.perpetrator:
        query = query.where(
            select(CasePerpetrator.case_id)
            .where(CasePerpetrator.case_id == Case.id, CasePerpetrator.code == filters.perpetrator)
            .exists()
        )
    return query


def raw_counts(
    db: Session, base: Select[Case], filters: Filters, dimension: str
) -> tuple[Counter[str], int]:
    """Counts per value of a dimension, and the number of cases counted."""
    ids = filtered_cases(base, filters).with_only_columns(Case.id).subquery()
    cases_total = len(db.scalars(select(ids.c.id)).all())
    counts: Counter[str] = Counter()
    if dimension == "crime_type":
        for code in db.scalars(
            select(CaseCrimeType.code).where(CaseCrimeType.case_id.in_(select(ids.c.id)))
        ):
            counts[code] += 1
    elif dimension in ("perpetrator", "perpetrator_group"):
        rows = db.execute(
            select(CasePerpetrator.case_id, CasePerpetrator.code).where(
                CasePerpetrator.case_id.in_(select(ids.c.id))
            )
        ).all()
        if dimension == "perpetrator":
            counts.update(code for _, code in rows)
        else:
            groups: dict[str, set[str]] = {}
            for case_id, code in rows:
                group = (
                    "officials"
                    if code in OFFICIAL_PERPETRATORS
                    else UNKNOWN
                    if code in ("unknown", "other")
                    else "criminals"
                )
                groups.setdefault(case_id, set()).add(group)
            for found in groups.values():
                counts.update(found)
    elif dimension == "funnel":
        counts["reported"] = cases_total
        events = db.execute(
            select(CaseEvent.case_id, CaseEvent.status, CaseEvent.record_kind).where(
                CaseEvent.track == "justice",
                in_effect(),
                CaseEvent.case_id.in_(select(ids.c.id)),
            )
        ).all()
        reached: dict[str, set[str]] = {}
        for case_id, status, kind in events:
            reached.setdefault(case_id, set()).update({status, kind or ""})
        for case_id, prior in db.execute(
            select(Case.id, Case.prior_reports).where(Case.id.in_(select(ids.c.id)))
        ):
            if PROSECUTORS & set((prior or "").split()):
                reached.setdefault(case_id, set()).add("complaint_filed")
        for stage in FUNNEL[1:]:
            counts[stage] = sum(1 for statuses in reached.values() if statuses & REACHED[stage])
    elif dimension == "incident_month":
        for when, precision in db.execute(
            select(Case.incident_date, Case.incident_date_precision).where(
                Case.id.in_(select(ids.c.id))
            )
        ):
            counts[incident_cell(when, precision)] += 1
    elif dimension in ("outcomes", "complaint_wish"):
        counts.update(_tracked(db, ids, dimension))
    else:
        column = {
            "state": Case.incident_state,
            "nationality": Case.victim_nationality,
            "gender": Case.victim_gender,
            "age_group": Case.victim_age_group,
            "month": Case.submitted_at,
        }[dimension]
        for value in db.scalars(select(column).where(Case.id.in_(select(ids.c.id)))):
            if dimension == "month":
                key = value.strftime("%Y-%m") if isinstance(value, datetime) else UNKNOWN
            else:
                key = str(value) if value else UNKNOWN
            counts[key] += 1
    return counts, cases_total


def incident_cell(when: date | None, precision: str | None) -> str:
    """When it happened, at the precision the person gave: its month (a week's too: a few days
    either way), its year alone ("2025"), or "more than a year ago"; the report date is the
    `month` dimension."""
    if precision == "over_a_year":
        return precision
    if when is None or precision in (None, "unknown"):
        return UNKNOWN
    if precision in ("day", "week", "month"):
        return when.strftime("%Y-%m")
    return str(when.year) if precision == "year" else UNKNOWN


def _tracked(db: Session, ids: Any, dimension: str) -> Counter[str]:
    """Outcomes reached on the corrected tracks, or a wanted denuncia against one presented."""
    reached: dict[str, set[str]] = {}
    for case_id, status in db.execute(
        select(CaseEvent.case_id, CaseEvent.status).where(
            in_effect(), CaseEvent.case_id.in_(select(ids.c.id))
        )
    ):
        reached.setdefault(case_id, set()).add(status)
    counts: Counter[str] = Counter()
    rows = db.execute(
        select(Case.id, Case.wants_complaint, Case.prior_reports).where(
            Case.id.in_(select(ids.c.id))
        )
    )
    for case_id, wanted, prior in rows:
        statuses = reached.get(case_id, set())
        if dimension == "outcomes":
            counts.update(status for status in OUTCOMES if status in statuses)
            continue
        presented = bool(statuses & REACHED["complaint_filed"]) or bool(
            PROSECUTORS & set((prior or "").split())
        )
        if wanted is None:
            counts[UNKNOWN] += 1
        else:
            wish = "wanted" if wanted else "not_wanted"
            counts[f"{wish}_{'presented' if presented else 'not_presented'}"] += 1
    return counts


FIXED_LABELS: dict[str, tuple[str, ...]] = {
    "outcomes": OUTCOMES,
    "complaint_wish": (*COMPLAINT_WISH, UNKNOWN),
    "crime_type": tuple(c.code for c in CRIME_TYPES),
    "perpetrator": tuple(c.code for c in PERPETRATORS),
    "perpetrator_group": ("criminals", "officials", UNKNOWN),
    "gender": (*(c.code for c in GENDERS), UNKNOWN),
    "age_group": tuple(c.code for c in AGE_GROUPS),
    "funnel": FUNNEL,
}


def ordered_labels(dimension: str, counts: Counter[str]) -> list[str]:
    """Cells in a stable order: the funnel's stages, months in time order, others by code."""
    if dimension == "funnel":
        return list(FUNNEL)
    return sorted(counts, key=lambda label: (label == UNKNOWN, label))


def stable_labels(db: Session, base: Select[Case], dimension: str) -> list[str]:
    """The same cells under every filter: a code list's every code, else the values of all the
    cases the statistics may count (a cell that came and went with a filter would say it is
    empty)."""
    if dimension in FIXED_LABELS:
        return list(FIXED_LABELS[dimension])
    counts, _ = raw_counts(db, base, Filters(), dimension)
    return ordered_labels(dimension, counts)


def table(db: Session, base: Select[Case], filters: Filters, dimension: str, k: int) -> Table1D:
    """A suppressed one-way table of a dimension (publish its `released()` figures)."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension: {dimension}")
    counts, cases_total = raw_counts(db, base, filters, dimension)
    labels = stable_labels(db, base, dimension)
    labels += [label for label in ordered_labels(dimension, counts) if label not in labels]
    values = [counts.get(label, 0) for label in labels]
    if dimension == "funnel":
        # Stages are nested, not parts of a whole: each stage stands on its own.
        return suppress_1d_total(labels, values, k, total=cases_total, additive=False)
    return suppress_1d_total(
        labels, values, k, total=cases_total, additive=dimension not in MULTI_VALUED
    )


def every_table(db: Session, base: Select[Case], filters: Filters, k: int) -> dict[str, Table1D]:
    """Every dimension's suppressed table, in the order of `DIMENSIONS`."""
    return {dimension: table(db, base, filters, dimension, k) for dimension in DIMENSIONS}
