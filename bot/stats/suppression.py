"""Small-cell suppression, pure: what makes statistics safe to publish.

What leaves Camino is `released()`: these cells after `bot.stats.protection` (keyed random
rounding to base 5, small figures and zeros hidden), which holds against differencing across
filters. Each cell carries the cell key of the cases it counts; a cell without one is never
released.

Every count under k, zeros included, is suppressed (primary suppression): zeros are never
released, so a reader knows only that a hidden cell holds 0 or more. Then enough other cells
are suppressed (secondary suppression) that the published totals cannot give any of them back:
a non-empty suppressed cell is "recoverable" when the published numbers leave it only one
possible value.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bot.stats.protection import release


@dataclass(frozen=True)
class Table1D:
    """A one-way table: cells in order, the total, and which cells are suppressed."""

    labels: tuple[str, ...]
    counts: tuple[int, ...]
    total: int
    suppressed: frozenset[int]
    total_suppressed: bool
    k: int = 1  # the minimum cell the table was suppressed with
    keys: tuple[int, ...] = ()  # each cell's cell key (`bot.stats.protection`)
    total_key: int | None = None

    def published(self) -> list[int | None]:
        """The cells as published: None where suppressed."""
        return [None if i in self.suppressed else c for i, c in enumerate(self.counts)]

    def published_total(self) -> int | None:
        return None if self.total_suppressed else self.total

    def released(self) -> list[int | None]:
        """The cells as released to anyone: rounded as their keys draw, small ones hidden."""
        keys: list[int | None] = list(self.keys) or [None] * len(self.counts)
        return [
            release(count, self.k, key) for count, key in zip(self.published(), keys, strict=True)
        ]

    def released_total(self) -> int | None:
        return release(self.published_total(), self.k, self.total_key)


def _pinned_1d(counts: Sequence[int], suppressed: set[int]) -> bool:
    """Whether some non-empty suppressed cell of a summed table has only one possible value:
    with two hidden cells or more, a non-empty one can give one to another (each >= 0)."""
    return len(suppressed) == 1 and all(counts[i] > 0 for i in suppressed)


def suppress_1d(
    labels: Sequence[str],
    counts: Sequence[int],
    k: int,
    *,
    additive: bool = True,
    keys: Sequence[int] = (),
    total_key: int | None = None,
) -> Table1D:
    """Suppress cells under k; when cells add up to the total, protect them from subtraction."""
    total = sum(counts) if additive else -1
    return suppress_1d_total(
        labels, counts, k, total=total, additive=additive, keys=keys, total_key=total_key
    )


def suppress_1d_total(
    labels: Sequence[str],
    counts: Sequence[int],
    k: int,
    *,
    total: int,
    additive: bool,
    keys: Sequence[int] = (),
    total_key: int | None = None,
) -> Table1D:
    """Like `suppress_1d` with an explicit total (cases, when one case counts in many cells)."""
    if total < 0:
        total = sum(counts)
    suppressed = {i for i, c in enumerate(counts) if c < k}
    total_suppressed = 0 < total < k
    if total_suppressed:  # a small total: nothing of the table can be shown
        suppressed = set(range(len(counts)))
    elif additive and suppressed:
        # Add the smallest published non-zero cells until no suppressed cell is pinned down.
        while _pinned_1d(counts, suppressed):
            candidates = sorted(
                (c, i) for i, c in enumerate(counts) if c > 0 and i not in suppressed
            )
            if not candidates:
                total_suppressed = True  # nothing left to hide behind: hide the total too
                break
            suppressed.add(candidates[0][1])
    return Table1D(
        labels=tuple(labels),
        counts=tuple(counts),
        total=total,
        suppressed=frozenset(suppressed),
        total_suppressed=total_suppressed,
        k=k,
        keys=tuple(keys),
        total_key=total_key,
    )


@dataclass(frozen=True)
class Table2D:
    """A two-way table with row, column and grand totals (margins are published)."""

    rows: tuple[str, ...]
    cols: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]
    suppressed: frozenset[tuple[int, int]]
    rows_suppressed: frozenset[int] = field(default_factory=frozenset)
    cols_suppressed: frozenset[int] = field(default_factory=frozenset)
    k: int = 1
    # Cell keys (`bot.stats.protection`) of the cells, the rows, the columns and the whole.
    keys: tuple[tuple[int, ...], ...] = ()
    row_keys: tuple[int, ...] = ()
    col_keys: tuple[int, ...] = ()
    grand_key: int | None = None

    def published(self) -> list[list[int | None]]:
        return [
            [None if (r, c) in self.suppressed else v for c, v in enumerate(row)]
            for r, row in enumerate(self.counts)
        ]

    def row_totals(self) -> list[int | None]:
        return [
            None if r in self.rows_suppressed else sum(row) for r, row in enumerate(self.counts)
        ]

    def col_totals(self) -> list[int | None]:
        return [
            None if c in self.cols_suppressed else sum(row[c] for row in self.counts)
            for c in range(len(self.cols))
        ]

    def grand_total(self) -> int:
        return sum(sum(row) for row in self.counts)

    def released(self) -> list[list[int | None]]:
        """Cells as released to anyone: rounded as their keys draw, small ones hidden."""
        return [
            [
                release(v, self.k, _key(self.keys[r] if self.keys else (), c))
                for c, v in enumerate(row)
            ]
            for r, row in enumerate(self.published())
        ]

    def released_row_totals(self) -> list[int | None]:
        return [release(v, self.k, _key(self.row_keys, r)) for r, v in enumerate(self.row_totals())]

    def released_col_totals(self) -> list[int | None]:
        return [release(v, self.k, _key(self.col_keys, c)) for c, v in enumerate(self.col_totals())]

    def released_grand_total(self) -> int | None:
        return release(self.grand_total(), self.k, self.grand_key)


def _key(keys: Sequence[int], index: int) -> int | None:
    """A cell's key, or None (never released) when the table carries none."""
    return keys[index] if index < len(keys) else None


