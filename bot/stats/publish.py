"""Everything the statistics publish, as rows: one list for the CLI, the dashboard and the API.

Every one-way table in cases and in victims, then every two-way table in both, each figure
released through `bot.stats.protection`: the same filters give the same rows wherever asked.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from bot.stats import crosstabs, export, victims
from bot.stats.protection import Protection
from bot.stats.tables import Filters, every_table
from bot.store.models import Case

UNITS = crosstabs.UNITS


def every_row(
    db: Session, base: Select[Case], filters: Filters, protection: Protection
) -> list[dict[str, Any]]:
    """Every published figure for the filters, as export rows."""
    k = protection.min_cell
    rows: list[dict[str, Any]] = []
    for unit in UNITS:
        rows += export.all_rows(every_table(db, base, filters, protection, unit), k, unit)
    for tab in crosstabs.every_crosstab(db, base, filters, protection):
        rows += crosstabs.crosstab_rows(tab)
    groups = victims.victim_table(db, base, filters, protection)
    rows += export.export_rows(groups, "victim_group", k, "victims")
    rows += export.export_rows(victims.minors_table(db, base, filters, protection), "minors", k)
    return rows
