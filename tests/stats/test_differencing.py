"""An analyst tries to undo the protection by subtraction: every filter combination the
statistics take (state, gender, nationality, channel, dates), every table they can ask for and
its export, on generated data of at least 400 cases. Published figures are turned into ranges
(`bot.stats.protection.bounds`); a hidden cell is a published total minus the published other
cells (of a table, or of a filter's total), and a solver chains and intersects such
subtractions over every combination. No hidden non-empty cell may come out as one number."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from bot.app.runtime import Runtime
from bot.stats import export
from bot.stats import tables as stats
from bot.stats.protection import Protection, bounds, release
from bot.store.models import Case, CaseCrimeType, CasePerpetrator
from tests.support.factories import make_runtime

K = 5
PROTECTION = Protection(K, b"k" * 32)
# Two months: date filters count whole months (a day asked for is widened to its month).
MONTHS = (datetime(2026, 5, 1, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC))
# Each dimension's values as a case holds them (None: not answered, the "unknown" cell).
DOMAINS: dict[str, tuple[str | None, ...]] = {
    "state": ("MX-CHP", "MX-TAB", None),
    "gender": ("man", "woman", "non_binary", "prefer_not", None),
    "nationality": ("HN", "GT", None),
    "channel": ("sms", "web"),
    "month": ("m0", "m1"),
}
TABLES = ("state", "gender", "nationality")  # the dimensions with a table of their own
ANY = "*"
# Differencing: a hidden set is a published total minus the published other cells (of a
# table, or of the same filters with one more); the solver chains and intersects such
# subtractions over every combination until nothing narrows.
DIFFERENCING = 1
SOLVER = 100
Key = tuple[str, ...]
NAMES = tuple(DOMAINS)


def cell_of(value: str | None) -> str:
    return "unknown" if value is None else value


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    path: Path = tmp_path_factory.mktemp("differencing")
    made = make_runtime(f"sqlite:///{path}/stats.db", path)
    yield made
    made.close()


def generate(seed: int, size: int) -> list[dict[str, str | None]]:
    """Skewed data: many small cells, as a shelter's real figures have."""
    rng = random.Random(seed)
    weights = {name: [rng.random() ** 3 + 0.01 for _ in values] for name, values in DOMAINS.items()}
    return [
        {name: rng.choices(DOMAINS[name], weights[name])[0] for name in DOMAINS}
        for _ in range(size)
    ]


def store(runtime: Runtime, rows: list[dict[str, str | None]]) -> None:
    with runtime.sessions() as db, db.begin():
        for table in (CaseCrimeType, CasePerpetrator, Case):
            db.execute(delete(table))
        for i, row in enumerate(rows):
            when = MONTHS[int(str(row["month"])[1])] + timedelta(days=i % 28, hours=i % 20)
            db.add(
                Case(
                    id=f"c{i:05d}",
                    wrapped_key=b"",
                    status="submitted",
                    urgent=False,
                    channel=row["channel"],
                    language="es",
                    incident_state=row["state"],
                    victim_gender=row["gender"],
                    victim_nationality=row["nationality"],
                    created_at=when,
                    updated_at=when,
                    submitted_at=when,
                )
            )


def filters_of(assigned: dict[str, str]) -> stats.Filters:
    month = assigned.get("month")
    # The analyst asks for one day; the statistics count its whole month.
    start = MONTHS[int(month[1])] + timedelta(days=3) if month else None
    return stats.Filters(
        state=assigned.get("state"),
        gender=assigned.get("gender"),
        nationality=assigned.get("nationality"),
        channel=assigned.get("channel"),
        date_from=start,
        date_to=start + timedelta(days=1) if start else None,
    )


def key_of(assigned: dict[str, str]) -> Key:
    return tuple(assigned.get(name, ANY) for name in NAMES)


def publications(runtime: Runtime) -> dict[Key, list[int | None]]:
    """Every figure an analyst can get, by the set of cases it counts."""
    found: dict[Key, list[int | None]] = {}
    filterable = {
        name: [value for value in values if value is not None] for name, values in DOMAINS.items()
    }
    with runtime.sessions() as db:
        for choice in itertools.product(*([None, *filterable[name]] for name in NAMES)):
            assigned = {name: value for name, value in zip(NAMES, choice, strict=True) if value}
            for dimension in TABLES:
                table = stats.table(db, select(Case), filters_of(assigned), dimension, PROTECTION)
                for row in export.all_rows({dimension: table}, K):  # what an export says
                    if row["value"] == "total_cases":
                        found.setdefault(key_of(assigned), []).append(row["count"])
                        continue
                    if dimension in assigned:
                        if row["value"] != assigned[dimension]:
                            continue  # an empty set: nothing to learn
                        cell = dict(assigned)
                    else:
                        cell = {**assigned, dimension: row["value"]}
                    found.setdefault(key_of(cell), []).append(row["count"])
    return found


