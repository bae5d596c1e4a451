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
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from bot.stats import crosstabs, durations, export
from bot.stats import tables as stats
from bot.stats.dimensions import DIMENSIONS
from bot.stats.suppression import Table1D
from bot.store.models import Case

FRESH_FOR = timedelta(minutes=5)
# Tables a person can download one by one, by file name (two-way tables by "<name>-<unit>").
TableName = str


@dataclass(frozen=True)
class Figures:
    """Everything the page and its downloads publish, as computed at `made_at`."""

    made_at: datetime
    k: int
    tables: dict[str, Table1D]
    crosstabs: list[crosstabs.Crosstab]
    medians: dict[str, int | None]

    def rows(self, name: TableName | None = None) -> list[dict[str, Any]] | None:
        """Export rows of one table (None: no such table), or of all of them."""
        if name is None:
            rows = export.all_rows(self.tables, self.k)
            for tab in self.crosstabs:
                rows += crosstabs.crosstab_rows(tab)
            return [row for row in rows if not _unnamed(row)]
        if name in self.tables:
            rows = export.export_rows(self.tables[name], name, self.k)
            return [row for row in rows if not _unnamed(row)]
        for tab in self.crosstabs:
            if name == f"{tab.name}-{tab.unit}":
                return crosstabs.crosstab_rows(tab)
        return None

    def csv(self, name: TableName | None = None) -> str | None:
        rows = self.rows(name)
        return None if rows is None else export.to_csv(rows, min_cell=self.k)


def _unnamed(row: dict[str, Any]) -> bool:
    """A hidden municipality's row: its name alone would say something was reported there."""
    return bool(
        row["dimension"] == "municipality" and row["suppressed"] and row["value"] != "total_cases"
    )


def every_case() -> Select[Case]:
    """The cases open data counts: every organization's (the statistics keep filed ones)."""
    return select(Case)


def compute(db: Session, k: int, now: datetime) -> Figures:
    base, filters = every_case(), stats.Filters()
    return Figures(
        made_at=now,
        k=k,
        tables={d: stats.table(db, base, filters, d, k) for d in DIMENSIONS},
        crosstabs=crosstabs.every_crosstab(db, base, filters, k),
        medians=durations.median_days(db, base, filters, k),
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
