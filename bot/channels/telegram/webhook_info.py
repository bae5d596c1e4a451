"""What Telegram says about the registered webhook (`getWebhookInfo`), for `camino doctor`."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from telegram import Bot
from telegram.error import TelegramError

from bot.channels.telegram import api_urls
from bot.core.config import Settings


class WebhookInfoUnavailable(RuntimeError):
    """Telegram could not be asked; the message is one sentence without the token."""


@dataclass(frozen=True)
class WebhookState:
    """The parts of WebhookInfo an operator acts on (the secret token is never returned)."""

    url: str
    pending_updates: int
    last_error_date: datetime | None
    last_error_message: str | None


def webhook_state(settings: Settings, timeout: float = 15.0) -> WebhookState:
    """Ask Telegram for the bot's webhook (getWebhookInfo)."""
    token = settings.telegram_bot_token
    if not token:
        raise WebhookInfoUnavailable("TELEGRAM_BOT_TOKEN is not set.")
    return asyncio.run(_fetch(token, settings, timeout))


async def _fetch(token: str, settings: Settings, timeout: float) -> WebhookState:
    base_url, base_file_url = api_urls(settings)
    try:
        async with Bot(token, base_url=base_url, base_file_url=base_file_url) as bot:
            info = await bot.get_webhook_info(read_timeout=timeout, connect_timeout=timeout)
    except TelegramError as exc:  # its message never carries the token
        raise WebhookInfoUnavailable(f"Telegram did not answer getWebhookInfo: {exc}") from exc
    return WebhookState(
        url=info.url or "",
        pending_updates=info.pending_update_count,
        last_error_date=info.last_error_date,
        last_error_message=info.last_error_message,
    )
