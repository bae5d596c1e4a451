"""Statistics on submitted cases: the queries behind every table, suppressed before use.

The dimensions are listed once (`dimensions.py`), the suppression is pure (`suppression.py`)
and exports are written once (`export.py`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
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
    UNKNOWN_WHEN_NONE,
    VICTIM_BANDS,
)
from bot.stats.protection import Protection, Unit
from bot.stats.suppression import Table1D, suppress_1d_total
from bot.store.models import Case, CaseCrimeType, CaseEvent, CasePerpetrator
from flows.codes import AGE_GROUPS, CRIME_TYPES, GENDERS, OFFICIAL_PERPETRATORS, PERPETRATORS

__all__ = [
    "UNKNOWN",
    "Filters",
    "every_table",
    "filtered_cases",
    "members",
    "raw_counts",
    "table",
]


@dataclass(frozen=True)
class Filters(CaseFilters):
    """What a statistic counts: submitted cases, narrowed as any case list or by the victim's
    gender and nationality."""

    gender: str | None = None
    nationality: str | None = None


def month_start(when: datetime) -> datetime:
    """The first moment of a moment's month (in its time zone)."""
    return when.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def whole_months(
    date_from: datetime | None, date_to: datetime | None
) -> tuple[datetime | None, datetime | None]:
    """Dates widened to whole months: day-level filters would give many sets of cases that
    differ by a few, whose rounded figures could be averaged (`bot.stats.protection`)."""
    start = month_start(date_from) if date_from is not None else None
    end = None
    if date_to is not None:
        end = month_start(date_to)
        if end != date_to:  # up to the start of the next month
            end = month_start(end + timedelta(days=32))
    return start, end


def filtered_cases(base: Select[Case], filters: Filters) -> Select[Case]:
    """Narrow a query of cases by the filters (all optional; dates by whole months)."""
    query = base.where(Case.status != "draft", Case.submitted_at.is_not(None))
    date_from, date_to = whole_months(filters.date_from, filters.date_to)
    if date_from is not None:
        query = query.where(Case.submitted_at >= date_from)
    if date_to is not None:
        query = query.where(Case.submitted_at < date_to)
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


Members = dict[str, set[str]]


def raw_counts(
    db: Session, base: Select[Case], filters: Filters, dimension: str
) -> tuple[Counter[str], int]:
    """Counts per value of a dimension, and the number of cases counted."""
    cells, everyone = members(db, base, filters, dimension)
    return Counter({label: len(ids) for label, ids in cells.items() if ids}), len(everyone)


def members(
    db: Session, base: Select[Case], filters: Filters, dimension: str
) -> tuple[Members, set[str]]:
    """The cases in each cell of a dimension, and every case counted (the rounding of a
    published figure is drawn from the set of cases it counts)."""
    ids = filtered_cases(base, filters).with_only_columns(Case.id).subquery()
    everyone = set(db.scalars(select(ids.c.id)))
    cells: Members = {}

    def add(label: str, case_id: str) -> None:
        cells.setdefault(label, set()).add(case_id)

    if dimension == "crime_type":
        for case_id, code in db.execute(
            select(CaseCrimeType.case_id, CaseCrimeType.code).where(
                CaseCrimeType.case_id.in_(select(ids.c.id))
            )
        ):
            add(code, case_id)
    elif dimension in ("perpetrator", "perpetrator_group"):
        for case_id, code in db.execute(
            select(CasePerpetrator.case_id, CasePerpetrator.code).where(
                CasePerpetrator.case_id.in_(select(ids.c.id))
            )
        ):
            add(code if dimension == "perpetrator" else perpetrator_group(code), case_id)
    elif dimension == "funnel":
        _funnel(db, ids, everyone, cells)
    elif dimension == "incident_month":
        for case_id, when, precision in db.execute(
            select(Case.id, Case.incident_date, Case.incident_date_precision).where(
                Case.id.in_(select(ids.c.id))
            )
        ):
            add(incident_cell(when, precision), case_id)
    elif dimension in ("outcomes", "complaint_wish"):
        cells.update(_tracked(db, ids, dimension))
    else:
        column = {
            "state": Case.incident_state,
            "municipality": Case.incident_municipality,
            "nationality": Case.victim_nationality,
            "gender": Case.victim_gender,
            "age_group": Case.victim_age_group,
            "month": Case.submitted_at,
            "victims_per_report": Case.victim_count,
        }[dimension]
        query = select(Case.id, column).where(Case.id.in_(select(ids.c.id)))
        for case_id, value in db.execute(query):
            add(_cell(dimension, value), case_id)
    if dimension in UNKNOWN_WHEN_NONE:
        # A report that names none of them ("no sé", or skipped) is its own cell.
        named = set().union(*cells.values()) if cells else set()
        for case_id in everyone - named:
            add(UNKNOWN, case_id)
    return cells, everyone


def perpetrator_group(code: str) -> str:
    """Criminals or authorities (the report's "otro" and "no sé" are unknown)."""
    if code in OFFICIAL_PERPETRATORS:
        return "officials"
    return UNKNOWN if code in ("unknown", "other") else "criminals"


def _cell(dimension: str, value: Any) -> str:
    """A case's cell for a column of its own (missing: unknown)."""
    if dimension == "month":
        return value.strftime("%Y-%m") if isinstance(value, datetime) else UNKNOWN
    if dimension == "victims_per_report":
        return victims_cell(value)
    return str(value) if value else UNKNOWN


