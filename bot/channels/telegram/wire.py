"""Pure pieces of the Telegram wire format: button data, commands, keyboards, long texts."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import Contact, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot.conversation.media import megabytes as megabytes
from bot.conversation.messages import InboundEvent, OutboundMessage
from bot.conversation.parsers import normalize
from bot.core import i18n

# Telegram's limits (Bot API): callback data bytes, text characters per message.
CALLBACK_DATA_MAX = 64
TEXT_MAX = 4096
DELETE_BATCH = 100

ERASE_COMMAND = "erase"
ERASE_YES = "erase:yes"
ERASE_NO = "erase:no"
# The word for "erase" in each supported language, typed instead of /erase.
ERASE_WORDS = frozenset({"borrar", "erase", "effacer", "efase"})
# What a press that cannot be read becomes: a stale press, which the engine re-asks.
FORGED_STEP = "_forged"
# An option whose code is too long for callback data is sent as its number, typed.
NUMBER_PREFIX = "#:"
NUMBER_STEP = "#"

# The kinds of update Camino's handlers take (`route`).
PRIVATE_MESSAGE = "private_message"
GROUP_COMMAND = "group_command"
GROUP_TEXT = "group_text"
PRIVATE_EDIT = "private_edit"
PRESS = "press"
PRIVATE = "private"

_TOKEN = re.compile(r"[A-Za-z0-9_\-]{1,48}")
_COMMAND = re.compile(r"/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]{1,64})?(?:\s+(.*))?", re.DOTALL)
# Options whose labels are this short sit two to a row (Sí / No).
SHORT_LABEL = 14
MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class Press:
    """A button press read back from callback data."""

    step_id: str
    choice: str


def encode_press(step_id: str, code: str) -> str | None:
    """Callback data for an option, or None when it would not fit Telegram's 64 bytes."""
    data = f"{step_id}:{code}"
    if len(data.encode()) > CALLBACK_DATA_MAX or not (
        _TOKEN.fullmatch(step_id) and _TOKEN.fullmatch(code)
    ):
        return None
    return data


def decode_press(data: str | None) -> Press:
    """A press from callback data; anything unreadable becomes a press on no current step."""
    if data and data.startswith(NUMBER_PREFIX) and data[len(NUMBER_PREFIX) :].isdecimal():
        return Press(NUMBER_STEP, data[len(NUMBER_PREFIX) :])
    if data:
        step_id, sep, code = data.partition(":")
        if sep and _TOKEN.fullmatch(step_id) and _TOKEN.fullmatch(code):
            return Press(step_id, code)
    return Press(FORGED_STEP, "_")


def route(update: Update) -> str | None:
    """Which handler an update goes to, or None when none takes it. A private chat converses;
    in a group, a command gets one polite line and other text can only acknowledge an alert;
    an edit is answered in a private chat only; every button press goes to the press handler."""
    if update.callback_query is not None:
        return PRESS
    message = update.message
    if message is not None:
        if message.chat.type == PRIVATE:
            return PRIVATE_MESSAGE
        if is_command(message):
            return GROUP_COMMAND
        return GROUP_TEXT if message.text else None
    edited = update.edited_message
    if edited is not None and edited.chat.type == PRIVATE:
        return PRIVATE_EDIT
    return None


def is_command(message: Message) -> bool:
    """Whether a message starts with a /command, as Telegram marks it (its first entity)."""
    entities = message.entities
    return bool(entities) and entities[0].type == "bot_command" and entities[0].offset == 0


def parse_command(text: str | None) -> tuple[str, str | None] | None:
    """`/start abc` -> ("start", "abc"); `/help@CaminoBot` -> ("help", None); else None."""
    if not text:
        return None
    match = _COMMAND.fullmatch(text.strip())
    if match is None:
        return None
    payload = (match.group(2) or "").strip() or None
    return match.group(1).lower(), payload


def is_erase_word(text: str | None) -> bool:
    """True when the person typed the word for erase in any supported language."""
    return bool(text) and normalize(text or "") in ERASE_WORDS


def keyboard(message: OutboundMessage) -> InlineKeyboardMarkup | None:
    """Inline buttons for a message's options (None when it has none)."""
    if not message.options or message.step_id is None:
        return None
    buttons = []
    for number, option in enumerate(message.options, 1):
        data = encode_press(message.step_id, option.code)
        fallback = f"{NUMBER_PREFIX}{number}"
        buttons.append(InlineKeyboardButton(option.label, callback_data=data or fallback))
    short = all(len(option.label) <= SHORT_LABEL for option in message.options)
    width = 2 if short else 1
    rows = [buttons[i : i + width] for i in range(0, len(buttons), width)]
    return InlineKeyboardMarkup(rows)


def split_text(text: str, limit: int = TEXT_MAX) -> list[str]:
    """Split a long text into messages Telegram accepts, on line breaks where possible."""
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        parts.append(rest[:cut])
        rest = rest[cut:].lstrip("\n ")
    parts.append(rest)
    return [part for part in parts if part] or [""]


def chunks(ids: list[int], size: int = DELETE_BATCH) -> list[list[int]]:
    """deleteMessages takes at most 100 ids per call."""
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def press_event(press: Press, language_hint: str | None) -> InboundEvent:
    """The inbound event for a press: a checked choice, or a typed option number."""
    if press.step_id == NUMBER_STEP:
        return InboundEvent(text=press.choice, language_hint=language_hint)
    return InboundEvent(choice=press.choice, step_id=press.step_id, language_hint=language_hint)


def pack(texts: Sequence[tuple[str, bool]], limit: int = TEXT_MAX) -> list[tuple[str, bool]]:
    """Join consecutive texts into as few messages as fit (a message with any sensitive text
    is sensitive): a reply that must go as one message (the webhook's answer)."""
    packed: list[tuple[str, bool]] = []
    for text, sensitive in texts:
        for part in split_text(text, limit):
            if not part.strip():
                continue  # Telegram refuses an empty message
            if packed and len(packed[-1][0]) + 2 + len(part) <= limit:
                previous, protected = packed[-1]
                packed[-1] = (f"{previous}\n\n{part}", protected or sensitive)
            else:
                packed.append((part, sensitive))
    return packed


def contact_number(contact: Contact) -> str:
    """A shared contact card's number as typed text: Telegram often leaves out the "+"."""
    number = contact.phone_number.strip()
    digits = number.replace(" ", "").replace("-", "")
    return f"+{number}" if digits.isdecimal() else number


def is_unkept_file(message: Message) -> bool:
    """Whether a message carries a file of a kind Camino does not keep (video and the like),
    as opposed to content that is no file at all (a sticker, a dice, a poll)."""
    return any(
        getattr(message, kind, None) is not None
        for kind in ("video", "video_note", "animation", "paid_media")
    )


def edit_text(t: i18n.Translate) -> str:
    """The line an edited message gets: edits change nothing, and how to change an answer."""
    return t(
        "Editar un mensaje no cambia su respuesta. Para cambiarla, escriba «atrás» o, al "
        "final, elija «Cambiar una respuesta»."
    )
