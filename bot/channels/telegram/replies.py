"""A reply as the outbox carries it: each Telegram message of it, in order, one row each.

The webhook answers Telegram before any reply goes out: the handlers turn what the engine said
into parts (a text with its buttons, a document, or new buttons on a message already in the
chat) and queue them in the update's order; the delivery worker sends them through `sender.py`,
at most once, a chat's rows one after the other. What has nobody to be queued for (the person
just erased their data; a group chat) goes as the one method Telegram takes in the webhook's
answer (`webhook_method`), whose result nobody sees.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from telegram import CallbackQuery, InlineKeyboardMarkup, Message

from bot.channels.telegram.wire import TEXT_MAX, keyboard, pack, split_text
from bot.conversation.messages import InboundEvent, OutboundMessage

# Telegram's limit on a document's caption, in characters.
CAPTION_MAX = 1024
DEFAULT_FILENAME = "documento.pdf"


@dataclass(frozen=True)
class Part:
    """One Telegram message of a reply: its text, whether it is protected, and `extra` for the
    sender (`markup`: buttons; `document` and `filename`; `edit`: the message whose buttons
    change, `text` then being what is sent instead when that message cannot be changed)."""

    text: str
    sensitive: bool = False
    extra: dict[str, Any] | None = None


def message_parts(message: OutboundMessage) -> list[Part]:
    """A message as Telegram takes it: long texts split, the buttons on the last part; a
    document with its text as caption, always protected (no forwarding, no saving)."""
    document = message.document
    if document is not None:
        extra = {
            "document": base64.b64encode(document.data).decode(),
            "filename": document.filename or DEFAULT_FILENAME,
        }
        return [Part(message.text[:CAPTION_MAX], True, extra)]
    markup = keyboard(message)
    texts = [text for text in split_text(message.text) if text.strip()]
    return [
        Part(text, message.sensitive, _markup(markup) if number == len(texts) - 1 else None)
        for number, text in enumerate(texts)
    ]


def reply_parts(messages: Sequence[OutboundMessage]) -> list[Part]:
    """Every message of a reply, in order."""
    return [part for message in messages for part in message_parts(message)]


def buttons_part(message_id: int, again: OutboundMessage | None = None) -> Part:
    """New buttons on a message already in the chat: `again`'s (a multi-choice question asked
    again with its ✓ marks), or none (an answered question is not pressed again)."""
    if again is None:
        return Part("", extra={"edit": message_id})
    text = split_text(again.text)[-1]
    return Part(text, again.sensitive, {"edit": message_id, **(_markup(keyboard(again)) or {})})


def press_parts(
    pressed: CallbackQuery | None, event: InboundEvent, messages: Sequence[OutboundMessage]
) -> tuple[list[Part], list[OutboundMessage]]:
    """For a button press: new buttons on the pressed message, and what is left to send. A
    multi-choice toggle asks the same question again: its ✓ marks change in place. Any other
    answer removes the answered question's buttons, so an old question is not pressed again."""
    message = pressed.message if pressed is not None else None
    if message is None or not isinstance(message, Message):
        return [], list(messages)
    if len(messages) == 1:
        again = messages[0]
        if again.multiple and again.step_id == event.step_id and again.kind == "prompt":
            return [buttons_part(message.message_id, again)], []
    if message.reply_markup:
        return [buttons_part(message.message_id)], list(messages)
    return [], list(messages)


def _markup(markup: InlineKeyboardMarkup | None) -> dict[str, Any] | None:
    return {"markup": markup.to_dict()} if markup is not None else None


def webhook_method(chat_id: int, parts: Sequence[Part]) -> dict[str, Any] | None:
    """The reply as one sendMessage in the webhook's answer (its texts joined, within
    Telegram's limit; buttons and documents cannot go there); None when it says nothing."""
    texts = [(part.text, part.sensitive) for part in parts if part.text.strip()]
    joined = pack(texts, TEXT_MAX)
    if not joined:
        return None
    text, sensitive = joined[0]
    method: dict[str, Any] = {"method": "sendMessage", "chat_id": chat_id, "text": text}
    if sensitive:
        method["protect_content"] = True
    return method
