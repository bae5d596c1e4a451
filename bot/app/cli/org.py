"""`camino org`: an organization's on-call alerts, its settings, and the fallback organization."""

from __future__ import annotations

import click

from bot.app.cli.context import opened_runtime
from bot.app.cli.errors import CaminoError, friendly


@click.group()
def org() -> None:
    """Organizations: on-call alerts, response time, contact line, the fallback."""


@org.command("alerts")
@click.argument("slug")
@click.option("--sms", multiple=True, metavar="+E164", help="An SMS number to alert.")
@click.option("--whatsapp", multiple=True, metavar="+E164", help="A WhatsApp number to alert.")
@click.option("--telegram", multiple=True, metavar="CHAT_ID", help="A Telegram chat (a group).")
@click.option("--off", is_flag=True, help="Remove every destination: no more alerts.")
@friendly
def org_alerts(
    slug: str, sms: tuple[str, ...], whatsapp: tuple[str, ...], telegram: tuple[str, ...], off: bool
) -> None:
    """Set where the organization's urgent alerts go (replacing the previous destinations);
    without options, show them."""
    # imported when the command runs: keeps `camino` start-up light
    from bot.staff import orgsettings
    from bot.staff.accounts import AccountError, find_organization

    change = bool(sms or whatsapp or telegram)
    if off and change:
        raise CaminoError("Give destinations or --off, not both.")
    with opened_runtime() as runtime, runtime.sessions() as db, db.begin():
        found = find_organization(db, slug)
        if found is None:
            raise CaminoError("No organization has that slug (see `camino demo`).")
        if off or change:
            try:
                wanted = orgsettings.Destinations.parse(list(sms), list(whatsapp), list(telegram))
            except AccountError as exc:
                raise CaminoError(str(exc)) from exc
            count = orgsettings.replace_destinations(
                db, runtime.vault, found, wanted, runtime.clock()
            )
            click.echo(
                f"{slug}: alerts go to {count} destination(s)."
                if count
                else f"{slug}: alerts are off."
            )
            return
        shown = orgsettings.shown_destinations(db, runtime.vault, found)
    if not shown:
        click.echo(f"{slug}: no alert destinations (alerts are off).")
    for channel, masked in shown:
        click.echo(f"{channel} {masked}")


@org.command("fallback")
@click.argument("slug")
@friendly
def org_fallback(slug: str) -> None:
    """Make the organization the network's fallback: it receives every report no organization
    covers, and urgent alerts nobody acknowledged in time."""
    # imported when the command runs: keeps `camino` start-up light
    from bot.staff.accounts import find_organization
    from bot.staff.ownership import set_fallback

    with opened_runtime() as runtime, runtime.sessions() as db, db.begin():
        found = find_organization(db, slug)
        if found is None:
            raise CaminoError("No organization has that slug (see `camino demo`).")
        set_fallback(db, found)
    click.echo(f"{slug} is now the fallback organization.")


@org.command("set")
@click.argument("slug")
@click.option("--response-hours", metavar="HOURS", help="Stated response time (blank: none).")
@click.option("--contact-line", metavar="+E164", help="Public phone line (blank: none).")
@click.option(
    "--alert-every-report/--no-alert-every-report",
    default=None,
    help="Alert the on-call destinations on every new report, not only urgent ones.",
)
@friendly
def org_set(
    slug: str,
    response_hours: str | None,
    contact_line: str | None,
    alert_every_report: bool | None,
) -> None:
    """Set the organization's response time, public contact line and alerting."""
    # imported when the command runs: keeps `camino` start-up light
    from bot.staff import orgsettings
    from bot.staff.accounts import AccountError, find_organization

    if response_hours is None and contact_line is None and alert_every_report is None:
        raise CaminoError("Nothing to set: give --response-hours, --contact-line or an alert flag.")
    with opened_runtime() as runtime, runtime.sessions() as db, db.begin():
        found = find_organization(db, slug)
        if found is None:
            raise CaminoError("No organization has that slug (see `camino demo`).")
        try:
            if response_hours is not None:
                found.response_hours = orgsettings.parse_response_hours(response_hours)
            if contact_line is not None:
                line = contact_line.strip()
                found.contact_line = orgsettings.parse_phone(line) if line else None
        except AccountError as exc:
            raise CaminoError(str(exc)) from exc
        if alert_every_report is not None:
            found.alert_every_report = alert_every_report
        hours, line_set, every = (
            found.response_hours,
            found.contact_line,
            found.alert_every_report,
        )
    click.echo(
        f"{slug}: response time {f'{hours} hours' if hours else 'not stated'}, "
        f"contact line {line_set or 'none'}, "
        f"alerts on {'every report' if every else 'urgent reports only'}."
    )
