"""What each channel can do: the one table every layer asks.

Adding a channel means one row here; code asks a capability (`can_push`, `can_erase`, ...),
never a hand-kept set of channel names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class Capabilities:
    """One channel's abilities."""

    code: str
    name: str  # how people call it, in any language (a brand, not translated)
    erasable: bool  # the bot can later erase its messages from the person's screen
    push: bool  # Camino can send to it unprompted (notices, digests, reminders, talk back)
    pull: bool  # the person comes back to read news: Camino never writes to it first
    documents: bool  # a complaint document (PDF) can be sent in the chat
    buttons: bool = False  # every option is a button to press: nothing to type by number
    locations: bool = False  # the person can share a location from the chat
    metered: bool = False  # every message is paid by its length: nothing long is sent twice


CHANNELS: Mapping[str, Capabilities] = MappingProxyType(
    {
        row.code: row
        for row in (
            Capabilities(
                "telegram",
                "Telegram",
                erasable=True,
                push=True,
                pull=False,
                documents=True,
                buttons=True,
                locations=True,
            ),
            Capabilities(
                "sms", "SMS", erasable=False, push=True, pull=False, documents=False, metered=True
            ),
            Capabilities(
                "whatsapp",
                "WhatsApp",
                erasable=False,
                push=True,
                pull=False,
                documents=False,
                locations=True,
            ),
            Capabilities(
                "web", "Web", erasable=True, push=False, pull=True, documents=False, buttons=True
            ),
            Capabilities(
                "console", "console", erasable=True, push=False, pull=False, documents=False
            ),
        )
    }
)
# An unknown channel can do nothing: no pushes, no erasing, nothing sent.
NOTHING = Capabilities("", "", erasable=False, push=False, pull=False, documents=False)


def capabilities(channel: str) -> Capabilities:
    """This channel's row (an unknown channel can do nothing)."""
    return CHANNELS.get(channel, NOTHING)


def can_push(channel: str) -> bool:
    """Whether Camino can send to this channel unprompted."""
    return capabilities(channel).push


def can_erase(channel: str) -> bool:
    """Whether the bot can later erase its messages from this channel's screen."""
    return capabilities(channel).erasable


def pulls_news(channel: str) -> bool:
    """Whether the person comes back to this channel to read (the web chat)."""
    return capabilities(channel).pull


def can_send_documents(channel: str) -> bool:
    """Whether a complaint document can be sent in this channel's chat."""
    return capabilities(channel).documents


def display_name(channel: str) -> str:
    """The channel's name as people know it (its code when unknown)."""
    return capabilities(channel).name or channel


# For SQL filters (`Contact.channel.in_(PULL_CHANNELS)`).
PULL_CHANNELS = frozenset(code for code, row in CHANNELS.items() if row.pull)


def is_metered(channel: str) -> bool:
    """Whether each message is paid by its length (SMS segments)."""
    return capabilities(channel).metered


def has_buttons(channel: str) -> bool:
    """Whether every option shows as a button (so no one need type an option's number)."""
    return capabilities(channel).buttons


def shares_locations(channel: str) -> bool:
    """Whether the person can share a location from this channel's chat."""
    return capabilities(channel).locations
