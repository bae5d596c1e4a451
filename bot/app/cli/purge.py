"""`camino purge`: retention by crypto-shredding."""

from __future__ import annotations

from typing import Any

import click

from bot.app.cli.errors import friendly
from bot.core.config import get_settings


@click.command()
@click.option("--dry-run", is_flag=True, help="Only count what would be erased.")
@friendly
def purge(dry_run: bool) -> None:
    """Erase closed cases past the retention period and abandoned drafts (crypto-shredding)."""
    # imported when the command runs: keeps `camino` start-up light
    from bot.app.runtime import build_runtime
    from bot.privacy import retention

    runtime = build_runtime(get_settings())
    try:
        bar_box: list[Any] = []

        def start(total: int) -> None:
            if not dry_run:
                bar_box.append(click.progressbar(length=total, label="Erasing"))
                bar_box[0].__enter__()

        try:
            report = retention.purge(
                runtime.sessions,
                runtime.settings,
                runtime.clock,
                dry_run=dry_run,
                on_total=start,
                progress=lambda n: bar_box[0].update(n) if bar_box else None,
            )
        finally:
            if bar_box:
                bar_box[0].__exit__(None, None, None)
    finally:
        runtime.close()
    verb = "Would erase" if dry_run else "Erased"
    click.echo(f"{verb} {report.cases} closed case(s) and {report.drafts} abandoned draft(s).")
