"""Two-way tables (domain.md, *Statistics*): crime x perpetrator group, state x crime, gender x
crime, nationality x crime; counted in cases and in victims, suppressed as two-way tables
(`suppress_2d`: margins protect no hidden cell) and released like every figure (keyed random
rounding to base 5, hidden below the first step; `bot.stats.protection`). A cell counts the
same cases as the one-way cell with the same filter, so both publish the same figure.

A case counts once in each crime it names, so the crime margins need not add up to the cases.
Victims are the number of people the report says were hurt (one when it does not say).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from bot.stats.dimensions import UNKNOWN
from bot.stats.export import row
from bot.stats.protection import KEY_SPACE, Protection, Unit
from bot.stats.suppression import Keys2D, Table2D, suppress_2d
from bot.stats.tables import (
    FIXED_LABELS,
    Filters,
    counter,
    filtered_cases,
    perpetrator_group,
    raw_counts,
    stable_labels,
)
from bot.store.models import Case, CaseCrimeType, CasePerpetrator

# (rows, columns) of each two-way table, in the order they are shown and exported.
CROSSTABS: tuple[tuple[str, str], ...] = (
    ("crime_type", "perpetrator_group"),
    ("state", "crime_type"),
    ("gender", "crime_type"),
    ("nationality", "crime_type"),
)
UNITS: tuple[Unit, ...] = ("cases", "victims")


@dataclass(frozen=True)
class Crosstab:
    """A two-way table as published: its name, unit and released figures."""

    rows: str
    cols: str
    unit: Unit
    table: Table2D

    @property
    def name(self) -> str:
        return f"{self.rows}_x_{self.cols}"


def _values(db: Session, ids: Any, dimension: str) -> dict[str, set[str]]:
    """For each case, its values of a dimension (several for crimes and perpetrators)."""
    found: dict[str, set[str]] = {}
    if dimension == "crime_type":
        rows = db.execute(
            select(CaseCrimeType.case_id, CaseCrimeType.code).where(
                CaseCrimeType.case_id.in_(select(ids.c.id))
            )
        )
        for case_id, code in rows:
            found.setdefault(case_id, set()).add(code)
    elif dimension == "perpetrator_group":
        rows = db.execute(
            select(CasePerpetrator.case_id, CasePerpetrator.code).where(
                CasePerpetrator.case_id.in_(select(ids.c.id))
            )
        )
        for case_id, code in rows:
            found.setdefault(case_id, set()).add(perpetrator_group(code))
    else:
        column = {
            "state": Case.incident_state,
            "gender": Case.victim_gender,
            "nationality": Case.victim_nationality,
        }[dimension]
        for case_id, value in db.execute(
            select(Case.id, column).where(Case.id.in_(select(ids.c.id)))
        ):
            found[case_id] = {str(value) if value else UNKNOWN}
    return found


def crosstab(
    db: Session,
    base: Select[Case],
    filters: Filters,
    rows: str,
    cols: str,
    unit: Unit,
    protection: Protection,
) -> Crosstab:
    """One suppressed two-way table of the filtered cases."""
    ids = filtered_cases(base, filters).with_only_columns(Case.id).subquery()
    everyone = set(db.scalars(select(ids.c.id)))
    by_row, by_col = _values(db, ids, rows), _values(db, ids, cols)
    sets: dict[tuple[str, str], set[str]] = {}
    for case_id in everyone:
        for r in by_row.get(case_id, {UNKNOWN}):
            for c in by_col.get(case_id, {UNKNOWN}):
                sets.setdefault((r, c), set()).add(case_id)
    row_labels = _labels(db, base, rows, {r for r, _ in sets})
    col_labels = _labels(db, base, cols, {c for _, c in sets})
    count = counter(db, base, filters, unit)
    grid = [[count(sets.get((r, c), set())) for c in col_labels] for r in row_labels]
    keys = [[protection.cell_key(sets.get((r, c), set())) for c in col_labels] for r in row_labels]
    # Cell keys add up: a margin's key is that of every case it counts, as often as counted.
    row_keys = [sum(line) % KEY_SPACE for line in keys]
    col_keys = [sum(line[c] for line in keys) % KEY_SPACE for c in range(len(col_labels))]
    return Crosstab(
        rows,
        cols,
        unit,
        suppress_2d(
            row_labels,
            col_labels,
            grid,
            protection.min_cell,
            Keys2D(
                cells=tuple(tuple(line) for line in keys),
                rows=tuple(row_keys),
                cols=tuple(col_keys),
                whole=sum(row_keys) % KEY_SPACE,
            ),
        ),
    )


def _labels(db: Session, base: Select[Case], dimension: str, seen: set[str]) -> list[str]:
    """The same rows and columns under every filter (see `stable_labels`)."""
    labels = list(FIXED_LABELS[dimension]) if dimension in FIXED_LABELS else []
    if not labels:
        counts, _ = raw_counts(db, base, Filters(), dimension)
        labels = sorted(counts, key=lambda label: (label == "unknown", label))
    if dimension in FIXED_LABELS and "unknown" not in labels:
        labels.append("unknown")
    return labels + sorted(seen - set(labels))


def every_crosstab(
    db: Session, base: Select[Case], filters: Filters, protection: Protection
) -> list[Crosstab]:
    return [
        crosstab(db, base, filters, rows, cols, unit, protection)
        for rows, cols in CROSSTABS
        for unit in UNITS
    ]


def crosstab_rows(tab: Crosstab) -> list[dict[str, Any]]:
    """Rows for CSV/JSON, like the one-way tables': a cell's value is "row|column"; the
    margins are "row|total", "total|column" and "total|total"."""
    table = tab.table
    out: list[dict[str, Any]] = []
    row_totals = table.released_row_totals()
    for r, line in enumerate(table.released()):
        for c, count in enumerate(line):
            out.append(row(tab.name, tab.unit, f"{table.rows[r]}|{table.cols[c]}", count))
        out.append(row(tab.name, tab.unit, f"{table.rows[r]}|total", row_totals[r]))
    for c, count in enumerate(table.released_col_totals()):
        out.append(row(tab.name, tab.unit, f"total|{table.cols[c]}", count))
    out.append(row(tab.name, tab.unit, "total|total", table.released_grand_total()))
    return out


__all__ = ["CROSSTABS", "Crosstab", "crosstab", "crosstab_rows", "every_crosstab", "stable_labels"]
