"""`camino stats`: statistics, with small cells suppressed."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import click

from bot.app.cli.context import opened_runtime
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
    """Print every statistic (one-way and two-way tables, the funnel, in cases and in victims)
    as CSV or JSON, protected as on the dashboard and in the API."""
    # imported when the command runs: keeps `camino` start-up light
    from sqlalchemy import select

    from bot.staff import accounts
    from bot.staff.access import visible_cases
    from bot.stats import export
    from bot.stats.protection import Protection
    from bot.stats.publish import every_row
    from bot.stats.tables import Filters
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
    filters = Filters(date_from=day(date_from), date_to=day(date_to, 1))
    # The rounding is drawn with a key derived from the master key: the services are needed.
    with opened_runtime() as runtime, runtime.sessions() as db:
        base = select(Case)
        if org_slug:
            org = accounts.find_organization(db, org_slug)
            if org is None:
                raise CaminoError("No organization has that slug.")
            base = visible_cases(org)
        rows = every_row(db, base, filters, Protection.of(k, runtime.vault))
    if fmt == "json":
        click.echo(export.to_json(rows, min_cell=k, indent=1))
    else:
        click.echo(export.to_csv(rows, min_cell=k), nl=False)
