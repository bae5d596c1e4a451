"""Wiring for `camino telegram`: the PTB Application that polls, the commands, the webhook.

`camino telegram poll` runs PTB's Application with its Updater (long polling), handing every
update to the same `TelegramHandlers.process` the webhook calls, beside the outbox worker and
scheduler `camino serve` runs. The web app runs no Application (see `channel.py`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from telegram import Bot, BotCommand, Update
from telegram.ext import AIORateLimiter, Application, ContextTypes, TypeHandler

from bot.channels.telegram import api_urls
from bot.channels.telegram.channel import WEBHOOK_PATH
from bot.channels.telegram.handlers import TelegramHandlers
from bot.channels.telegram.limits import MAX_RETRIES
from bot.core import i18n
from bot.core.config import DEFAULT_LANGUAGE, Settings
from bot.intake.runtime import Runtime

log = logging.getLogger(__name__)

TelegramApp = Application[Any, Any, Any, Any, Any, Any]

# Edited messages are asked for only to say that an edit changes nothing.
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
COMMANDS = ("start", "menu", "back", "language", "help", "exit", "erase")


class TelegramUnavailable(RuntimeError):
    """The Bot API could not be reached to start the channel."""


def build_application(runtime: Runtime) -> TelegramApp:
    """The polling Application: every update goes to Camino's handlers."""
    token = runtime.settings.telegram_bot_token
    if not token:
        raise TelegramUnavailable("TELEGRAM_BOT_TOKEN is not set.")
    base_url, base_file_url = api_urls(runtime.settings)
    application: TelegramApp = (
        Application.builder()
        .token(token)
        .base_url(base_url)
        .base_file_url(base_file_url)
        .rate_limiter(AIORateLimiter(max_retries=MAX_RETRIES))
        .build()
    )
    handlers = TelegramHandlers(runtime)

    async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await handlers.process(update, context.bot)  # a failure is logged there

    application.add_handler(TypeHandler(Update, on_update))
    application.bot_data["camino_handlers"] = handlers
    return application


def command_list(language: str) -> list[BotCommand]:
    """The /commands menu in one language."""
    t = i18n.translator(language)
    descriptions = {
        "start": t("Empezar o volver al inicio"),
        "menu": t("Menú principal"),
        "back": t("Volver a la pregunta anterior"),
        "language": t("Cambiar idioma"),
        "help": t("Ayuda"),
        "exit": t("Salir"),
        "erase": t("Borrar los mensajes de este chat"),
    }
    return [BotCommand(name, descriptions[name]) for name in COMMANDS]


async def set_commands(bot: Bot) -> None:
    """set_my_commands for every supported language, and the default for everyone else."""
    await bot.set_my_commands(command_list(DEFAULT_LANGUAGE))
    for language in i18n.available_languages():
        await bot.set_my_commands(command_list(language), language_code=language)


async def register_webhook(settings: Settings) -> str:
    """Point Telegram at CAMINO_PUBLIC_URL + /webhooks/telegram, with the secret; the URL."""
    if not settings.telegram_bot_token:
        raise TelegramUnavailable("TELEGRAM_BOT_TOKEN is not set.")
    if not settings.telegram_webhook_secret:
        raise TelegramUnavailable("TELEGRAM_WEBHOOK_SECRET is not set.")
    url = settings.public_url.rstrip("/") + WEBHOOK_PATH
    base_url, base_file_url = api_urls(settings)
    async with Bot(
        settings.telegram_bot_token, base_url=base_url, base_file_url=base_file_url
    ) as bot:
        await bot.set_webhook(
            url, secret_token=settings.telegram_webhook_secret, allowed_updates=ALLOWED_UPDATES
        )
        await set_commands(bot)
    return url


async def _prepare_polling(application: TelegramApp) -> None:
    """Before polling: no webhook may be set (Telegram refuses getUpdates), commands set."""
    await application.bot.delete_webhook()
    await set_commands(application.bot)


class BackgroundWork(Protocol):
    """What runs beside the bot in the polling process (the outbox worker and scheduler)."""

    def wake(self) -> None: ...

    async def stop(self) -> None: ...


def polling_application(
    runtime: Runtime, start_background: Callable[[Runtime], Awaitable[BackgroundWork]]
) -> TelegramApp:
    """The Application for `camino telegram poll` (run it with `run_polling`)."""
    application = build_application(runtime)

    async def post_init(application: TelegramApp) -> None:
        await _prepare_polling(application)
        # Replies deferred to the outbox (and notices) are sent from this process too.
        background = await start_background(runtime)
        application.bot_data["camino_background"] = background
        application.bot_data["camino_handlers"].wake = background.wake

    async def post_shutdown(application: TelegramApp) -> None:
        background: BackgroundWork | None = application.bot_data.get("camino_background")
        if background is not None:
            await background.stop()

    application.post_init = post_init
    application.post_shutdown = post_shutdown
    return application
