"""The console channel: `camino chat` talks to the bot on stdin/stdout, so it can be scripted."""

from __future__ import annotations

import secrets
from typing import TextIO

from bot.channels.text import numbered
from bot.conversation.messages import InboundEvent
from bot.intake.service import Conversations
from bot.store.contacts import Sender

CHANNEL = "console"


def run_console(
    conversations: Conversations,
    stdin: TextIO,
    stdout: TextIO,
    *,
    language: str | None = None,
    session: str | None = None,
) -> int:
    """Talk until stdin ends; each line is one message. Returns the number of lines read."""
    sender = Sender(CHANNEL, session or secrets.token_hex(16))
    reply = conversations.handle(sender, InboundEvent(language_hint=language))
    _print(reply, stdout)
    count = 0
    for line in stdin:
        count += 1
        reply = conversations.handle(sender, InboundEvent(text=line.rstrip("\r\n")))
        _print(reply, stdout)
    return count


def _print(reply: object, stdout: TextIO) -> None:
    messages = getattr(reply, "messages", [])
    for message in messages:
        stdout.write(numbered(message) + "\n\n")
    stdout.write("> ")
    stdout.flush()
