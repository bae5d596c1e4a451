"""`camino`: serve the app, chat in the terminal, manage the database.

Errors are one clear sentence and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from bot.core.config import get_settings

F = TypeVar("F", bound=Callable[..., Any])


class CaminoError(click.ClickException):
    """A problem the operator can fix, said in one sentence."""


def friendly(func: F) -> F:
    """Turn unexpected failures into one sentence and exit code 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (click.ClickException, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:  # the operator gets a sentence, not a traceback
            raise CaminoError(_sentence(exc)) from exc

    return wrapper  # type: ignore[return-value]


def _sentence(exc: Exception) -> str:
    from sqlalchemy.exc import OperationalError

    from bot.store.crypto import KeyConfigurationError

    if isinstance(exc, KeyConfigurationError):
        return str(exc)
    if isinstance(exc, OperationalError):
        return "The database could not be reached; check CAMINO_DATABASE_URL."
    return f"{type(exc).__name__}: {exc}".splitlines()[0]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Camino: a safe reporting channel for crimes against migrants in Mexico."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, help="Worker processes.")
@friendly
def serve(host: str, port: int, workers: int) -> None:
    """Serve webhooks, web chat, dashboard and API (migrations are applied first)."""
    import uvicorn

    from bot.store import crypto, db

    settings = get_settings()
    db.upgrade(settings.database_url)
    crypto.load_master_key(settings.data_key, settings.key_file, production=settings.is_production)
    base = f"http://{host}:{port}"
    click.echo(f"Camino is running on {base}  (Ctrl-C to stop)")
    click.echo(f"  web chat:     {base}/chat")
    click.echo(f"  dashboard:    {base}/dashboard/")
    click.echo(f"  health check: {base}/healthz")
    uvicorn.run(
        "webhook:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        log_level="warning",
        access_log=False,
    )


@main.command()
@click.option(
    "--lang",
    type=click.Choice(["es", "en", "fr", "ht"]),
    default=None,
    help="Language to start in (asked when not given).",
)
@friendly
def chat(lang: str | None) -> None:
    """Talk to the bot in the terminal (the console channel); each line is one message."""
    from bot.app.runtime import build_runtime
    from bot.channels.console import run_console

    runtime = build_runtime(get_settings())
    try:
        run_console(runtime.conversations, sys.stdin, sys.stdout, language=lang)
    finally:
        runtime.close()
    click.echo("")


@main.group()
def case() -> None:
    """Work on a case from the command line."""


@case.command("event")
@click.argument("code")
@click.option("--status", required=True, help="A status of the intake, justice or migration track.")
@click.option("--note", default=None, help="What happened, in a sentence.")
@click.option("--family-visible", is_flag=True, help="Relatives following the case see it.")
@click.option("--author", default="cli", show_default=True, help="Who records the event.")
@friendly
def case_event(code: str, status: str, note: str | None, family_visible: bool, author: str) -> None:
    """Record a status change on the case with this CODE."""
    from bot import cases
    from bot.app.runtime import build_runtime
    from bot.follow.events import add_event

    runtime = build_runtime(get_settings())
    try:
        with runtime.sessions() as db, db.begin():
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
                )
            except cases.EventError as exc:
                raise CaminoError(f"{exc}.") from exc
    finally:
        runtime.close()
    click.echo(f"Recorded {status}" + (" (visible to the family)." if family_visible else "."))


@main.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@friendly
def db_upgrade() -> None:
    """Apply all migrations to the configured database."""
    from bot.store import db as database

    database.upgrade(get_settings().database_url)
    click.echo("Database is up to date.")


@main.group()
def telegram() -> None:
    """The Telegram bot: register its webhook, or run it by long polling."""


@telegram.command("set-webhook")
@friendly
def telegram_set_webhook() -> None:
    """Register CAMINO_PUBLIC_URL + /webhooks/telegram with Telegram, with the secret."""
    import asyncio

    from bot.channels.telegram.app import TelegramUnavailable, register_webhook

    try:
        url = asyncio.run(register_webhook(get_settings()))
    except TelegramUnavailable as exc:
        raise CaminoError(str(exc)) from exc
    click.echo(f"Telegram will deliver updates to {url}")


