"""`camino case`: work on a case from the command line."""

from __future__ import annotations

import click

from bot.app.cli.context import opened_runtime
from bot.app.cli.errors import CaminoError, friendly


@click.group()
def case() -> None:
    """Work on a case from the command line."""


@case.command("event")
@click.argument("code")
@click.option("--status", required=True, help="A status of one of the case's tracks.")
@click.option(
    "--body",
    default=None,
    help="The authority a referral, justice or queja step is about (default: the state "
    "prosecutor; the CNDH for a queja).",
)
@click.option("--corrects", default=None, help="The id of a wrong event this one supersedes.")
@click.option("--note", default=None, help="What happened, in a sentence.")
@click.option("--family-visible", is_flag=True, help="Relatives following the case see it.")
@click.option("--author", default="cli", show_default=True, help="Who records the event.")
@friendly
def case_event(
    code: str,
    status: str,
    body: str | None,
    corrects: str | None,
    note: str | None,
    family_visible: bool,
    author: str,
) -> None:
    """Record a status change on the case with this CODE."""
    # imported when the command runs: keeps `camino` start-up light
    from bot import cases
    from bot.follow.events import add_event

    with opened_runtime() as runtime, runtime.sessions() as db, db.begin():
        found = cases.find_by_code(db, runtime.vault, code)
        if found is None:
            raise CaminoError("No case has that code.")
        try:
            add_event(
                db,
                runtime.vault,
                found,
                status=status,
                author=author,
                note=note,
                family_visible=family_visible,
                now=runtime.clock(),
                body=body,
                corrects=corrects,
            )
        except cases.EventError as exc:
            raise CaminoError(f"{exc}.") from exc
    click.echo(f"Recorded {status}" + (" (visible to the family)." if family_visible else "."))


@case.command("municipalities")
@friendly
def case_municipalities() -> None:
    """Read the municipality of earlier cases from their described place (INEGI's catalogue);
    one audit entry says how many places were read."""
    from bot.cases.places import match_earlier
    from bot.privacy import audit

    with opened_runtime() as runtime, runtime.sessions() as db, db.begin():
        done = match_earlier(db, runtime.vault)
        record = audit.Record(
            actor="cli",
            action="case.municipalities",
            outcome="ok",
            org_id=None,
            target=None,
            detail={"read": done.read, "matched": done.matched, "personal_data": True},
        )
        audit.append(db, runtime.vault, record, now=runtime.clock())
    click.echo(f"Read {done.read} places; {done.matched} cases now have a municipality.")
