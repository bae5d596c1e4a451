"""`camino audit`: the hash-chained audit log."""

from __future__ import annotations

import click

from bot.app.cli.context import database_session
from bot.app.cli.errors import CaminoError, friendly


@click.group("audit")
def audit_group() -> None:
    """The audit log."""


@audit_group.command("verify")
@friendly
def audit_verify() -> None:
    """Check the audit log's hash chain; exit 1 naming any edited or deleted entry."""
    # imported when the command runs: keeps `camino` start-up light
    from bot.privacy import audit

    with database_session() as db:
        result = audit.verify(db)
    if not result.ok:
        for problem in result.problems[:20]:
            click.echo(problem, err=True)
        raise CaminoError(f"The audit log was altered ({len(result.problems)} problems).")
    click.echo(f"The audit log is intact ({result.entries} entries).")
