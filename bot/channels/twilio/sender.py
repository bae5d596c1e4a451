"""The outbox's SMS and WhatsApp sender: the Twilio SDK client the channel builds (with its
redirecting HTTP client for TWILIO_API_BASE_URL), called in a thread because the SDK blocks.

It is also the outbox's `SentLookup`: after a crash, `find_sent` lists the messages sent to the
number since the row was claimed and matches the text by its SHA-256, so a send that Twilio
accepted is recorded with its SID instead of being sent again.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from twilio.base.exceptions import TwilioRestException

from bot.channels.twilio import STATUS_PATH
from bot.channels.twilio.parse import WHATSAPP_PREFIX
from bot.channels.twilio.rest import OPT_OUT_ERROR, TwilioRest
from bot.core.config import Settings
from bot.delivery import Outcome, Outgoing, Permanent, Retry, Sent, body_digest

log = logging.getLogger(__name__)

# Twilio errors that no retry can fix: invalid or unreachable numbers, blocked, not WhatsApp.
PERMANENT_CODES = frozenset({21211, 21214, 21408, 21610, 21612, 21614, 63003, 63024})
# How many recent messages to one number a lookup reads (a crash leaves one row in flight).
LOOKUP_LIMIT = 50


class TwilioSender:
    """Sends one channel's (sms or whatsapp) outbox messages."""

    def __init__(self, settings: Settings, kind: str, rest: TwilioRest | None = None) -> None:
        assert settings.twilio_account_sid and settings.twilio_auth_token
        self.kind = kind
        self.rest = rest or TwilioRest(
            settings.twilio_account_sid, settings.twilio_auth_token, settings.twilio_api_base_url
        )
        source = settings.twilio_whatsapp_from if kind == "whatsapp" else settings.twilio_sms_from
        assert source, f"the {kind} channel is off"
        if kind == "whatsapp" and not source.startswith(WHATSAPP_PREFIX):
            source = WHATSAPP_PREFIX + source
        self.from_ = source
        self.callback = settings.public_url.rstrip("/") + STATUS_PATH

    def _to(self, address: str) -> str:
        return WHATSAPP_PREFIX + address if self.kind == "whatsapp" else address

    def _create(self, message: Outgoing) -> Outcome:
        kwargs: dict[str, Any] = {
            "to": self._to(message.address),
            "from_": self.from_,
            "status_callback": self.callback,
        }
        if message.content_sid:
            kwargs["content_sid"] = message.content_sid
            kwargs["content_variables"] = json.dumps(message.variables or {})
        else:
            kwargs["body"] = message.text
        try:
            created = self.rest.client.messages.create(**kwargs)
        except TwilioRestException as exc:
            return classify(exc.status, exc.code)
        except Exception as exc:  # connection errors and timeouts: the request may be retried
            log.warning("twilio outbox send failed", extra={"error": type(exc).__name__})
            return Retry("network")
        return Sent(str(created.sid))

    async def send(self, message: Outgoing) -> Outcome:
        """Messages.create in a worker thread."""
        return await asyncio.to_thread(self._create, message)

    def find_sent(self, message: Outgoing, since: datetime, exclude: frozenset[str]) -> str | None:
        """The SID of a message with this text that Twilio accepted for this number since then.

        First the messages sent since `since` (`DateSent>`); then, when none matches, the
        newest ones without that filter, because a message Twilio accepted but has not sent
        yet has no send date. Errors propagate: nothing can be concluded from a failed lookup.
        """
        wanted = body_digest(message.text)
        after = since.astimezone(UTC)
        to = self._to(message.address)
        messages = self.rest.client.messages
        listings: tuple[Any, ...] = (
            lambda: messages.list(
                to=to, from_=self.from_, date_sent_after=after, limit=LOOKUP_LIMIT
            ),
            lambda: messages.list(to=to, from_=self.from_, limit=LOOKUP_LIMIT),
        )
        for listing in listings:
            found = _matching(listing(), wanted, after, exclude)
            if found is not None:
                return found
        return None

    async def close(self) -> None:
        """Nothing to release: the SDK's session closes with the process."""


def _matching(
    listed: Iterable[Any], wanted: bytes, after: datetime, exclude: frozenset[str]
) -> str | None:
    """The first listed message created since `after` whose text hashes to `wanted`."""
    for found in listed:
        sid = str(found.sid)
        if sid in exclude or found.body is None:
            continue
        created = found.date_created
        if isinstance(created, datetime) and created < after:
            continue
        if hmac.compare_digest(body_digest(str(found.body)), wanted):
            return sid
    return None


def classify(status: int, code: int | None) -> Outcome:
    """A Twilio REST error as an outbox verdict."""
    if code == OPT_OUT_ERROR:
        return Permanent(str(code), opted_out=True)
    if status == 429 or status >= 500:
        return Retry(str(code or status))
    if code in PERMANENT_CODES or 400 <= status < 500:
        return Permanent(str(code or status))
    return Retry(str(code or status))
