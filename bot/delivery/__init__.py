"""Per-channel senders for the outbox: one message out, and a verdict the outbox acts on.

A sender never decides about retries itself; it classifies what the provider answered:
`Sent` (with the provider's id), `Retry` (timeouts, 429 with its retry_after, 5xx) or
`Permanent` (opt-outs, blocks, bad addresses).

A sender that can also tell whether the provider accepted a message (Twilio lists what it
sent) implements `SentLookup`; the outbox uses it to settle a send that was in flight when a
process died, instead of giving up on it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True)
class Outgoing:
    """What to send: the address (decrypted just for this call), text or a template.

    `extra` is what a channel's sender reads besides the text (on Telegram: buttons, a
    document, or the message whose buttons change); the outbox stores it encrypted, unread.
    """

    address: str
    text: str
    content_sid: str | None = None
    variables: dict[str, str] | None = None
    sensitive: bool = False
    extra: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Sent:
    """The provider accepted the message."""

    provider_id: str


@dataclass(frozen=True)
class Retry:
    """Try again later (after `after` seconds when the provider said so)."""

    code: str
    after: float | None = None


@dataclass(frozen=True)
class Permanent:
    """Never retry. `opted_out`: the person opted out (SMS STOP); `blocked`: blocked the bot."""

    code: str
    opted_out: bool = False
    blocked: bool = False


Outcome = Sent | Retry | Permanent


class ChannelSender(Protocol):
    """One channel's sender, as the outbox worker uses it."""

    async def send(self, message: Outgoing) -> Outcome:
        """Send one message and classify the answer."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


@runtime_checkable
class SentLookup(Protocol):
    """A provider that can be asked what it accepted (blocking: called in a worker thread)."""

    def find_sent(self, message: Outgoing, since: datetime, exclude: frozenset[str]) -> str | None:
        """The id of a message with this text to this address accepted since `since` (ids in
        `exclude` are already accounted for), or None when there is none.

        Raises when the provider cannot be asked: the caller must not conclude anything then.
        """
        ...


def body_digest(text: str) -> bytes:
    """SHA-256 of a message text, line endings unified: what in-flight lookups compare."""
    return hashlib.sha256(text.replace("\r\n", "\n").strip().encode()).digest()