def _can_move(
    counts: Sequence[Sequence[int]], cells: set[tuple[int, int]], cell: tuple[int, int], up: bool
) -> bool:
    """Whether an alternating cycle through `cell` lets it go up (or down) by one.

    Row and column sums are fixed, so changes run around cycles of suppressed cells with
    alternating signs; a cell that goes down must stay >= 0 (zeros are hidden too).
    """
    r0, c0 = cell
    if not up and counts[r0][c0] < 1:
        return False
    others = cells - {cell}
    # From column c0 we step to a row (a cell of column c0 with the opposite sign), then to a
    # column (a cell of that row with the same sign as `cell`), until we reach row r0.
    frontier: list[tuple[str, int]] = [("col", c0)]
    seen = {("col", c0)}
    while frontier:
        kind, index = frontier.pop()
        for r, c in others:
            if kind == "col" and c == index:
                # This cell moves opposite to `cell`: going down needs room.
                if up and counts[r][c] < 1:
                    continue
                if r == r0:
                    return True
                node = ("row", r)
            elif kind == "row" and r == index:
                if not up and counts[r][c] < 1:
                    continue
                node = ("col", c)
            else:
                continue
            if node not in seen:
                seen.add(node)
                frontier.append(node)
    return False


def _alone(
    grid: Sequence[Sequence[int]], cells: set[tuple[int, int]], line: list[tuple[int, int]]
) -> bool:
    """Whether a line's total would give back its one hidden cell (a non-empty one)."""
    hidden = [(r, c) for r, c in line if (r, c) in cells]
    return len(hidden) == 1 and grid[hidden[0][0]][hidden[0][1]] > 0


def pinned_cells_2d(
    counts: Sequence[Sequence[int]],
    cells: set[tuple[int, int]],
    rows_hidden: Iterable[int] = (),
    cols_hidden: Iterable[int] = (),
) -> set[tuple[int, int]]:
    """Suppressed cells whose value the published margins (and the grand total) fix exactly.

    A hidden margin frees its line, but the grand total still ties the hidden lines together:
    what the hidden rows gain, others of them lose. So each hidden row is linked to one extra
    column, and each hidden column to one extra row, by cells that can take any value; a cycle
    through them is a change the published figures cannot see.
    """
    rows_free, cols_free = sorted(set(rows_hidden)), sorted(set(cols_hidden))
    if not rows_free and not cols_free:
        grid = [list(row) for row in counts]
        linked = set(cells)
    else:
        n_rows = len(counts)
        n_cols = len(counts[0]) if counts else 0
        unbounded = sum(sum(row) for row in counts) + 2
        grid = [[*row, unbounded if r in rows_free else 0] for r, row in enumerate(counts)]
        grid.append([unbounded if c in cols_free else 0 for c in range(n_cols)] + [0])
        linked = set(cells) | {(r, n_cols) for r in rows_free} | {(n_rows, c) for c in cols_free}
    return {
        cell
        for cell in cells
        if counts[cell[0]][cell[1]] > 0  # a hidden zero, known, tells of nobody
        and not _can_move(grid, linked, cell, up=True)
        and not _can_move(grid, linked, cell, up=False)
    }


