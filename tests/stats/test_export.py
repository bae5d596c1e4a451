"""One export writer: rows in, CSV or JSON text out, with the suppression note."""

from __future__ import annotations

import csv
import io
import json

from hypothesis import given
from hypothesis import strategies as st

from bot.stats import export
from bot.stats.dimensions import DIMENSIONS, MULTI_VALUED
from bot.stats.protection import Protection
from bot.stats.suppression import Table1D, suppress_1d

K = 5
PROTECTION = Protection(K, b"e" * 32)


def keyed(labels: list[str], counts: list[int], k: int) -> Table1D:
    """A suppressed table whose cells count cases of their own (so they carry cell keys)."""
    keys = [
        PROTECTION.cell_key([f"{label}{i}" for i in range(n)])
        for label, n in zip(labels, counts, strict=True)
    ]
    return suppress_1d(labels, counts, k, keys=keys, total_key=PROTECTION.cell_key(["total"]))


def test_one_list_of_dimensions() -> None:
    assert DIMENSIONS[0] == "month" and DIMENSIONS[-1] == "funnel"
    assert len(set(DIMENSIONS)) == len(DIMENSIONS)
    assert set(DIMENSIONS) >= MULTI_VALUED


def test_csv_has_suppressed_counts_empty_and_the_note_last() -> None:
    table = keyed(["HN", "GT", "SV"], [12, 2, 9], K)
    rows = export.all_rows({"nationality": table}, K)
    text = export.to_csv(rows, min_cell=K)
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == ["dimension", "unit", "value", "count", "suppressed"]
    assert ["nationality", "cases", "GT", "", "yes"] in lines
    assert lines[-2][:3] == ["nationality", "cases", "total_cases"]
    assert lines[-1] == ["note", "", export.suppression_note(K), "", ""]
    assert text.endswith("\r\n")


def test_json_carries_the_minimum_and_the_note() -> None:
    table = keyed(["a", "b"], [7, 1], K)
    rows = export.all_rows({"gender": table}, K)
    data = json.loads(export.to_json(rows, min_cell=K, indent=1))
    assert data["min_cell"] == K
    assert data["note"] == export.suppression_note(K)
    assert data["rows"][1] == {
        "dimension": "gender",
        "unit": "cases",
        "value": "b",
        "count": None,
        "suppressed": True,
    }


@given(st.lists(st.integers(0, 40), min_size=1, max_size=8), st.integers(2, 10))
def test_csv_and_json_say_the_same(counts: list[int], k: int) -> None:
    labels = [f"v{i}" for i in range(len(counts))]
    rows = export.all_rows({"state": keyed(labels, counts, k)}, k)
    from_csv = list(csv.DictReader(io.StringIO(export.to_csv(rows, min_cell=k))))[:-1]
    from_json = json.loads(export.to_json(rows, min_cell=k))["rows"]
    assert len(from_csv) == len(from_json) == len(counts) + 1
    for line, row in zip(from_csv, from_json, strict=True):
        assert line["count"] == ("" if row["count"] is None else str(row["count"]))
        assert line["suppressed"] == ("yes" if row["suppressed"] else "no")
        # A suppressed cell never shows a number anywhere.
        assert (row["count"] is None) == row["suppressed"]


def test_a_table_without_cell_keys_releases_nothing() -> None:
    """Fail closed: a figure whose rounding cannot be drawn is never published."""
    table = suppress_1d(["a", "b"], [40, 30], K)
    assert table.published() == [40, 30]
    assert table.released() == [None, None] and table.released_total() is None
