"""Rendering outbound messages for SMS (numbered text, GSM-7, 3 segments a message) and WhatsApp
(quick-reply buttons, list pickers, numbered text)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from bot.channels.text import numbered
from bot.channels.twilio import gsm7
from bot.conversation.messages import Option, OutboundMessage

SMS_MAX_SEGMENTS = 3
WHATSAPP_MAX_CHARS = 1600
# Interactive bodies are capped at 1,024 characters by WhatsApp; keep a margin.
INTERACTIVE_BODY_MAX = 1000
BUTTON_MAX = 3
BUTTON_TITLE_MAX = 20
LIST_MAX = 10
LIST_ITEM_MAX = 24
LIST_DESCRIPTION_MAX = 72
LIST_BUTTON_MAX = 20
ELLIPSIS = "…"

# Where a line may be split: the space after a sentence's end (not after a list number "13.").
_SENTENCE_END = re.compile(r"(?<=[^\d\s][.!?;:])\s+")


def split_text(text: str, fits: Callable[[str], bool]) -> list[str]:
    """Split `text` into parts that each `fits`: between lines first, then between sentences,
    then between words."""
    text = text.strip()
    if not text:
        return []
    if fits(text):
        return [text]
    return _pack(text.split("\n"), "\n", fits, _split_line)


def _split_line(line: str, fits: Callable[[str], bool]) -> list[str]:
    return _pack(_SENTENCE_END.split(line), " ", fits, _split_words)


def _pack(
    atoms: list[str],
    joiner: str,
    fits: Callable[[str], bool],
    finer: Callable[[str, Callable[[str], bool]], list[str]],
) -> list[str]:
    """Greedily join atoms while the result fits; an atom too big alone is split finer."""
    parts: list[str] = []
    current: str | None = None
    for atom in atoms:
        candidate = atom if current is None else current + joiner + atom
        if fits(candidate.strip()):
            current = candidate
            continue
        if current is not None and current.strip():
            parts.append(current.strip())
        current = None
        if fits(atom.strip()):
            current = atom
        elif atom.strip():
            parts += finer(atom.strip(), fits)
    if current is not None and current.strip():
        parts.append(current.strip())
    return parts


def _split_words(text: str, fits: Callable[[str], bool]) -> list[str]:
    """A sentence too long on its own: split between words, or inside a word as a last resort."""
    parts: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if fits(candidate):
            current = candidate
            continue
        if current:
            parts.append(current)
        current = word
        while not fits(current):
            cut = len(current) - 1
            while cut > 1 and not fits(current[:cut]):
                cut -= 1
            parts.append(current[:cut])
            current = current[cut:]
    if current:
        parts.append(current)
    return parts


# -- TwiML ----------------------------------------------------------------------------------

# Written as Twilio's `MessagingResponse` writes it, without building an ElementTree per answer.
_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
EMPTY_TWIML = _XML_DECLARATION + "<Response />"
# XML 1.0 cannot carry most control characters; TwiML bodies drop them.
_XML_SAFE = {i: None for i in range(32) if chr(i) not in "\n\t"}


def twiml(bodies: Sequence[str]) -> str:
    """`<Response>` with one `<Message>` per body (text escaped as ElementTree escapes it)."""
    if not bodies:
        return EMPTY_TWIML
    return f"{_XML_DECLARATION}<Response>{''.join(map(_message, bodies))}</Response>"


def _message(body: str) -> str:
    text = escape(body.translate(_XML_SAFE))
    return f"<Message>{text}</Message>" if text else "<Message />"


# -- SMS -------------------------------------------------------------------------------------


def sms_texts(messages: Sequence[OutboundMessage], *, fold: bool) -> list[str]:
    """One reply as SMS bodies: numbered options, folded to GSM-7, each at most 3 segments.

    The reply's messages are joined first so that short ones share segments.
    """
    text = "\n\n".join(numbered(message) for message in messages)
    if fold:
        text = gsm7.fold(text)
    return split_text(text, lambda part: gsm7.segments(part) <= SMS_MAX_SEGMENTS)


# -- WhatsApp --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlainText:
    """A plain WhatsApp message."""

    body: str


@dataclass(frozen=True)
class QuickReply:
    """Up to three buttons: (payload id, title)."""

    body: str
    actions: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ListPicker:
    """Up to ten rows behind a button: (payload id, row title, description)."""

    body: str
    button: str
    items: tuple[tuple[str, str, str], ...]


WhatsAppPart = PlainText | QuickReply | ListPicker


def shorten(label: str, limit: int) -> str:
    """The label cut to `limit` characters with an ellipsis, at a word boundary when sensible."""
    label = " ".join(label.split())
    if len(label) <= limit:
        return label
    cut = label[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:") + ELLIPSIS


def payload_id(step_id: str | None, option: Option) -> str:
    """What a button sends back: `step:code`, so the engine can tell a stale button."""
    return f"{step_id}:{option.code}" if step_id else option.code


def _unique_titles(options: Sequence[Option], limit: int) -> list[str]:
    """Shortened titles, made distinct (WhatsApp rejects duplicate button titles)."""
    titles: list[str] = []
    for number, option in enumerate(options, 1):
        title = shorten(option.label, limit)
        if title in titles:
            title = shorten(f"{number}. {option.label}", limit)
        titles.append(title)
    return titles


def whatsapp_parts(message: OutboundMessage, list_button: str) -> list[WhatsAppPart]:
    """One message as WhatsApp parts: buttons (<=3 options), a list (<=10) or numbered text."""
    options = message.options
    if not options or len(options) > LIST_MAX:
        text = numbered(message)
        return [
            PlainText(part)
            for part in split_text(text, lambda part: len(part) <= WHATSAPP_MAX_CHARS)
        ]
    # The interactive body is the message's last part; what does not fit goes before it.
    chunks = split_text(message.text, lambda part: len(part) <= INTERACTIVE_BODY_MAX) or ["…"]
    parts: list[WhatsAppPart] = [PlainText(chunk) for chunk in chunks[:-1]]
    body = chunks[-1]
    if len(options) <= BUTTON_MAX:
        titles = _unique_titles(options, BUTTON_TITLE_MAX)
        actions = tuple(
            (payload_id(message.step_id, o), title)
            for o, title in zip(options, titles, strict=True)
        )
        parts.append(QuickReply(body, actions))
    else:
        titles = _unique_titles(options, LIST_ITEM_MAX)
        items = tuple(
            (
                payload_id(message.step_id, o),
                title,
                shorten(o.label, LIST_DESCRIPTION_MAX) if title != o.label else "",
            )
            for o, title in zip(options, titles, strict=True)
        )
        parts.append(ListPicker(body, shorten(list_button, LIST_BUTTON_MAX), items))
    return parts
