"""One export writer: rows in, CSV or JSON text out, with the suppression note."""

from __future__ import annotations

import csv
import io
import json

from hypothesis import given
from hypothesis import strategies as st

from bot.stats import export
from bot.stats.dimensions import DIMENSIONS, MULTI_VALUED
from bot.stats.suppression import suppress_1d

K = 5


def test_one_list_of_dimensions() -> None:
    assert DIMENSIONS[0] == "month" and DIMENSIONS[-1] == "funnel"
    assert len(set(DIMENSIONS)) == len(DIMENSIONS)
    assert set(DIMENSIONS) >= MULTI_VALUED


def test_csv_has_suppressed_counts_empty_and_the_note_last() -> None:
    table = suppress_1d(["HN", "GT", "SV"], [12, 2, 9], K)
    rows = export.all_rows({"nationality": table}, K)
    text = export.to_csv(rows, min_cell=K)
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == ["dimension", "value", "count", "suppressed"]
    assert ["nationality", "GT", "", "yes"] in lines
    assert lines[-2][:2] == ["nationality", "total_cases"]
    assert lines[-1] == ["note", export.suppression_note(K), "", ""]
    assert text.endswith("\r\n")


def test_json_carries_the_minimum_and_the_note() -> None:
    table = suppress_1d(["a", "b"], [7, 1], K)
    rows = export.all_rows({"gender": table}, K)
    data = json.loads(export.to_json(rows, min_cell=K, indent=1))
    assert data["min_cell"] == K
    assert data["note"] == export.suppression_note(K)
    assert data["rows"][1] == {
        "dimension": "gender",
        "value": "b",
        "count": None,
        "suppressed": True,
    }


@given(st.lists(st.integers(0, 40), min_size=1, max_size=8), st.integers(2, 10))
def test_csv_and_json_say_the_same(counts: list[int], k: int) -> None:
    labels = [f"v{i}" for i in range(len(counts))]
    rows = export.all_rows({"state": suppress_1d(labels, counts, k)}, k)
    from_csv = list(csv.DictReader(io.StringIO(export.to_csv(rows, min_cell=k))))[:-1]
    from_json = json.loads(export.to_json(rows, min_cell=k))["rows"]
    assert len(from_csv) == len(from_json) == len(counts) + 1
    for line, row in zip(from_csv, from_json, strict=True):
        assert line["count"] == ("" if row["count"] is None else str(row["count"]))
        assert line["suppressed"] == ("yes" if row["suppressed"] else "no")
        # A suppressed cell never shows a number anywhere.
        assert (row["count"] is None) == row["suppressed"]