@dataclass(frozen=True)
class Keys2D:
    """The cell keys of a two-way table: cells, row margins, column margins, the whole."""

    cells: tuple[tuple[int, ...], ...] = ()
    rows: tuple[int, ...] = ()
    cols: tuple[int, ...] = ()
    whole: int | None = None


def suppress_2d(
    rows: Sequence[str],
    cols: Sequence[str],
    counts: Sequence[Sequence[int]],
    k: int,
    keys: Keys2D = Keys2D(),
) -> Table2D:
    """Suppress cells under k, then more cells until no suppressed one is fixed by the margins.

    Margins under k are suppressed with their whole row or column, and protected the same way
    against the grand total. Iterates to a fixed point.
    """
    grid = [list(row) for row in counts]
    n_rows, n_cols = len(rows), len(cols)
    cells = {(r, c) for r in range(n_rows) for c in range(n_cols) if grid[r][c] < k}
    row_tot = [sum(row) for row in grid]
    col_tot = [sum(grid[r][c] for r in range(n_rows)) for c in range(n_cols)]
    rows_hidden = suppress_1d(list(rows), row_tot, k).suppressed
    cols_hidden = suppress_1d(list(cols), col_tot, k).suppressed
    # A hidden margin hides its whole line (its cells would add up to it).
    for r in rows_hidden:
        cells |= {(r, c) for c in range(n_cols) if grid[r][c] > 0}
    for c in cols_hidden:
        cells |= {(r, c) for r in range(n_rows) if grid[r][c] > 0}

    def smallest_in(line: Iterable[tuple[int, int]]) -> tuple[int, int] | None:
        options = sorted(
            (grid[r][c], (r, c)) for r, c in line if grid[r][c] > 0 and (r, c) not in cells
        )
        return options[0][1] if options else None

    # The rows, then the columns, whose totals are published.
    published_lines = [
        [(r, c) for c in range(n_cols)] for r in range(n_rows) if r not in rows_hidden
    ] + [[(r, c) for r in range(n_rows)] for c in range(n_cols) if c not in cols_hidden]
    for _ in range(n_rows * n_cols + 1):
        changed = False
        # Each published line with a non-empty suppressed cell needs at least two of them.
        for line in published_lines:
            if _alone(grid, cells, line):
                extra = smallest_in(line)
                if extra is not None:
                    cells.add(extra)
                    changed = True
        if not changed:
            for r, c in sorted(pinned_cells_2d(grid, cells, rows_hidden, cols_hidden)):
                extra = smallest_in([(r, j) for j in range(n_cols)]) or smallest_in(
                    [(i, c) for i in range(n_rows)]
                )
                if extra is None:
                    extra = smallest_in([(i, j) for i in range(n_rows) for j in range(n_cols)])
                if extra is not None:
                    cells.add(extra)
                    changed = True
                    break
        if not changed:
            break
    if pinned_cells_2d(grid, cells, rows_hidden, cols_hidden) or any(
        _alone(grid, cells, line) for line in published_lines
    ):
        # Nothing left to hide behind: publish the margins only where they are safe.
        rows_hidden = frozenset(range(n_rows))
        cols_hidden = frozenset(range(n_cols))
        cells = {(r, c) for r in range(n_rows) for c in range(n_cols)}
    return Table2D(
        rows=tuple(rows),
        cols=tuple(cols),
        counts=tuple(tuple(row) for row in grid),
        suppressed=frozenset(cells),
        rows_suppressed=frozenset(rows_hidden),
        cols_suppressed=frozenset(cols_hidden),
        k=k,
        keys=keys.cells,
        row_keys=keys.rows,
        col_keys=keys.cols,
        grand_key=keys.whole,
    )
