"""Two-way tables in cases and in victims: counted, suppressed, released and exported."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.stats import crosstabs
from bot.stats import tables as stats
from bot.stats.protection import Protection
from bot.store.models import Case
from tests.support.dashboard_helpers import file_case
from tests.support.factories import make_runtime

K = 5
PROTECTION = Protection(K, b"x" * 32)


def test_gender_by_crime_in_cases_and_victims(tmp_path: Path) -> None:
    runtime = make_runtime(f"sqlite:///{tmp_path}/x.db", tmp_path)
    for i in range(12):
        file_case(
            runtime,
            {
                "incident_state": "MX-TAB",
                "crime_types": ["robbery"] if i < 10 else ["robbery", "kidnapping"],
                "victim_gender": "woman" if i < 9 else "man",
                "victim_count": 2,
            },
        )
    with runtime.sessions() as db:
        cases_tab = crosstabs.crosstab(
            db, select(Case), stats.Filters(), "gender", "crime_type", "cases", PROTECTION
        )
        victims_tab = crosstabs.crosstab(
            db, select(Case), stats.Filters(), "gender", "crime_type", "victims", PROTECTION
        )
        filtered = crosstabs.crosstab(
            db,
            select(Case),
            stats.Filters(gender="man"),
            "gender",
            "crime_type",
            "cases",
            PROTECTION,
        )
    table = cases_tab.table
    woman, robbery = table.rows.index("woman"), table.cols.index("robbery")
    assert table.counts[woman][robbery] == 9
    # Men (3) are a small cell, so women beside them are hidden too; nothing is exact.
    released = table.released()
    assert released[table.rows.index("man")][robbery] is None
    assert released[woman][robbery] is None
    assert victims_tab.table.counts[woman][robbery] == 18  # two people in each report
    # 18 women and 10 men robbed or kidnapped (a case counts once in each crime it names):
    # 28, rounded up or down.
    assert victims_tab.table.grand_total() == 28
    assert victims_tab.table.released_grand_total() in (25, 30)
    assert filtered.table.rows == table.rows  # the same cells under every filter
    rows = crosstabs.crosstab_rows(victims_tab)
    assert {
        "dimension": "gender_x_crime_type",
        "unit": "victims",
        "value": "total|total",
        "count": victims_tab.table.released_grand_total(),
        "suppressed": False,
    } in rows
    assert all(r["count"] is None or r["count"] % 5 == 0 for r in rows)
    runtime.close()
