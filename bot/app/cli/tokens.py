"""`camino tokens`: the API tokens of every organization; revoke one (audited)."""

from __future__ import annotations

import click

from bot.app.cli.context import opened_runtime
from bot.app.cli.errors import CaminoError, friendly


@click.group("tokens")
def tokens_group() -> None:
    """API tokens."""


@tokens_group.command("list")
@click.option("--org", "org_slug", default=None, help="Only this organization's tokens.")
@friendly
def tokens_list(org_slug: str | None) -> None:
    """One line per token: id, organization, name, holder, scopes, state (never the secret)."""
    # imported when the command runs: keeps `camino` start-up light
    from bot.staff import tokens
    from bot.staff.accounts import find_organization
    from bot.store.models import Organization, Staff

    with opened_runtime() as runtime, runtime.sessions() as db:
        org_id = None
        if org_slug is not None:
            org = find_organization(db, org_slug)
            if org is None:
                raise CaminoError("No organization has that slug.")
            org_id = org.id
        now = runtime.clock()
        rows = tokens.org_tokens(db, org_id)
        for token in rows:
            org = db.get(Organization, token.org_id)
            holder = db.get(Staff, token.staff_id) if token.staff_id else None
            if token.revoked_at is not None:
                state = f"revoked {token.revoked_at:%Y-%m-%d}"
            elif not tokens.is_live(token, now):
                state = f"expired {token.expires_at:%Y-%m-%d}"
            else:
                state = f"expires {token.expires_at:%Y-%m-%d}"
            click.echo(
                "\t".join(
                    [
                        token.id,
                        org.slug if org is not None else "-",
                        token.name,
                        holder.email if holder is not None else "-",
                        token.scopes,
                        state,
                    ]
                )
            )
    if not rows:
        click.echo("No API tokens.")


@tokens_group.command("revoke")
@click.argument("token_id")
@friendly
def tokens_revoke(token_id: str) -> None:
    """Revoke a token by its id (see `camino tokens list`): it answers 401 from now on."""
    # imported when the command runs: keeps `camino` start-up light
    from bot.privacy import audit
    from bot.staff import tokens
    from bot.staff.accounts import AccountError

    with opened_runtime() as runtime, runtime.sessions() as db, db.begin():
        try:
            token = tokens.revoke(db, token_id.strip(), runtime.clock())
        except AccountError:
            raise CaminoError("No token has that id (see `camino tokens list`).") from None
        record = audit.Record(
            actor="cli",
            action="token.revoke",
            outcome="ok",
            org_id=token.org_id,
            target=f"token:{token.id}",
        )
        audit.append(db, runtime.vault, record, now=runtime.clock())
    click.echo(f"Token {token_id.strip()} revoked.")
