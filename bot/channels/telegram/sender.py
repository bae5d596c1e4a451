"""The outbox's Telegram sender: a PTB `Bot` on TELEGRAM_API_BASE_URL, without PTB's own retries.

The channel's Application retries 429s by itself; here the outbox owns retries, so the `Bot` has
no rate limiter and every error is classified instead.
"""

from __future__ import annotations

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.channels.telegram import api_urls
from bot.core.config import Settings
from bot.delivery import Outcome, Outgoing, Permanent, Retry, Sent


class TelegramSender:
    """Sends outbox messages through the Bot API."""

    def __init__(self, settings: Settings) -> None:
        assert settings.telegram_bot_token, "the Telegram channel is off"
        base_url, base_file_url = api_urls(settings)
        self.bot = Bot(settings.telegram_bot_token, base_url=base_url, base_file_url=base_file_url)
        self._ready = False

    async def send(self, message: Outgoing) -> Outcome:
        """sendMessage; 429 honours retry_after, timeouts and 5xx retry, 403/400 are final."""
        try:
            if not self._ready:
                await self.bot.initialize()
                self._ready = True
            sent = await self.bot.send_message(
                chat_id=int(message.address),
                text=message.text,
                protect_content=message.sensitive,
            )
        except RetryAfter as exc:
            after = exc.retry_after
            return Retry(
                "429", float(after.total_seconds() if hasattr(after, "total_seconds") else after)
            )
        except Forbidden:
            return Permanent("blocked", blocked=True)
        except BadRequest:
            return Permanent("bad_request")
        except NetworkError:  # timeouts, 5xx and connection errors
            return Retry("network")
        except TelegramError:
            return Permanent("telegram_error")
        return Sent(str(sent.message_id))

    async def close(self) -> None:
        if self._ready:
            await self.bot.shutdown()
            self._ready = False
