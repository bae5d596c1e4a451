"""Telegram group chats: only an organization's on-call staff group is heard, and only to
acknowledge an urgent alert with OK.

Camino converses in private chats only. A message in a group reaches the conversation service
(which sends it to `bot.alerts.take_reply` first and never lets a group converse) only when that
group is a registered on-call destination; every other group is ignored. With Telegram's
privacy mode on (the default for bots), a group's members answer the alert as a reply to it,
or the bot's privacy mode is turned off with BotFather so it reads a plain "OK".
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot, Update
from telegram.error import TelegramError

from bot.alerts import is_on_call
from bot.channels.telegram import CHANNEL
from bot.conversation.messages import InboundEvent
from bot.intake.runtime import Runtime
from bot.store.contacts import Sender

log = logging.getLogger(__name__)


class OnCallGroups:
    """The handler of text in group chats (not commands: see `wire.route`)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def _on_call(self, sender: Sender) -> bool:
        with self.runtime.sessions() as db:
            return is_on_call(db, self.runtime.vault, sender)

    async def on_group_text(self, update: Update, bot: Bot) -> None:
        """A staff group's OK acknowledges an alert; other groups are not read at all."""
        message = update.effective_message
        if message is None or message.text is None:
            return
        sender = Sender(CHANNEL, str(message.chat_id))
        if not await asyncio.to_thread(self._on_call, sender):
            return
        reply = await asyncio.to_thread(
            self.runtime.conversations.handle,
            sender,
            InboundEvent(text=message.text),
            external_id=str(update.update_id),
        )
        for answer in reply.messages if reply is not None else []:
            try:
                await bot.send_message(message.chat_id, answer.text)
            except TelegramError as exc:
                log.info("telegram group answer not sent: %s", type(exc).__name__)
