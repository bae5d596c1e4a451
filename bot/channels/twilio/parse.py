"""Twilio's inbound message webhook form, parsed leniently: every field is optional, unknown ones
are ignored, and what cannot be used is dropped rather than trusted."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from bot.conversation.messages import Location

WHATSAPP_PREFIX = "whatsapp:"
MAX_MEDIA = 10  # Twilio sends at most 10 attachments per message
MAX_ADDRESS = 64
MAX_ID = 128


@dataclass(frozen=True)
class MediaRef:
    """An attachment Twilio holds: where to fetch it and what type it says it is."""

    url: str
    content_type: str


@dataclass(frozen=True)
class TwilioInbound:
    """The fields of an inbound SMS/WhatsApp webhook that Camino uses."""

    message_sid: str | None
    sender: str | None
    body: str | None
    media: tuple[MediaRef, ...]
    location: Location | None
    button_payload: str | None
    button_text: str | None


@dataclass(frozen=True)
class TwilioStatus:
    """A delivery status callback: which message, its new status and Twilio's error code."""

    message_sid: str | None
    status: str | None
    error_code: str | None


def _get(form: Mapping[str, str], name: str, limit: int | None = None) -> str | None:
    value = form.get(name)
    if not isinstance(value, str):
        return None
    value = value.strip() if limit is not None else value
    if limit is not None and (not value or len(value) > limit):
        return None
    return value


def _count(form: Mapping[str, str]) -> int:
    raw = _get(form, "NumMedia", 4)
    if raw is None or not raw.isdecimal():
        return 0
    return min(int(raw), MAX_MEDIA)


def _coordinate(form: Mapping[str, str], name: str, bound: float) -> float | None:
    raw = _get(form, name, 32)
    try:
        value = float(raw) if raw is not None else None
    except ValueError:
        return None
    if value is None or not math.isfinite(value) or abs(value) > bound:
        return None
    return value


def sender_address(raw: str | None, *, whatsapp: bool) -> str | None:
    """The E.164 number from `From` (without `whatsapp:`), or None when it is not one we accept.

    The SMS route refuses WhatsApp senders and the WhatsApp route requires them, so one
    person's two channels never mix.
    """
    if raw is None:
        return None
    if raw.lower().startswith(WHATSAPP_PREFIX) != whatsapp:
        return None
    address = raw[len(WHATSAPP_PREFIX) :] if whatsapp else raw
    address = address.strip()
    if not address or len(address) > MAX_ADDRESS or not address.isprintable():
        return None
    return address


def parse_inbound(form: Mapping[str, str], *, whatsapp: bool) -> TwilioInbound:
    """The inbound webhook's useful fields; never raises on odd input."""
    media = []
    for index in range(_count(form)):
        url = _get(form, f"MediaUrl{index}", 2048)
        content_type = _get(form, f"MediaContentType{index}", 255) or "application/octet-stream"
        if url and url.lower().startswith(("https://", "http://")):
            media.append(MediaRef(url, content_type.lower()))
    latitude = _coordinate(form, "Latitude", 90.0)
    longitude = _coordinate(form, "Longitude", 180.0)
    location = (
        Location(latitude, longitude) if latitude is not None and longitude is not None else None
    )
    payload = _get(form, "ButtonPayload", 256) or _get(form, "ListId", 256)
    button_text = _get(form, "ButtonText", 256) or _get(form, "ListTitle", 256)
    return TwilioInbound(
        message_sid=_get(form, "MessageSid", MAX_ID) or _get(form, "SmsMessageSid", MAX_ID),
        sender=sender_address(
            _get(form, "From", MAX_ADDRESS + len(WHATSAPP_PREFIX)), whatsapp=whatsapp
        ),
        body=_get(form, "Body"),
        media=tuple(media),
        location=location,
        button_payload=payload,
        button_text=button_text,
    )


def parse_status(form: Mapping[str, str]) -> TwilioStatus:
    """A status callback's message id, status and error code."""
    status = _get(form, "MessageStatus", 32) or _get(form, "SmsStatus", 32)
    return TwilioStatus(
        message_sid=_get(form, "MessageSid", MAX_ID) or _get(form, "SmsSid", MAX_ID),
        status=status.lower() if status else None,
        error_code=_get(form, "ErrorCode", 16),
    )


def split_payload(payload: str) -> tuple[str | None, str]:
    """`step:code` -> (step, code); a payload without a step is just a code."""
    step, separator, code = payload.partition(":")
    if separator and step and code:
        return step, code
    return None, payload
