"""Channel-neutral messages: what a channel adapter hands the engine, and what it gets back.

Data flows one way: a provider request becomes an `InboundEvent`, the engine answers with
`OutboundMessage`s, and the same adapter renders and sends them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class Media:
    """An attachment the person sent, already downloaded by the channel adapter."""

    content_type: str
    data: bytes
    filename: str | None = None


@dataclass(frozen=True)
class Location:
    """A point the person shared (Telegram or WhatsApp location)."""

    latitude: float
    longitude: float


@dataclass(frozen=True)
class InboundEvent:
    """One thing a person did: typed text, pressed a button, sent media or a location.

    `choice` and `step_id` come together from a button press: the adapter passes the step the
    button belonged to, and the engine re-asks the current question when it is stale.
    `command` is a channel command without its slash (Telegram `/start`, `/erase`...);
    `payload` is what followed it (a deep-link parameter). `contact` is the phone number of a
    shared contact card: an answer only where a phone number is asked for.
    """

    text: str | None = None
    choice: str | None = None
    step_id: str | None = None
    media: tuple[Media, ...] = ()
    location: Location | None = None
    command: str | None = None
    payload: str | None = None
    language_hint: str | None = None
    contact: str | None = None


@dataclass(frozen=True)
class Option:
    """One answer a person can pick: a stable code and its label in the person's language."""

    code: str
    label: str


OutboundKind = Literal["prompt", "info", "error", "urgent", "summary", "receipt", "pin"]


@dataclass(frozen=True)
class OutboundMessage:
    """One message for the person, already translated.

    `options` render as buttons where the channel has them and as a numbered list elsewhere;
    `multiple` means several may be picked. `step_id` lets a channel tie buttons to the question.
    `sensitive` marks text that repeats personal details: Telegram sends it with
    `protect_content`, and channels that cannot erase messages should avoid keeping it.
    `input_hint` says what kind of answer is expected ("text", "media", "location"...), so a web
    page can show a text box or a file field. `document` is a file sent with the text as its
    caption (the complaint PDF); only channels that can protect it from forwarding get one.
    """

    text: str
    options: tuple[Option, ...] = ()
    multiple: bool = False
    step_id: str | None = None
    kind: OutboundKind = "prompt"
    sensitive: bool = False
    input_hint: str | None = None
    extra_words: tuple[str, ...] = field(default=())
    document: Media | None = None
