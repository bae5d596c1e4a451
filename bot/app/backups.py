"""`camino backup PATH` and `camino restore PATH`: the whole database, to a file and back."""

from __future__ import annotations

from pathlib import Path

import click

from bot.app.cli.errors import friendly
from bot.core.config import get_settings
from bot.store import backup as backups


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@friendly
def backup(path: Path) -> None:
    """Copy the whole database to PATH (a new file, readable only by you)."""
    settings = get_settings()
    try:
        found = backups.backup(settings.database_url, path)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"Backed up {found.cases} case(s) to {path}; keep it apart from the master key and "
        f"for no longer than the retention period ({settings.retention_days} days)."
    )


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
@friendly
def restore(path: Path, force: bool) -> None:
    """Replace the configured database with the backup in PATH (refuses to overwrite data)."""
    settings = get_settings()
    try:
        found = backups.restore(settings.database_url, path, force=force)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"Restored {path} into the configured database: {found.cases} case(s), "
        f"{found.erased} of them erased, at migration {found.revision}."
    )
