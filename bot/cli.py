"""`camino`: serve the app, chat in the terminal, manage the database.

Errors are one clear sentence and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from bot.config import get_settings

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

    from bot.crypto import KeyConfigurationError

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

    from bot import crypto, db

    settings = get_settings()
    db.upgrade(settings.database_url)
    crypto.load_master_key(settings.data_key, settings.key_file, production=settings.is_production)
    base = f"http://{host}:{port}"
    click.echo(f"Camino is running on {base}  (Ctrl-C to stop)")
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
    from bot.channels.console import run_console
    from bot.runtime import build_runtime

    runtime = build_runtime(get_settings())
    try:
        run_console(runtime.conversations, sys.stdin, sys.stdout, language=lang)
    finally:
        runtime.close()
    click.echo("")


@main.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@friendly
def db_upgrade() -> None:
    """Apply all migrations to the configured database."""
    from bot import db as database

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
    from bot.channels.telegram.app import ALLOWED_UPDATES, polling_application
    from bot.logs import configure_logging
    from bot.runtime import build_runtime

    settings = get_settings()
    if not settings.telegram_bot_token:
        raise CaminoError("TELEGRAM_BOT_TOKEN is not set.")
    runtime = build_runtime(settings)
    configure_logging(settings.log_level)
    try:
        click.echo("Camino's Telegram bot is polling for messages  (Ctrl-C to stop)")
        polling_application(runtime).run_polling(allowed_updates=ALLOWED_UPDATES)
    finally:
        runtime.close()


if __name__ == "__main__":
    main()
