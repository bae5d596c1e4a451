"""Keyed random rounding: unbiased, bounded, fixed by the set of cases counted, so the same
cases give the same figure however they are asked for (a cell, a filter's total, a two-way
cell, in the export and in the API)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from bot.stats import crosstabs
from bot.stats import tables as stats
from bot.stats.protection import KEY_SPACE, Protection, bounds, first_step, release
from bot.store.models import Case
from tests.support.dashboard_helpers import file_case
from tests.support.factories import make_runtime

K = 5
PROTECTION = Protection(K, b"p" * 32)


@given(st.integers(0, 500), st.integers(0, KEY_SPACE - 1), st.integers(2, 12))
def test_a_figure_is_a_multiple_of_five_within_four(count: int, key: int, k: int) -> None:
    published = release(count, k, key)
    if published is None:
        assert count < first_step(k)
        return
    assert published % 5 == 0 and abs(published - count) <= 4
    low, high = bounds(published, k, 10_000)
    assert low <= count <= high and low >= k
    if count % 5 == 0:
        assert published == count  # nothing to round


def test_rounding_goes_up_with_the_chance_of_the_remainder() -> None:
    keys = [PROTECTION.cell_key([f"case-{i}"]) for i in range(4000)]
    for remainder in range(1, 5):
        count = 20 + remainder
        ups = sum(1 for key in keys if release(count, K, key) == 25)
        assert abs(ups / len(keys) - remainder / 5) < 0.04  # unbiased: the mean is the count


def test_cell_keys_belong_to_the_set_and_add_up() -> None:
    one = PROTECTION.cell_key(["a", "b", "c"])
    assert one == PROTECTION.cell_key(["c", "a", "b", "a"])
    assert one == (PROTECTION.cell_key(["a"]) + PROTECTION.cell_key(["b", "c"])) % KEY_SPACE
    assert one != PROTECTION.cell_key(["a", "b"])
    # Another installation (another master key) draws other roundings.
    other = Protection(K, b"q" * 32)
    draws = [(PROTECTION.cell_key([str(i)]), other.cell_key([str(i)])) for i in range(50)]
    assert any(release(13, K, a) != release(13, K, b) for a, b in draws)


def test_the_same_cases_get_the_same_figure_wherever_asked(tmp_path: Path) -> None:
    runtime = make_runtime(f"sqlite:///{tmp_path}/p.db", tmp_path)
    states = ["MX-TAB", "MX-CHP", "MX-VER"]
    crimes = [["robbery"], ["extortion"], ["robbery", "kidnapping"], []]
    for i in range(90):
        file_case(
            runtime,
            {
                "incident_state": states[i % 3],
                "crime_types": crimes[(i // 3) % 4],
                "victim_count": 1 + i % 4,
            },
        )
    compared = 0
    with runtime.sessions() as db:
        for unit in ("cases", "victims"):
            tab = crosstabs.crosstab(
                db, select(Case), stats.Filters(), "state", "crime_type", unit, PROTECTION
            ).table
            again = crosstabs.crosstab(
                db, select(Case), stats.Filters(), "state", "crime_type", unit, PROTECTION
            ).table
            assert again.released() == tab.released()  # asked again: the same answer
            for r, state in enumerate(tab.rows):
                one_way = stats.table(
                    db, select(Case), stats.Filters(state=state), "crime_type", PROTECTION, unit
                )
                by_crime = dict(zip(one_way.labels, one_way.released(), strict=True))
                for c, crime in enumerate(tab.cols):
                    figure = tab.released()[r][c]
                    if figure is not None and by_crime.get(crime) is not None:
                        assert figure == by_crime[crime]
                        compared += 1
            # A column margin counts every case with that crime: the one-way cell's figure.
            everyone = stats.table(
                db, select(Case), stats.Filters(), "crime_type", PROTECTION, unit
            )
            by_crime = dict(zip(everyone.labels, everyone.released(), strict=True))
            for c, crime in enumerate(tab.cols):
                if tab.released_col_totals()[c] is not None and by_crime.get(crime) is not None:
                    assert tab.released_col_totals()[c] == by_crime[crime]
                    compared += 1
            # A state's cell is the total of the statistics filtered by that state.
            by_state = stats.table(db, select(Case), stats.Filters(), "state", PROTECTION, unit)
            for state, figure in zip(by_state.labels, by_state.released(), strict=True):
                if state == stats.UNKNOWN:
                    continue
                narrowed = stats.table(
                    db, select(Case), stats.Filters(state=state), "gender", PROTECTION, unit
                )
                if figure is not None:
                    assert narrowed.released_total() == figure
                    compared += 1
        # Reports naming no crime are counted, as unknown.
        counts, _ = stats.raw_counts(db, select(Case), stats.Filters(), "crime_type")
        assert counts[stats.UNKNOWN] == 21
    assert compared >= 10
    runtime.close()


def test_victims_are_counted_beside_cases(tmp_path: Path) -> None:
    runtime = make_runtime(f"sqlite:///{tmp_path}/v.db", tmp_path)
    for i in range(20):
        file_case(runtime, {"incident_state": "MX-TAB", "victim_count": 3 if i < 10 else None})
    with runtime.sessions() as db:
        cases = stats.table(db, select(Case), stats.Filters(), "state", PROTECTION)
        victims = stats.table(db, select(Case), stats.Filters(), "state", PROTECTION, "victims")
        bands = stats.table(db, select(Case), stats.Filters(), "victims_per_report", PROTECTION)
    assert cases.total == 20 and victims.total == 40  # 10 x 3, and one for each unsaid
    assert cases.released_total() == 20 and victims.released_total() == 40
    assert dict(zip(bands.labels, bands.counts, strict=True)) == {
        "1": 0,
        "2_5": 10,
        "6_20": 0,
        "21_plus": 0,
        stats.UNKNOWN: 10,
    }
    runtime.close()


def test_one_person_a_report_reads_the_same_in_cases_and_victims(tmp_path: Path) -> None:
    """Two draws of one number would narrow it: cases and victims share the draw."""
    runtime = make_runtime(f"sqlite:///{tmp_path}/one.db", tmp_path)
    for i in range(33):
        file_case(runtime, {"incident_state": ("MX-TAB", "MX-CHP")[i % 2], "victim_count": 1})
    with runtime.sessions() as db:
        for dimension in ("state", "crime_type", "funnel"):
            cases = stats.table(db, select(Case), stats.Filters(), dimension, PROTECTION)
            victims = stats.table(
                db, select(Case), stats.Filters(), dimension, PROTECTION, "victims"
            )
            assert victims.released() == cases.released()
            assert victims.released_total() == cases.released_total() in (30, 35)
    runtime.close()


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)))
def test_date_filters_count_whole_months(moment: datetime) -> None:
    when = moment.replace(tzinfo=UTC)
    start, end = stats.whole_months(when, when + timedelta(hours=1))
    assert start is not None and end is not None
    assert start <= when < when + timedelta(hours=1) <= end
    assert start.day == end.day == 1 and start.hour == end.hour == 0
    assert 28 <= (end - start).days <= 62
    assert stats.whole_months(start, end) == (start, end)  # whole months stay as they are
    assert stats.whole_months(None, None) == (None, None)
    december = datetime(2026, 12, 15, tzinfo=UTC)
    assert stats.whole_months(december, december)[1] == datetime(2027, 1, 1, tzinfo=UTC)
