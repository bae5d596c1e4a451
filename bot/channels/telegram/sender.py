"""The outbox's Telegram sender: a PTB `Bot` on TELEGRAM_API_BASE_URL, without PTB's own retries.

The outbox owns retries, so the `Bot` has no rate limiter and every error is classified instead.
A row's `extra` (see `replies.Part`) makes it a message with buttons, a document, or new buttons
on a message already in the chat.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, InputFile, Message
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.request import HTTPXRequest

from bot.channels.telegram import api_urls
from bot.channels.telegram.limits import retry_seconds
from bot.channels.telegram.replies import DEFAULT_FILENAME
from bot.core.config import Settings
from bot.delivery import Outcome, Outgoing, Permanent, Retry, Sent

# What Telegram says when new buttons are the ones the message has: nothing to change.
NOT_MODIFIED = "not modified"


class TelegramSender:
    """Sends outbox messages through the Bot API."""

    def __init__(self, settings: Settings) -> None:
        assert settings.telegram_bot_token, "the Telegram channel is off"
        base_url, base_file_url = api_urls(settings)
        # One connection pool (and TLS setup, 1 MB) for both of PTB's: the outbox never polls.
        request = HTTPXRequest()
        self.bot = Bot(
            settings.telegram_bot_token,
            base_url=base_url,
            base_file_url=base_file_url,
            request=request,
            get_updates_request=request,
        )
        self._ready = False

    async def send(self, message: Outgoing) -> Outcome:
        """One call; 429 honours retry_after, timeouts and 5xx retry, 403/400 are final."""
        try:
            if not self._ready:
                await self.bot.initialize()
                self._ready = True
            return Sent(str(await self._call(message)))
        except RetryAfter as exc:
            return Retry("429", retry_seconds(exc))
        except Forbidden:
            return Permanent("blocked", blocked=True)
        except BadRequest:
            return Permanent("bad_request")
        except NetworkError:  # timeouts, 5xx and connection errors
            return Retry("network")
        except TelegramError:
            return Permanent("telegram_error")

    async def _call(self, message: Outgoing) -> int:
        """The message id of what was sent (or changed)."""
        chat_id = int(message.address)
        extra: Mapping[str, Any] = message.extra or {}
        markup = (
            InlineKeyboardMarkup.de_json(extra["markup"], self.bot) if extra.get("markup") else None
        )
        if "edit" in extra:
            edited = await self._edit(chat_id, int(extra["edit"]), markup, message)
            if edited is not None:
                return edited
        if "document" in extra:
            document = InputFile(
                base64.b64decode(extra["document"]),
                filename=str(extra.get("filename") or DEFAULT_FILENAME),
            )
            sent: Message = await self.bot.send_document(
                chat_id, document, caption=message.text or None, protect_content=True
            )
            return sent.message_id
        sent = await self.bot.send_message(
            chat_id,
            message.text,
            reply_markup=markup,
            protect_content=True if message.sensitive else None,
        )
        return sent.message_id

    async def _edit(
        self,
        chat_id: int,
        message_id: int,
        markup: InlineKeyboardMarkup | None,
        message: Outgoing,
    ) -> int | None:
        """New buttons on a message; None when it cannot be changed and its text is to be sent
        as a new message instead."""
        try:
            await self.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=markup)
        except BadRequest as exc:
            if NOT_MODIFIED in str(exc).lower():
                return message_id
            if message.text:  # too old or gone: the question is asked again below
                return None
            raise
        return message_id

    async def close(self) -> None:
        if self._ready:
            await self.bot.shutdown()
            self._ready = False
