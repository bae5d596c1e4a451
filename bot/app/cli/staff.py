"""`camino staff` and `camino demo`: dashboard accounts and the demo organizations."""

from __future__ import annotations

import click

from bot.app.cli.context import opened_runtime
from bot.app.cli.errors import CaminoError, friendly
from bot.core.config import get_settings


@click.group()
def staff() -> None:
    """Staff accounts of the dashboard."""


@staff.command("add")
@click.option("--org", "org_slug", required=True, help="The organization's slug.")
@click.option("--email", required=True, help="The staff member's work email.")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["admin", "caseworker", "analyst", "auditor"]),
    help="What they may do.",
)
@click.option("--generate", is_flag=True, help="Generate a password and print it once.")
@friendly
def staff_add(org_slug: str, email: str, role: str, generate: bool) -> None:
    """Create a dashboard account (password asked, or generated and printed once)."""
    # imported when the command runs: keeps `camino` start-up light
    from bot.staff import accounts

    password = (
        accounts.new_password()
        if generate
        else click.prompt(
            "Password (12 characters or more)", hide_input=True, confirmation_prompt=True
        )
    )
    with opened_runtime() as runtime, runtime.sessions() as db, db.begin():
        org = accounts.find_organization(db, org_slug)
        if org is None:
            raise CaminoError("No organization has that slug (see `camino demo`).")
        try:
            accounts.create_staff(
                db,
                runtime.vault,
                org=org,
                email=email,
                role=role,
                password=password,
                now=runtime.clock(),
            )
        except accounts.AccountError as exc:
            raise CaminoError(str(exc)) from exc
    click.echo(f"Created {role} account {email.strip().lower()} in {org_slug}.")
    if generate:
        click.echo(f"Password (shown once): {password}")
    if role == "admin":
        click.echo("Admins set up two-factor sign-in the first time they sign in.")


@click.command()
@friendly
def demo() -> None:
    """Load the demo organizations and, the first time, a demo admin account (printed once)."""
    # imported when the command runs: keeps `camino` start-up light
    from bot.staff.demo import load_demo

    if get_settings().is_production:
        raise CaminoError(
            "camino demo is refused when CAMINO_ENV=production: it adds made-up organizations "
            "and an admin account."
        )
    with opened_runtime() as runtime, runtime.sessions() as db, db.begin():
        result = load_demo(db, runtime.vault, runtime.clock())
    if result.created:
        click.echo(f"Demo organizations loaded: {len(result.created)}.")
    if result.admin_password is not None:
        click.echo("Demo dashboard account (shown only this once):")
        click.echo(f"  email:    {result.admin_email}")
        click.echo(f"  password: {result.admin_password}")
        click.echo("  You will set up two-factor sign-in when you first sign in.")
