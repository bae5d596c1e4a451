"""`camino telegram`: register the webhook, or run the bot by long polling."""

from __future__ import annotations

import click

from bot.app.cli.errors import CaminoError, friendly
from bot.core.config import get_settings


@click.group()
def telegram() -> None:
    """The Telegram bot: register its webhook, or run it by long polling."""


@telegram.command("set-webhook")
@friendly
def telegram_set_webhook() -> None:
    """Register CAMINO_PUBLIC_URL + /webhooks/telegram with Telegram, with the secret."""
    # imported when the command runs: keeps `camino` start-up light
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
    # imported when the command runs: keeps `camino` start-up light
    from bot.app.background import start_background
    from bot.app.runtime import build_runtime
    from bot.channels.telegram.app import ALLOWED_UPDATES, polling_application
    from bot.core.logs import configure_logging, secrets_of

    settings = get_settings()
    if not settings.telegram_bot_token:
        raise CaminoError("TELEGRAM_BOT_TOKEN is not set.")
    runtime = build_runtime(settings)
    configure_logging(settings.log_level, secrets_of(settings))
    try:
        click.echo("Camino's Telegram bot is polling for messages  (Ctrl-C to stop)")
        polling_application(runtime, start_background).run_polling(allowed_updates=ALLOWED_UPDATES)
    finally:
        runtime.close()
