"""Statistics as data: rows of every table, written as CSV or JSON with the suppression note.

One writer for the CLI (`camino stats export`) and the dashboard's export: rows in, text out.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from typing import Any

from bot.stats.suppression import Table1D

FIELDS = ("dimension", "value", "count", "suppressed")


def export_rows(table_: Table1D, dimension: str, k: int) -> list[dict[str, Any]]:
    """Rows for CSV/JSON: value, count (empty when suppressed), suppressed flag."""
    rows: list[dict[str, Any]] = [
        {"dimension": dimension, "value": label, "count": count, "suppressed": count is None}
        for label, count in zip(table_.labels, table_.released(), strict=True)
    ]
    rows.append(
        {
            "dimension": dimension,
            "value": "total_cases",
            "count": table_.released_total(),
            "suppressed": table_.released_total() is None,
        }
    )
    return rows


def all_rows(tables: Mapping[str, Table1D], k: int) -> list[dict[str, Any]]:
    """The rows of several tables, dimension by dimension in the mapping's order."""
    return [
        row for dimension, table_ in tables.items() for row in export_rows(table_, dimension, k)
    ]


def suppression_note(k: int) -> str:
    """The note every export carries (English: exports are data, read by tools and people)."""
    return (
        f"Counts from 0 to {k - 1} are suppressed (empty), and further cells are suppressed "
        "so that totals cannot reveal them; every other count is rounded to the nearest "
        "multiple of 5, so that no subtraction across filters or tables gives an exact "
        "number. Rounded cells need not add up to the total. One case may count in several "
        "crime types or perpetrators."
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