@telegram.command("poll")
@friendly
def telegram_poll() -> None:
    """Run the Telegram bot by long polling (no public URL needed); Ctrl-C to stop."""
    from bot.app.background import start_background
    from bot.app.runtime import build_runtime
    from bot.channels.telegram.app import ALLOWED_UPDATES, polling_application
    from bot.core.logs import configure_logging

    settings = get_settings()
    if not settings.telegram_bot_token:
        raise CaminoError("TELEGRAM_BOT_TOKEN is not set.")
    runtime = build_runtime(settings)
    configure_logging(settings.log_level)
    try:
        click.echo("Camino's Telegram bot is polling for messages  (Ctrl-C to stop)")
        polling_application(runtime, start_background).run_polling(allowed_updates=ALLOWED_UPDATES)
    finally:
        runtime.close()


# --- safety: retention, key rotation, directory ---------------------------------------------


@main.command()
@click.option("--dry-run", is_flag=True, help="Only count what would be erased.")
@friendly
def purge(dry_run: bool) -> None:
    """Erase closed cases past the retention period and abandoned drafts (crypto-shredding)."""
    from bot.app.runtime import build_runtime
    from bot.privacy import retention

    runtime = build_runtime(get_settings())
    try:
        bar_box: list[Any] = []

        def start(total: int) -> None:
            if not dry_run:
                bar_box.append(click.progressbar(length=total, label="Erasing"))
                bar_box[0].__enter__()

        try:
            report = retention.purge(
                runtime.sessions,
                runtime.settings,
                runtime.clock,
                dry_run=dry_run,
                on_total=start,
                progress=lambda n: bar_box[0].update(n) if bar_box else None,
            )
        finally:
            if bar_box:
                bar_box[0].__exit__(None, None, None)
    finally:
        runtime.close()
    verb = "Would erase" if dry_run else "Erased"
    click.echo(f"{verb} {report.cases} closed case(s) and {report.drafts} abandoned draft(s).")


@main.group()
def keys() -> None:
    """The master key (CAMINO_DATA_KEY) and the data keys it protects."""


@keys.command("new")
def keys_new() -> None:
    """Print a fresh random master key (base64 of 32 bytes) for CAMINO_NEW_DATA_KEY."""
    from bot.store import crypto

    click.echo(crypto.new_master_key_text())


@keys.command("rotate")
@click.option(
    "--new-key-file",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="File holding the new master key (else CAMINO_NEW_DATA_KEY).",
)
@friendly
def keys_rotate(new_key_file: str | None) -> None:
    """Re-wrap every data key under the new master key; safe to interrupt and run again."""
    from pathlib import Path

    from bot.store import crypto
    from bot.store import db as database
    from bot.store import keys as rotation

    settings = get_settings()
    text = Path(new_key_file).read_text() if new_key_file else settings.new_data_key
    if not text:
        raise CaminoError("Give the new key in CAMINO_NEW_DATA_KEY or with --new-key-file.")
    new_key = rotation.decode_new_key(text)
    old_key = crypto.load_master_key(
        settings.data_key, settings.key_file, production=settings.is_production
    )
    database.upgrade(settings.database_url)
    engine = database.make_engine(settings.database_url)
    sessions = database.make_sessionmaker(engine)
    try:
        total = rotation.pending_count(sessions, new_key)
        with click.progressbar(length=total, label="Re-wrapping data keys") as bar:
            report = rotation.rotate(sessions, old_key, new_key, progress=bar.update)
    finally:
        engine.dispose()
    click.echo(
        f"Re-wrapped {report.rewrapped} data key(s); every key is now under master key "
        f"{report.key_id}. Set CAMINO_DATA_KEY to the new key, remove CAMINO_NEW_DATA_KEY "
        "and restart."
    )


@main.group()
def directory() -> None:
    """The directory of shelters and organizations (CAMINO_DIRECTORY_FILE)."""


@directory.command("check")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@friendly
def directory_check(path: str | None) -> None:
    """Check a directory file (default: the configured one) and say how many entries it has."""
    from bot.core.directory import DirectoryError, load

    try:
        entries = load(path or get_settings().directory_file)
    except DirectoryError as exc:
        raise CaminoError(str(exc)) from exc
    click.echo(f"The directory is valid: {len(entries)} organization(s).")