def victims_cell(count: int | None) -> str:
    """How many people a report says were hurt, in bands (not said: unknown)."""
    if not count:
        return UNKNOWN
    return next(band for band, top in VICTIM_BANDS if count <= top)


def _funnel(db: Session, ids: Any, everyone: set[str], cells: Members) -> None:
    """The funnel's stages: every case reported, then those that reached each stage."""
    cells["reported"] = set(everyone)
    reached: dict[str, set[str]] = {}
    for case_id, status, kind in db.execute(
        select(CaseEvent.case_id, CaseEvent.status, CaseEvent.record_kind).where(
            CaseEvent.track == "justice",
            in_effect(),
            CaseEvent.case_id.in_(select(ids.c.id)),
        )
    ):
        reached.setdefault(case_id, set()).update({status, kind or ""})
    for case_id, prior in db.execute(
        select(Case.id, Case.prior_reports).where(Case.id.in_(select(ids.c.id)))
    ):
        if PROSECUTORS & set((prior or "").split()):
            reached.setdefault(case_id, set()).add("complaint_filed")
    for stage in FUNNEL[1:]:
        cells[stage] = {case_id for case_id, got in reached.items() if got & REACHED[stage]}


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


def _tracked(db: Session, ids: Any, dimension: str) -> Members:
    """Outcomes reached on the corrected tracks, or a wanted denuncia against one presented."""
    reached: dict[str, set[str]] = {}
    for case_id, status in db.execute(
        select(CaseEvent.case_id, CaseEvent.status).where(
            in_effect(), CaseEvent.case_id.in_(select(ids.c.id))
        )
    ):
        reached.setdefault(case_id, set()).add(status)
    cells: Members = {}
    rows = db.execute(
        select(Case.id, Case.wants_complaint, Case.prior_reports).where(
            Case.id.in_(select(ids.c.id))
        )
    )
    for case_id, wanted, prior in rows:
        statuses = reached.get(case_id, set())
        if dimension == "outcomes":
            for status in OUTCOMES:
                if status in statuses:
                    cells.setdefault(status, set()).add(case_id)
            continue
        presented = bool(statuses & REACHED["complaint_filed"]) or bool(
            PROSECUTORS & set((prior or "").split())
        )
        if wanted is None:
            label = UNKNOWN
        else:
            wish = "wanted" if wanted else "not_wanted"
            label = f"{wish}_{'presented' if presented else 'not_presented'}"
        cells.setdefault(label, set()).add(case_id)
    return cells


FIXED_LABELS: dict[str, tuple[str, ...]] = {
    "outcomes": OUTCOMES,
    "complaint_wish": (*COMPLAINT_WISH, UNKNOWN),
    "crime_type": (*(c.code for c in CRIME_TYPES), UNKNOWN),
    "perpetrator": tuple(c.code for c in PERPETRATORS),
    "perpetrator_group": ("criminals", "officials", UNKNOWN),
    "gender": (*(c.code for c in GENDERS), UNKNOWN),
    "age_group": tuple(c.code for c in AGE_GROUPS),
    "victims_per_report": (*(band for band, _ in VICTIM_BANDS), UNKNOWN),
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


def table(
    db: Session,
    base: Select[Case],
    filters: Filters,
    dimension: str,
    protection: Protection,
    unit: Unit = "cases",
) -> Table1D:
    """A suppressed one-way table of a dimension, counted in cases or in victims (publish its
    `released()` figures)."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension: {dimension}")
    cells, everyone = members(db, base, filters, dimension)
    counts = Counter({label: len(ids) for label, ids in cells.items() if ids})
    labels = stable_labels(db, base, dimension)
    labels += [label for label in ordered_labels(dimension, counts) if label not in labels]
    count = counter(db, base, filters, unit)
    sets = [cells.get(label, set()) for label in labels]
    k = protection.min_cell
    return suppress_1d_total(
        labels,
        [count(ids) for ids in sets],
        k,
        total=count(everyone),
        # Funnel stages are nested, and multi-valued cells overlap: neither adds up.
        additive=dimension not in MULTI_VALUED,
        keys=[protection.cell_key(ids) for ids in sets],
        total_key=protection.cell_key(everyone),
    )


def counter(
    db: Session, base: Select[Case], filters: Filters, unit: Unit
) -> Callable[[set[str]], int]:
    """How a set of cases is counted: as cases, or as the people they say were hurt (one when
    a report does not say how many)."""
    if unit == "cases":
        return len
    weights = victim_weights(db, base, filters)
    return lambda ids: sum(weights.get(case_id, 1) for case_id in ids)


def victim_weights(db: Session, base: Select[Case], filters: Filters) -> dict[str, int]:
    """The people each filtered case says were hurt (at least one)."""
    ids = filtered_cases(base, filters).with_only_columns(Case.id).subquery()
    return {
        case_id: max(count or 1, 1)
        for case_id, count in db.execute(
            select(Case.id, Case.victim_count).where(Case.id.in_(select(ids.c.id)))
        )
    }


def every_table(
    db: Session, base: Select[Case], filters: Filters, protection: Protection, unit: Unit = "cases"
) -> dict[str, Table1D]:
    """Every dimension's suppressed table, in the order of `DIMENSIONS`."""
    return {
        dimension: table(db, base, filters, dimension, protection, unit) for dimension in DIMENSIONS
    }
