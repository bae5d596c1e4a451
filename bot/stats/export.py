"""Statistics as data: rows of every table, written as CSV or JSON with the suppression note.

One writer for the CLI (`camino stats export`) and the dashboard's export: rows in, text out.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from typing import Any

from bot.stats.protection import Unit, first_step
from bot.stats.suppression import Table1D

FIELDS = ("dimension", "unit", "value", "count", "suppressed")


def row(dimension: str, unit: Unit, value: str, count: int | None) -> dict[str, Any]:
    """One published figure as data (its count None when hidden)."""
    return {
        "dimension": dimension,
        "unit": unit,
        "value": value,
        "count": count,
        "suppressed": count is None,
    }


def export_rows(
    table_: Table1D, dimension: str, k: int, unit: Unit = "cases"
) -> list[dict[str, Any]]:
    """Rows for CSV/JSON: value, count (empty when suppressed), suppressed flag, and the total
    (`total_cases` or `total_victims`)."""
    rows = [
        row(dimension, unit, label, count)
        for label, count in zip(table_.labels, table_.released(), strict=True)
    ]
    rows.append(row(dimension, unit, f"total_{unit}", table_.released_total()))
    return rows


def all_rows(tables: Mapping[str, Table1D], k: int, unit: Unit = "cases") -> list[dict[str, Any]]:
    """The rows of several tables, dimension by dimension in the mapping's order."""
    return [
        line
        for dimension, table_ in tables.items()
        for line in export_rows(table_, dimension, k, unit)
    ]


def suppression_note(k: int) -> str:
    """The note every export carries (English: exports are data, read by tools and people)."""
    step = first_step(k)
    return (
        "Every count is rounded at random, up or down, to a multiple of 5; the draw is fixed "
        "by the set of cases counted (the same set always gives the same figure), so a "
        f"figure c means from c-4 to c+4. Figures below {step} are suppressed (empty), zeros "
        "too, and further cells are suppressed so that totals cannot reveal them. Rounded "
        "cells need not add up to the total. One case may count in several crime types or "
        "perpetrators. Victims are the people a report says were hurt (one when it does not "
        "say)."
    )


def to_csv(rows: Iterable[Mapping[str, Any]], *, min_cell: int) -> str:
    """CSV text: a header, one line a row (suppressed counts empty), then the note's line."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS)
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                **row,
                "count": "" if row["count"] is None else row["count"],
                "suppressed": "yes" if row["suppressed"] else "no",
            }
        )
    note = suppression_note(min_cell)
    writer.writerow({"dimension": "note", "value": note, "count": "", "suppressed": ""})
    return out.getvalue()


def to_json(rows: Iterable[Mapping[str, Any]], *, min_cell: int, indent: int | None = None) -> str:
    """JSON text: `{"min_cell": k, "note": ..., "rows": [...]}` (suppressed counts null)."""
    payload = {
        "min_cell": min_cell,
        "note": suppression_note(min_cell),
        "rows": [dict(row) for row in rows],
    }
    return json.dumps(payload, indent=indent)
