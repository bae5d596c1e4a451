"""`camino audit`: the hash-chained, sealed audit log."""

from __future__ import annotations

import click

from bot.app.cli.context import opened_runtime
from bot.app.cli.errors import CaminoError, friendly


@click.group("audit")
def audit_group() -> None:
    """The audit log."""


@audit_group.command("verify")
@friendly
def audit_verify() -> None:
    """Check every entry's link, hash and seal; exit 1 naming the entries that do not hold."""
    # imported when the command runs: keeps `camino` start-up light
    from bot.privacy import audit

    with opened_runtime() as runtime, runtime.sessions() as db:
        result = audit.verify(db, runtime.vault)
    if not result.ok:
        for problem in result.problems[:20]:
            click.echo(problem, err=True)
        raise CaminoError(f"The audit log was altered ({len(result.problems)} problems).")
    click.echo(f"The audit log is intact ({result.entries} entries).")


@audit_group.command("seal")
@friendly
def audit_seal() -> None:
    """Seal entries written before seals existed (once, after upgrading); an intact chain only."""
    # imported when the command runs: keeps `camino` start-up light
    from bot.privacy import audit

    with opened_runtime() as runtime:
        try:
            count = audit.reseal(runtime.sessions, runtime.vault)
        except ValueError as exc:
            raise CaminoError(str(exc)) from exc
    click.echo(f"Sealed {count} audit entries.")
