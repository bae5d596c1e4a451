"""`camino`: serve the app, chat in the terminal, manage the database.

One module per command group; each imports what its commands need only when they run, so
`camino --help` and `camino keys new` start quickly. Errors are one clear sentence and a
non-zero exit, never a traceback (`errors.py`).
"""

from __future__ import annotations

import click

from bot.app.cli import (
    audit,
    case,
    chat,
    db,
    directory,
    keys,
    purge,
    serve,
    staff,
    stats,
    telegram,
)
from bot.app.cli.errors import CaminoError, friendly

__all__ = ["CaminoError", "friendly", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Camino: a safe reporting channel for crimes against migrants in Mexico."""


for command in (
    serve.serve,
    chat.chat,
    case.case,
    db.db,
    telegram.telegram,
    purge.purge,
    keys.keys,
    directory.directory,
    staff.staff,
    staff.demo,
    audit.audit_group,
    stats.stats_group,
):
    main.add_command(command)
