"""`camino staff` and `camino demo`: dashboard accounts and the demo organizations.

`deactivate`, `reset-2fa` and `reset-password` do what an admin does on the team page, for an
operator who has the server (the last admin locked out, a fired admin); each is audited.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from bot.app.cli.context import opened_runtime
from bot.app.cli.errors import CaminoError, friendly
from bot.core.config import get_settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.app.runtime import Runtime
    from bot.store.models import Staff

# A change to one staff account, in the command's transaction; what to print.
Change = Callable[["Session", "Runtime", "Staff"], str]


@click.group()
def staff() -> None:
    """Staff accounts of the dashboard."""


@staff.command("add")
@click.option("--org", "org_slug", required=True, help="The organization's slug.")
@click.option("--email", required=True, help="The staff member's work email.")
@click.option(
    "--role",
    "roles",
    required=True,
    multiple=True,
    type=click.Choice(["admin", "caseworker", "analyst", "auditor"]),
    help="What they may do; repeat for several roles.",
)
@click.option("--generate", is_flag=True, help="Generate a password and print it once.")
@friendly
def staff_add(org_slug: str, email: str, roles: tuple[str, ...], generate: bool) -> None:
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
                roles=roles,
                password=password,
                now=runtime.clock(),
            )
        except accounts.AccountError as exc:
            raise CaminoError(str(exc)) from exc
    click.echo(f"Created {' and '.join(roles)} account {email.strip().lower()} in {org_slug}.")
    if generate:
        click.echo(f"Password (shown once): {password}")
    click.echo("They set up two-factor sign-in the first time they sign in.")


def _on_member(email: str, action: str, change: Change) -> str:
    """Apply a change to the account of an email, audited as the command line's; its message."""
    # imported when the command runs: keeps `camino` start-up light
    from bot.privacy import audit
    from bot.staff import admin
    from bot.staff.accounts import AccountError

    with opened_runtime() as runtime, runtime.sessions() as db, db.begin():
        try:
            member = admin.member(db, email.strip(), org_id=None)
        except AccountError:
            raise CaminoError("No staff account has that email.") from None
        message = change(db, runtime, member)
        record = audit.Record(
            actor="cli",
            action=action,
            outcome="ok",
            org_id=member.org_id,
            target=f"staff:{member.id}",
        )
        audit.append(db, runtime.vault, record, now=runtime.clock())
    return message


def _member_command(name: str, action: str) -> Callable[[Change], Change]:
    """`camino staff NAME EMAIL`: the change to that account, audited as `action`; the
    change's docstring is the command's help."""

    def register(change: Change) -> Change:
        @staff.command(name, help=change.__doc__)
        @click.argument("email")
        @friendly
        def command(email: str) -> None:
            click.echo(_on_member(email, action, change))

        return change

    return register


@_member_command("deactivate", "staff.deactivate")
def _deactivate(db: Session, runtime: Runtime, member: Staff) -> str:
    """Stop an account now: its sessions end and the API tokens it holds are revoked."""
    from bot.staff import admin

    revoked = admin.deactivate(db, member, runtime.clock())
    return f"Deactivated {member.email}; {revoked} API token(s) revoked."


@_member_command("reset-2fa", "staff.reset_2fa")
def _reset_2fa(db: Session, runtime: Runtime, member: Staff) -> str:
    """Remove an account's second factor: the next sign-in sets up a new one."""
    from bot.staff import admin

    admin.reset_second_factor(db, member)
    return f"Two-factor sign-in of {member.email} removed; it is set up again at sign-in."


@_member_command("reset-password", "staff.reset_password")
def _reset_password(db: Session, runtime: Runtime, member: Staff) -> str:
    """Give an account a temporary password (printed once), to change at the next sign-in."""
    from bot.staff import admin

    password = admin.reset_password(db, member)
    return (
        f"Temporary password of {member.email} (shown once; to be changed at the next "
        f"sign-in): {password}"
    )


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
