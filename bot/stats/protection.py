"""What every published count goes through: protection against small cells and differencing.

The method (the README's *Statistics* section says it for readers):

1. Keyed random rounding: every count (cells, totals, margins, funnel stages, under any filter,
   in cases or in victims, on the dashboard, in the API and in exports) is rounded to one of
   the two multiples of 5 around it, up with a chance of its remainder in fifths (13 goes to
   15 three times in five, to 10 twice). The draw is not random at each request: it comes from
   the *cell key* of the set of cases counted, the sum of each case's secret key (an HMAC of
   its id under a key derived from the master key, never stored). The same set of cases gets
   the same figure however it is asked for (a filter, a cell, a margin, another table), so
   asking again teaches nothing, and a set that differs by one case gets an unrelated draw.
   A published figure c means "between c-4 and c+4".
2. Small cells: a figure below the first step (`first_step`, 10 with the default k = 5) is
   not published ("hidden"), so every published figure's range lies at or above k, and zeros
   are hidden like any small count.
3. Secondary suppression (`bot.stats.suppression`) still hides further cells so that a table's
   margins do not fix a hidden cell.

So one subtraction of published figures (a total minus the other cells, a filter's total
minus another's) leaves a range of up to 17 values (cut only at zero), and intersecting the
ranges that many subtractions give pinned no hidden cell in tests/stats/test_differencing.py,
which runs such a solver over every filter combination of generated data. Date filters count
whole months (`bot.stats.tables.whole_months`), so that there are few sets of cases that
differ by a few.

Limits: published figures are approximate (cells need not add up to their total; percentages
come from rounded figures); a range is still information; someone who knows some of the people
counted can narrow it; the error of each figure is bounded, so very many queries over sets
that differ by the same few cases can be averaged towards a likely value (never a certain one);
and rotating the master key draws new figures. Give `stats:read` only to people the
organization trusts, as the README says.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, Protocol

BASE = 5
# The cell key's range: sums of record keys are taken modulo 2**64.
KEY_BITS = 64
KEY_SPACE = 1 << KEY_BITS
PURPOSE = "stats-cell-keys"
Unit = Literal["cases", "victims"]


class KeyHolder(Protocol):
    """Whatever derives keys from the master key (`bot.store.vault.Vault`)."""

    def derived(self, purpose: str) -> tuple[str, bytes]: ...


@dataclass(frozen=True)
class Protection:
    """How figures are released: the smallest count k and the secret that draws the rounding."""

    min_cell: int
    key: bytes
    # Each case's key, computed once for all the tables of a request.
    _record_keys: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, min_cell: int, vault: KeyHolder) -> Protection:
        """The protection of an installation (its key derived from the master key)."""
        return cls(min_cell, vault.derived(PURPOSE)[1])

    def record_key(self, case_id: str) -> int:
        """A case's secret key."""
        found = self._record_keys.get(case_id)
        if found is None:
            digest = hmac.new(self.key, case_id.encode(), hashlib.sha256).digest()
            found = self._record_keys[case_id] = int.from_bytes(digest[:8], "big")
        return found

    def cell_key(self, case_ids: Iterable[str]) -> int:
        """The key of a set of cases: the same set always gets the same key, in cases and in
        victims (where every report names one person, both read the same, and two draws of
        one number would narrow it)."""
        return sum(self.record_key(case_id) for case_id in set(case_ids)) % KEY_SPACE


def first_step(k: int) -> int:
    """The smallest figure ever published: the first multiple of the base whose whole range
    (`bounds`) lies at or above k."""
    step = BASE
    while step - (BASE - 1) < max(k, 1):
        step += BASE
    return step


def release(count: int | None, k: int, cell_key: int | None) -> int | None:
    """A count as published: rounded up or down to a multiple of the base, as its cell key
    draws; hidden (None) below the first step. No key, nothing published."""
    if count is None or cell_key is None:
        return None
    remainder = count % BASE
    # Up with a chance of remainder/BASE: the key, read as a fraction of its range, decides.
    rounded = count - remainder + (BASE if cell_key * BASE < remainder * KEY_SPACE else 0)
    return rounded if rounded >= first_step(k) else None


def bounds(published: int | None, k: int, most: int) -> tuple[int, int]:
    """What a published figure tells about the true count: its smallest and largest value.

    A hidden figure may be small, or hidden to protect a small one: it is anything up to
    `most` (the number of cases there are).
    """
    if published is None:
        return 0, most
    return published - (BASE - 1), published + (BASE - 1)


def percent(part: int | None, whole: int | None) -> int | None:
    """A percentage of two published figures, rounded; None when either is hidden."""
    if part is None or not whole:
        return None
    return round(100 * part / whole)
