"""`camino stats`: statistics, with small cells suppressed."""

from __future__ import annotations

import sys

import click

from bot.app.cli.errors import CaminoError, friendly
from bot.core.config import get_settings


@click.group("stats")
def stats_group() -> None:
    """Statistics, with small cells suppressed."""


@stats_group.command("export")
@click.option("--org", "org_slug", default=None, help="One organization's cases (default: all).")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)
@click.option("--from", "date_from", default=None, help="First day (YYYY-MM-DD).")
@click.option("--to", "date_to", default=None, help="Last day (YYYY-MM-DD).")
@friendly
def stats_export(
    org_slug: str | None, fmt: str, date_from: str | None, date_to: str | None
) -> None:
    """Print every statistic as CSV or JSON; cells under the minimum are suppressed."""
    # imported when the command runs: keeps `camino` start-up light
    import csv
    import json
    from datetime import UTC, date, datetime, time, timedelta

    from sqlalchemy import select

    from bot.staff import accounts
    from bot.staff.access import visible_cases
    from bot.stats import tables as stats
    from bot.store.db import make_engine, make_sessionmaker
    from bot.store.models import Case

    def day(text: str | None, shift: int = 0) -> datetime | None:
        if not text:
            return None
        try:
            value = date.fromisoformat(text)
        except ValueError as exc:
            raise CaminoError("Dates look like 2026-03-15.") from exc
        return datetime.combine(value + timedelta(days=shift), time.min, tzinfo=UTC)

    settings = get_settings()
    k = settings.stats_min_cell
    filters = stats.Filters(date_from=day(date_from), date_to=day(date_to, 1))
    engine = make_engine(settings.database_url)
    rows: list[dict[str, object]] = []
    try:
        with make_sessionmaker(engine)() as db:
            base = select(Case)
            if org_slug:
                org = accounts.find_organization(db, org_slug)
                if org is None:
                    raise CaminoError("No organization has that slug.")
                base = visible_cases(org)
            for dimension in stats.DIMENSIONS:
                rows += stats.export_rows(
                    stats.table(db, base, filters, dimension, k), dimension, k
                )
    finally:
        engine.dispose()
    note = stats.suppression_note(k)
    if fmt == "json":
        click.echo(json.dumps({"min_cell": k, "note": note, "rows": rows}, indent=1))
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=["dimension", "value", "count", "suppressed"])
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                **row,
                "count": "" if row["count"] is None else row["count"],
                "suppressed": "yes" if row["suppressed"] else "no",
            }
        )
    writer.writerow({"dimension": "note", "value": note, "count": "", "suppressed": ""})