@main.group()
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
    from bot.app.runtime import build_runtime
    from bot.staff import accounts

    password = (
        accounts.new_password()
        if generate
        else click.prompt(
            "Password (12 characters or more)", hide_input=True, confirmation_prompt=True
        )
    )
    runtime = build_runtime(get_settings())
    try:
        with runtime.sessions() as db, db.begin():
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
    finally:
        runtime.close()
    click.echo(f"Created {role} account {email.strip().lower()} in {org_slug}.")
    if generate:
        click.echo(f"Password (shown once): {password}")
    if role == "admin":
        click.echo("Admins set up two-factor sign-in the first time they sign in.")


@main.command()
@friendly
def demo() -> None:
    """Load the demo organizations and, the first time, a demo admin account (printed once)."""
    from bot.app.runtime import build_runtime
    from bot.staff.demo import load_demo

    runtime = build_runtime(get_settings())
    try:
        with runtime.sessions() as db, db.begin():
            result = load_demo(db, runtime.vault, runtime.clock())
    finally:
        runtime.close()
    if result.created:
        click.echo(f"Demo organizations loaded: {len(result.created)}.")
    if result.admin_password is not None:
        click.echo("Demo dashboard account (shown only this once):")
        click.echo(f"  email:    {result.admin_email}")
        click.echo(f"  password: {result.admin_password}")
        click.echo("  You will set up two-factor sign-in when you first sign in.")


@main.group("audit")
def audit_group() -> None:
    """The audit log."""


@audit_group.command("verify")
@friendly
def audit_verify() -> None:
    """Check the audit log's hash chain; exit 1 naming any edited or deleted entry."""
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


@main.group("stats")
def stats_group() -> None:
    """Statistics, with small cells suppressed."""


@stats_group.command("export")
@click.option("--org", "org_slug", default=None, help="One organization's cases (default: all).")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)
@click.option("--from", "date_from", default=None, help="First day (YYYY-MM-DD).")
@click.option("--to", "date_to", default=None, help="Last day (YYYY-MM-DD).")
@friendly
def stats_export(
    org_slug: str | None, fmt: str, date_from: str | None, date_to: str | None
) -> None:
    """Print every statistic as CSV or JSON; cells under the minimum are suppressed."""
    import csv
    import json
    from datetime import UTC, date, datetime, time, timedelta

    from sqlalchemy import select

    from bot.staff import accounts
    from bot.staff.access import visible_cases
    from bot.stats import tables as stats
    from bot.store.db import make_engine, make_sessionmaker
    from bot.store.models import Case

    def day(text: str | None, shift: int = 0) -> datetime | None:
        if not text:
            return None
        try:
            value = date.fromisoformat(text)
        except ValueError as exc:
            raise CaminoError("Dates look like 2026-03-15.") from exc
        return datetime.combine(value + timedelta(days=shift), time.min, tzinfo=UTC)

    settings = get_settings()
    k = settings.stats_min_cell
    filters = stats.Filters(date_from=day(date_from), date_to=day(date_to, 1))
    engine = make_engine(settings.database_url)
    rows: list[dict[str, object]] = []
    try:
        with make_sessionmaker(engine)() as db:
            base = select(Case)
            if org_slug:
                org = accounts.find_organization(db, org_slug)
                if org is None:
                    raise CaminoError("No organization has that slug.")
                base = visible_cases(org)
            for dimension in stats.DIMENSIONS:
                rows += stats.export_rows(
                    stats.table(db, base, filters, dimension, k), dimension, k
                )
    finally:
        engine.dispose()
    note = stats.suppression_note(k)
    if fmt == "json":
        click.echo(json.dumps({"min_cell": k, "note": note, "rows": rows}, indent=1))
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=["dimension", "value", "count", "suppressed"])
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                **row,
                "count": "" if row["count"] is None else row["count"],
                "suppressed": "yes" if row["suppressed"] else "no",
            }
        )
    writer.writerow({"dimension": "note", "value": note, "count": "", "suppressed": ""})


from bot.app.backups import backup, restore  # noqa: E402

main.add_command(backup)
main.add_command(restore)
from bot.app.doctor import doctor  # noqa: E402

main.add_command(doctor)
from bot.app.whatsapp import whatsapp  # noqa: E402

main.add_command(whatsapp)

if __name__ == "__main__":
    main()
