"""The public open data page (`/datos`): every organization's filed cases, protected exactly as
on the dashboard, computed at most once every few minutes.

What is kept between requests is only published figures (rounded, small cells hidden), never
a case; the page is the same for everyone, so it carries no cookie and may be cached anywhere.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from bot.stats import crosstabs, durations, export
from bot.stats import tables as stats
from bot.stats.crosstabs import Crosstab
from bot.stats.dimensions import DIMENSIONS
from bot.stats.protection import Protection, Unit
from bot.stats.suppression import Table1D
from bot.store.models import Case

FRESH_FOR = timedelta(minutes=5)
# Dimensions whose hidden values are left out of the public page and its downloads.
UNNAMED = frozenset({"municipality", "nationality"})
# Tables a person can download one by one, by file name (two-way tables by "<name>-<unit>").
TableName = str


@dataclass(frozen=True)
class Figures:
    """Everything the page and its downloads publish, as computed at `made_at`."""

    made_at: datetime
    k: int
    tables: dict[str, Table1D]
    victims: dict[str, Table1D]
    crosstabs: list[Crosstab]
    medians: dict[str, int | None]

    @cached_property
    def unnamed(self) -> dict[str, frozenset[str]]:
        """Values never named in public while their figure is hidden (one-way table): a rare
        nationality or a municipality named at all would say someone from it, or there,
        reported."""
        return {
            dimension: frozenset(
                label
                for label, count in zip(table.labels, table.released(), strict=True)
                if count is None and label != stats.UNKNOWN
            )
            for dimension, table in self.tables.items()
            if dimension in UNNAMED
        }

    def named(self, dimension: str, value: str) -> bool:
        return value not in self.unnamed.get(dimension, frozenset())

    def rows(self, name: TableName | None = None) -> list[dict[str, Any]] | None:
        """Export rows of one table (None: no such table), or of all of them."""
        found: list[dict[str, Any]] = []
        units: tuple[tuple[Unit, dict[str, Table1D]], ...] = (
            ("cases", self.tables),
            ("victims", self.victims),
        )
        for unit, tables in units:
            for dimension, table in tables.items():
                if name in (None, dimension):
                    found += [
                        row
                        for row in export.export_rows(table, dimension, self.k, unit)
                        if self.named(dimension, row["value"])
                    ]
        for tab in self.crosstabs:
            if name in (None, f"{tab.name}-{tab.unit}"):
                found += [row for row in crosstabs.crosstab_rows(tab) if self._named_cell(tab, row)]
        if name is not None and not found:
            return None
        return found

    def _named_cell(self, tab: Crosstab, row: dict[str, Any]) -> bool:
        value, _, column = str(row["value"]).partition("|")
        return self.named(tab.rows, value) and self.named(tab.cols, column)

    def csv(self, name: TableName | None = None) -> str | None:
        rows = self.rows(name)
        return None if rows is None else export.to_csv(rows, min_cell=self.k)


def every_case() -> Select[Case]:
    """The cases open data counts: every organization's (the statistics keep filed ones)."""
    return select(Case)


def compute(db: Session, protection: Protection, now: datetime) -> Figures:
    base, filters = every_case(), stats.Filters()
    return Figures(
        made_at=now,
        k=protection.min_cell,
        tables={d: stats.table(db, base, filters, d, protection) for d in DIMENSIONS},
        victims={d: stats.table(db, base, filters, d, protection, "victims") for d in DIMENSIONS},
        crosstabs=crosstabs.every_crosstab(db, base, filters, protection),
        medians=durations.median_days(db, base, filters, protection),
    )


@dataclass
class Cache:
    """The last figures and the pages made from them, for `FRESH_FOR`, in this process."""

    figures: Figures | None = None
    pages: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, now: datetime, make: Callable[[], Figures]) -> tuple[Figures, bool]:
        """The figures (made again when stale) and whether they came from the cache."""
        with self.lock:
            if self.figures is not None and now - self.figures.made_at < FRESH_FOR:
                return self.figures, True
            self.figures, self.pages = make(), {}
            return self.figures, False

    def page(self, language: str, figures: Figures, render: Callable[[], str]) -> str:
        """The page in a language, made once for these figures."""
        with self.lock:
            if self.figures is figures and language in self.pages:
                return self.pages[language]
        body = render()
        with self.lock:
            if self.figures is figures:
                self.pages[language] = body
        return body
