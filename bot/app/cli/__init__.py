"""`camino`: serve the app, chat in the terminal, manage the database.

One module per command group; each imports what its commands need only when they run, so
`camino --help` and `camino keys new` start quickly. Errors are one clear sentence and a
non-zero exit, never a traceback (`errors.py`).
"""

from __future__ import annotations

import importlib

import click

from bot.app.cli import (
    audit,
    case,
    chat,
    db,
    directory,
    keys,
    org,
    purge,
    serve,
    staff,
    stats,
    telegram,
)
from bot.app.cli.errors import CaminoError, friendly

__all__ = ["CaminoError", "friendly", "main"]


# Operations commands whose modules load providers' clients: imported only when named.
LAZY = {
    "backup": "bot.app.backups:backup",
    "restore": "bot.app.backups:restore",
    "doctor": "bot.app.doctor:doctor",
    "whatsapp": "bot.app.whatsapp:whatsapp",
}


class Camino(click.Group):
    """The root group: its own commands, and the operations commands loaded on demand."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *LAZY])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in LAZY:
            return super().get_command(ctx, cmd_name)
        module, _, name = LAZY[cmd_name].partition(":")
        command: click.Command = getattr(importlib.import_module(module), name)
        return command


@click.group(cls=Camino, context_settings={"help_option_names": ["-h", "--help"]})
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
    org.org,
    audit.audit_group,
    stats.stats_group,
):
    main.add_command(command)
