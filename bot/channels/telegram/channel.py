"""The channel inside `camino serve`: a rate-limited `Bot`, Camino's handlers, the secret.

No PTB `Application` runs in the web app: the webhook route reads an update with PTB's `Update`
and hands it to `TelegramHandlers.process`, which routes it itself (`wire.route`). `telegram.ext`
(the Application, its handlers, filters, job queue and persistence) is loaded only by
`camino telegram poll` (see `app.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field

from telegram import Bot
from telegram.error import TelegramError
from telegram.request import HTTPXRequest

from bot.channels.telegram import api_urls
from bot.channels.telegram.handlers import TelegramHandlers
from bot.channels.telegram.limits import LimitedBot
from bot.core.config import Settings
from bot.intake.runtime import Runtime

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/telegram"


def webhook_bot(settings: Settings) -> Bot:
    """The Bot for calls made inside a request; one connection pool (and TLS setup, 1 MB) for
    both of PTB's, since a webhook never polls."""
    token = settings.telegram_bot_token
    assert token, "the Telegram channel is off"
    base_url, base_file_url = api_urls(settings)
    request = HTTPXRequest()
    return LimitedBot(
        token,
        base_url=base_url,
        base_file_url=base_file_url,
        request=request,
        get_updates_request=request,
    )


@dataclass
class TelegramChannel:
    """The channel as the web app holds it: the Bot, the handlers, the secret."""

    bot: Bot
    handlers: TelegramHandlers
    secret: str | None
    started: bool = False
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def ensure_started(self) -> bool:
        """Initialize the Bot once (getMe); False while the Bot API is unreachable."""
        if self.started:
            return True
        async with self._lock:
            if not self.started:
                try:
                    await self.bot.initialize()
                except TelegramError as exc:
                    log.warning(
                        "Telegram Bot API unreachable (%s); will retry on the next update.",
                        type(exc).__name__,
                    )
                    with contextlib.suppress(TelegramError, RuntimeError):
                        await self.bot.shutdown()
                    return False
                self.started = True
        return True

    async def stop(self) -> None:
        """Close the Bot's connections (lifespan end)."""
        if self.started:
            await self.bot.shutdown()
            self.started = False


async def start_channel(runtime: Runtime) -> TelegramChannel | None:
    """For the web app's lifespan: the running channel, or None (logged once) when it is off."""
    settings = runtime.settings
    if not settings.telegram_bot_token:
        log.info("Telegram channel is off: TELEGRAM_BOT_TOKEN is not set.")
        return None
    if not settings.telegram_webhook_secret:
        log.warning("TELEGRAM_WEBHOOK_SECRET is not set: Telegram webhook calls are refused.")
    handlers = TelegramHandlers(runtime)
    handlers.webhook = True
    channel = TelegramChannel(webhook_bot(settings), handlers, settings.telegram_webhook_secret)
    await channel.ensure_started()
    return channel
