"""`camino db`: database maintenance."""

from __future__ import annotations

import click

from bot.app.cli.errors import friendly
from bot.core.config import get_settings


@click.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@friendly
def db_upgrade() -> None:
    """Apply all migrations to the configured database."""
    # imported when the command runs: keeps `camino` start-up light
    from bot.store import db as database

    database.upgrade(get_settings().database_url)
    click.echo("Database is up to date.")
