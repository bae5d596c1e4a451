"""`camino directory`: the directory of shelters and organizations."""

from __future__ import annotations

import click

from bot.app.cli.errors import CaminoError, friendly
from bot.core.config import get_settings


@click.group()
def directory() -> None:
    """The directory of shelters and organizations (CAMINO_DIRECTORY_FILE)."""


@directory.command("check")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@friendly
def directory_check(path: str | None) -> None:
    """Check a directory file (default: the configured one) and say how many entries it has."""
    # imported when the command runs: keeps `camino` start-up light
    from bot.core.directory import DirectoryError, load

    try:
        entries = load(path or get_settings().directory_file)
    except DirectoryError as exc:
        raise CaminoError(str(exc)) from exc
    click.echo(f"The directory is valid: {len(entries)} organization(s).")