def attack(found: dict[Key, list[int | None]], n: int, rounds: int) -> dict[Key, tuple[int, int]]:
    """Ranges of every set of cases from the publications, narrowed `rounds` times by every
    known sum (each round from the ranges of the round before)."""
    domains = {
        name: [ANY, *(cell_of(value) for value in values)] for name, values in DOMAINS.items()
    }
    keys = list(itertools.product(*(domains[name] for name in NAMES)))
    low = dict.fromkeys(keys, 0)
    high = dict.fromkeys(keys, n)
    for key, figures in found.items():
        for figure in figures:
            lo, hi = bounds(figure, K, n)
            low[key], high[key] = max(low[key], lo), min(high[key], hi)
    sums = [
        (key, [(*key[:i], value, *key[i + 1 :]) for value in domains[NAMES[i]][1:]])
        for key in keys
        for i in range(len(NAMES))
        if key[i] == ANY
    ]
    for _ in range(rounds):
        was_low, was_high = dict(low), dict(high)
        for whole, parts in sums:
            lo_sum = sum(was_low[p] for p in parts)
            hi_sum = sum(was_high[p] for p in parts)
            low[whole], high[whole] = max(low[whole], lo_sum), min(high[whole], hi_sum)
            for part in parts:
                lo = was_low[whole] - (hi_sum - was_high[part])
                hi = was_high[whole] - (lo_sum - was_low[part])
                low[part], high[part] = max(low[part], lo), min(high[part], hi)
        if (low, high) == (was_low, was_high):
            break
    return {key: (low[key], high[key]) for key in keys}


def truth(rows: list[dict[str, str | None]], key: Key) -> int:
    return sum(
        1
        for row in rows
        if all(
            wanted == ANY or cell_of(row[name]) == wanted
            for name, wanted in zip(NAMES, key, strict=True)
        )
    )


def subtractions(
    found: dict[Key, list[int | None]], n: int
) -> Iterator[tuple[Key, tuple[int, int]]]:
    """Each hidden set, and what one subtraction says of it: a published total minus the
    published other cells of one of its tables (or of the same filters with one more)."""
    domains = {
        name: [ANY, *(cell_of(value) for value in values)] for name, values in DOMAINS.items()
    }

    def published(key: Key) -> tuple[int, int] | None:
        figures = [f for f in found.get(key, []) if f is not None]
        return bounds(figures[0], K, n) if figures else None

    for key, figures in found.items():
        if None not in figures or any(f is not None for f in figures):
            continue
        for i, name in enumerate(NAMES):
            if key[i] == ANY:
                continue
            whole = published((*key[:i], ANY, *key[i + 1 :]))
            others = [
                published((*key[:i], value, *key[i + 1 :]))
                for value in domains[name][1:]
                if value != key[i]
            ]
            if whole is None or any(other is None for other in others):
                continue
            low = whole[0] - sum(other[1] for other in others if other)
            high = whole[1] - sum(other[0] for other in others if other)
            yield key, (max(low, 0), high)


def check(runtime: Runtime, seed: int, rounds: int) -> None:
    rows = generate(seed, 400)
    store(runtime, rows)
    found = publications(runtime)
    hidden = [key for key, figures in found.items() if None in figures]
    assert hidden, "the data must have hidden cells to attack"
    if rounds == DIFFERENCING:
        attempts = list(subtractions(found, len(rows)))
        assert attempts, "the analyst must have subtractions to try"
        for key, (lo, hi) in attempts:
            count = truth(rows, key)
            assert lo <= count <= hi  # the analyst's reasoning is sound
            if count > 0:
                assert lo < hi, f"recovered {key} = {count}"
        return
    ranges = attack(found, len(rows), rounds)
    for key in hidden:
        count = truth(rows, key)
        lo, hi = ranges[key]
        assert lo <= count <= hi
        if count > 0:
            assert lo < hi, f"recovered {key} = {count}"


@settings(
    max_examples=3,
    deadline=None,
    phases=(Phase.explicit, Phase.generate),  # shrinking would re-run hundreds of queries
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(seed=st.integers(0, 2**31))
def test_no_hidden_cell_is_recovered_by_differencing(runtime: Runtime, seed: int) -> None:
    check(runtime, seed, DIFFERENCING)


def test_a_constraint_solver_over_every_combination(runtime: Runtime) -> None:
    for seed in range(6):
        check(runtime, seed, SOLVER)


def test_ten_cases_and_seven_men_do_not_reveal_three_women(runtime: Runtime) -> None:
    """The case of issue 16: the export gave 10 cases, and 7 with `&gender=man`."""
    rows: list[dict[str, str | None]] = [
        {"state": "MX-TAB", "gender": g, "nationality": "HN", "channel": "sms", "month": "m0"}
        for g in ["man"] * 7 + ["woman"] * 3
    ]
    store(runtime, rows)
    with runtime.sessions() as db:
        everyone = stats.table(db, select(Case), stats.Filters(), "gender", PROTECTION)
        men = stats.table(db, select(Case), stats.Filters(gender="man"), "gender", PROTECTION)
    assert everyone.released_total() == 10  # a multiple of 5 is never moved
    by_gender = dict(zip(everyone.labels, everyone.released(), strict=True))
    # The men, as a cell or as a filter's total (the same cases, the same figure), read
    # hidden or 10 (7 goes up 2 times in 5): either way the women are anything from 0 to 8
    # or more, never 3 for sure.
    assert by_gender["woman"] is None and by_gender["man"] == men.released_total()
    lo_all, hi_all = bounds(everyone.released_total(), K, 10)
    lo_men, hi_men = bounds(men.released_total(), K, 10)
    assert (lo_all, hi_all) == (6, 14)
    women = (max(lo_all - hi_men, 0), hi_all - lo_men)
    assert women[0] <= 3 <= women[1] and women[1] - women[0] >= 8
    assert men.released_total() in (None, 10)
    # Below the first step nothing is published, whatever the draw.
    assert all(release(n, K, key) is None for n in range(6) for key in (0, 2**63, 2**64 - 1))
