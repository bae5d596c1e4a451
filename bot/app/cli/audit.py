"""`camino audit`: the hash-chained audit log."""

from __future__ import annotations

import click

from bot.app.cli.errors import CaminoError, friendly
from bot.core.config import get_settings


@click.group("audit")
def audit_group() -> None:
    """The audit log."""


@audit_group.command("verify")
@friendly
def audit_verify() -> None:
    """Check the audit log's hash chain; exit 1 naming any edited or deleted entry."""
    # imported when the command runs: keeps `camino` start-up light
    from bot.privacy import audit
    from bot.store.db import make_engine, make_sessionmaker

    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        with make_sessionmaker(engine)() as db:
            result = audit.verify(db)
    finally:
        engine.dispose()
    if not result.ok:
        for problem in result.problems[:20]:
            click.echo(problem, err=True)
        raise CaminoError(f"The audit log was altered ({len(result.problems)} problems).")
    click.echo(f"The audit log is intact ({result.entries} entries).")
