"""`camino purge`: retention by crypto-shredding."""

from __future__ import annotations

from contextlib import ExitStack
from typing import Any

import click

from bot.app.cli.context import opened_runtime
from bot.app.cli.errors import friendly


@click.command()
@click.option("--dry-run", is_flag=True, help="Only count what would be erased.")
@friendly
def purge(dry_run: bool) -> None:
    """Erase closed cases past the retention period and abandoned drafts (crypto-shredding)."""
    # imported when the command runs: keeps `camino` start-up light
    from bot.privacy import retention

    with opened_runtime() as runtime, ExitStack() as open_bars:
        bars: list[Any] = []  # one, once the total is known (none on a dry run)

        def start(total: int) -> None:
            if not dry_run:
                bars.append(
                    open_bars.enter_context(click.progressbar(length=total, label="Erasing"))
                )

        report = retention.purge(
            runtime.sessions,
            runtime.settings,
            runtime.clock,
            dry_run=dry_run,
            on_total=start,
            progress=lambda n: bars[0].update(n) if bars else None,
        )
    verb = "Would erase" if dry_run else "Erased"
    click.echo(f"{verb} {report.cases} closed case(s) and {report.drafts} abandoned draft(s).")
