"""Downloading the attachments of an inbound message with the account's credentials.

Only allowed types are fetched (bot.conversation.media's rules), and a download stops as soon
as it passes the size cap, so a large video never fills memory.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

import httpx

from bot.channels.twilio.parse import MediaRef
from bot.channels.twilio.rest import rewrite_url
from bot.conversation.media import declared_type_allowed
from bot.conversation.messages import Media

log = logging.getLogger(__name__)

TIMEOUT = 10.0
_EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "audio/ogg": "ogg",
    "audio/mpeg": "mp3",
    "audio/amr": "amr",
    "application/pdf": "pdf",
    "image/webp": "webp",
}

MediaFailure = Literal["unsupported", "too_large", "unavailable"]


@dataclass(frozen=True)
class Download:
    """One attachment: the file, or why it could not be fetched."""

    media: Media | None
    failure: MediaFailure | None = None


def allowed_type(content_type: str) -> bool:
    """Whether Camino keeps files of this declared type (images, audio, PDF)."""
    return declared_type_allowed(content_type)


def _trusted(url: str, base_url: str | None) -> bool:
    """Credentials go only to Twilio (or the configured stand-in), never to another host."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "twilio.com" or host.endswith(".twilio.com"):
        return True
    return bool(base_url) and host == (urlsplit(base_url or "").hostname or "").lower()


async def download(
    client: httpx.AsyncClient,
    ref: MediaRef,
    *,
    auth: tuple[str, str],
    base_url: str | None,
    max_bytes: int,
    index: int,
) -> Download:
    """Fetch one attachment, streaming and giving up past `max_bytes`."""
    if not allowed_type(ref.content_type):
        return Download(None, "unsupported")
    url = rewrite_url(ref.url, base_url)
    try:
        async with client.stream(
            "GET",
            url,
            auth=auth if _trusted(url, base_url) else None,
            follow_redirects=True,
            timeout=TIMEOUT,
        ) as response:
            if response.status_code != 200:
                log.warning("twilio media unavailable", extra={"status": response.status_code})
                return Download(None, "unavailable")
            declared = response.headers.get("content-length", "")
            if declared.isdecimal() and int(declared) > max_bytes:
                return Download(None, "too_large")
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    return Download(None, "too_large")
                chunks.append(chunk)
    except httpx.HTTPError as exc:
        log.warning("twilio media unavailable", extra={"error": type(exc).__name__})
        return Download(None, "unavailable")
    base_type = ref.content_type.split(";")[0].strip()
    name = f"attachment-{index + 1}.{_EXTENSIONS.get(base_type, 'bin')}"
    return Download(Media(content_type=ref.content_type, data=b"".join(chunks), filename=name))
