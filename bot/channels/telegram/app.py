"""Wiring: the PTB Application (webhook or polling), the bot's commands, webhook registration.

Inside `camino serve` the Application has no Updater: the web app's lifespan starts it and
POST /webhooks/telegram feeds it. `camino telegram poll` builds the same Application with an
Updater and runs it by long polling, with the outbox worker and scheduler `camino serve` runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from telegram import Bot, BotCommand
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, Application
from telegram.request import HTTPXRequest

from bot.channels.telegram import api_urls
from bot.channels.telegram.handlers import TelegramApp, TelegramHandlers
from bot.channels.telegram.oncall import OnCallGroups
from bot.core import i18n
from bot.core.config import DEFAULT_LANGUAGE, Settings
from bot.intake.runtime import Runtime

log = logging.getLogger(__name__)

# Edited messages are asked for only to say that an edit changes nothing.
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
WEBHOOK_PATH = "/webhooks/telegram"
# A 429 is retried after its retry_after this many times before the send fails.
MAX_RETRIES = 5
COMMANDS = ("start", "menu", "back", "language", "help", "exit", "erase")


class TelegramUnavailable(RuntimeError):
    """The Bot API could not be reached to start the channel."""


def build_application(runtime: Runtime, *, polling: bool = False) -> TelegramApp:
    """The Application with Camino's handlers; without an Updater unless `polling`."""
    token = runtime.settings.telegram_bot_token
    if not token:
        raise TelegramUnavailable("TELEGRAM_BOT_TOKEN is not set.")
    base_url, base_file_url = api_urls(runtime.settings)
    builder = (
        Application.builder()
        .token(token)
        .base_url(base_url)
        .base_file_url(base_file_url)
        .rate_limiter(AIORateLimiter(max_retries=MAX_RETRIES))
    )
    if not polling:
        # One connection pool (and TLS setup, 1 MB) for both of PTB's: a webhook never polls.
        request = HTTPXRequest()
        builder = builder.updater(None).request(request).get_updates_request(request)
    application: TelegramApp = builder.build()
    handlers = TelegramHandlers(runtime)
    handlers.register(application)
    OnCallGroups(runtime).register(application)
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
    application = build_application(runtime, polling=True)

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


@dataclass
class TelegramChannel:
    """The channel as the web app holds it: the Application, its handlers, the secret."""

    application: TelegramApp
    handlers: TelegramHandlers
    secret: str | None
    started: bool = False
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def ensure_started(self) -> bool:
        """Initialize and start the Application once; False while the Bot API is unreachable."""
        if self.started:
            return True
        async with self._lock:
            if not self.started:
                try:
                    await self.application.initialize()
                    await self.application.start()
                except TelegramError as exc:
                    log.warning(
                        "Telegram Bot API unreachable (%s); will retry on the next update.",
                        type(exc).__name__,
                    )
                    await self._shutdown_quietly()
                    return False
                self.started = True
        return True

    async def stop(self) -> None:
        """Stop and shut down the Application (lifespan end)."""
        if self.started:
            await self.application.stop()
            await self.application.shutdown()
            self.started = False

    async def _shutdown_quietly(self) -> None:
        with contextlib.suppress(TelegramError, RuntimeError):
            await self.application.shutdown()


async def start_channel(runtime: Runtime) -> TelegramChannel | None:
    """For the web app's lifespan: the running channel, or None (logged once) when it is off."""
    if not runtime.settings.telegram_bot_token:
        log.info("Telegram channel is off: TELEGRAM_BOT_TOKEN is not set.")
        return None
    if not runtime.settings.telegram_webhook_secret:
        log.warning("TELEGRAM_WEBHOOK_SECRET is not set: Telegram webhook calls are refused.")
    application = build_application(runtime)
    handlers: TelegramHandlers = application.bot_data["camino_handlers"]
    handlers.webhook = True
    channel = TelegramChannel(application, handlers, runtime.settings.telegram_webhook_secret)
    await channel.ensure_started()
    return channel
