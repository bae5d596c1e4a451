"""What every published count goes through: protection against small cells and differencing.

The method (the README's *Statistics* section says it for readers):

1. Rounding: every count (cells, totals, margins, funnel stages, under any filter, on the
   dashboard, in the API and in exports) is rounded to the nearest multiple of 5 (half up),
   so a published figure c means "between c-2 and c+2", always a range of five values. The
   same set of cases always gets the same figure, however it is asked for (a filter or a
   cell), so asking again teaches nothing new.
2. Small cells: a count whose range would reach below k (`CAMINO_STATS_MIN_CELL`, 5 by
   default) is not published: with k = 5, counts from 0 to 7 read "hidden" and the smallest
   figure is 10 (8 to 12). Zeros are hidden too: an exact zero, or a range cut short at k,
   would let a subtraction end at an exact number.
3. Secondary suppression (`bot.stats.suppression`) still hides enough further cells that the
   exact table could not be rebuilt from its margins.

So a published 10 says "between 8 and 12", and a hidden cell says nothing. One subtraction
of published figures (a total minus the other cells, a filter's total minus another's) leaves
a range at least 9 values wide, never one number: in the 10-versus-7 attack of issue 16, the
10 cases are published as 10 and the 7 men are hidden.

Limits: percentages and sums of rounded figures are approximate (cells need not add up to
their total); a range is still information; an analyst with outside knowledge of some of the
people counted can narrow it; and a solver that chains and intersects many subtractions over
every filter combination can, in rare configurations, pin a hidden cell (rounding bounds each
figure's error, and bounded errors can be combined): give `stats:read` only to people the
organization trusts, as the README says.
"""

from __future__ import annotations

BASE = 5


def first_step(k: int) -> int:
    """The smallest figure ever published: the first multiple of the base whose whole range
    (`bounds`) lies at or above k, so every published figure is a range of the same width."""
    step = BASE
    while step - BASE // 2 < max(k, 1):
        step += BASE
    return step


def release(count: int | None, k: int) -> int | None:
    """A count as published: rounded to the nearest multiple of the base (half up); hidden
    (None) when that would be below the first step."""
    if count is None:
        return None
    rounded = (count + BASE // 2) // BASE * BASE
    return rounded if rounded >= first_step(k) else None


def bounds(published: int | None, k: int, most: int) -> tuple[int, int]:
    """What a published figure tells about the true count: its smallest and largest value.

    A hidden figure may be small, or hidden to protect a small one: it is anything up to
    `most` (the number of cases there are).
    """
    if published is None:
        return 0, most
    return published - BASE // 2, published + BASE // 2


def percent(part: int | None, whole: int | None) -> int | None:
    """A percentage of two published figures, rounded; None when either is hidden."""
    if part is None or not whole:
        return None
    return round(100 * part / whole)
