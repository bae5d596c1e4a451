"""`camino doctor`: check a production configuration against the database and the providers."""

from __future__ import annotations

import click
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.app import checks
from bot.app.cli.errors import friendly
from bot.core.clock import system_clock
from bot.core.config import get_settings
from bot.delivery.templates import stored_sids
from bot.store.db import make_engine

MARKS = {checks.OK: "ok     ", checks.PROBLEM: "PROBLEM", checks.OFF: "off    "}


def _stored_templates(engine: Engine) -> dict[str, str]:
    """The templates `camino whatsapp templates sync` stored (none if it cannot be read)."""
    try:
        with Session(engine) as db:
            return stored_sids(db, approved_only=False)
    except SQLAlchemyError:  # unreachable or not migrated: the database check says so
        return {}


@click.command("doctor")
@friendly
def doctor() -> None:
    """Check the configuration the way production uses it; exit 1 on any problem."""
    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        sids = {**_stored_templates(engine), **settings.whatsapp_templates}
        found = checks.run_all(settings, engine, system_clock(), sids)
    finally:
        engine.dispose()
    for check in found:
        line = f"{MARKS[check.status]}  {check.name}: {check.message}"
        if check.fix:
            line += f" Fix: {check.fix}"
        click.echo(line)
    problems = sum(check.status == checks.PROBLEM for check in found)
    if problems:
        raise click.ClickException(f"{problems} problem(s) found.")
    click.echo("No problems found.")
