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
from bot.channels.twilio.urls import rewrite_url
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


# Where Twilio keeps inbound media: the API host (asked with the account's credentials), and
# the media CDN hosts it redirects to (asked without them). `TWILIO_API_BASE_URL`'s origin
# stands in for the API host in tests.
API_HOST = "api.twilio.com"
MEDIA_HOSTS = frozenset({"mms.twiliocdn.com", "media.twiliocdn.com"})
# Older media lived in an S3 bucket named after the CDN host, reached by this host and path.
S3_HOST, S3_PREFIX = "s3-external-1.amazonaws.com", "/media.twiliocdn.com/"
MAX_REDIRECTS = 3
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or {"https": 443, "http": 80}.get(scheme)
    except ValueError:
        return scheme, "", None
    return scheme, (parts.hostname or "").lower(), port


def is_api(url: str, base_url: str | None) -> bool:
    """Whether `url` is Twilio's API itself (https, port 443), or the configured stand-in:
    the only place the account's credentials are sent."""
    if base_url:
        return _origin(url) == _origin(base_url)
    return _origin(url) == ("https", API_HOST, 443)


def is_media_host(url: str, base_url: str | None) -> bool:
    """Whether `url` may be fetched at all: the API, or Twilio's media CDN over https."""
    if is_api(url, base_url):
        return True
    scheme, host, port = _origin(url)
    if scheme != "https" or port != 443:
        return False
    return host in MEDIA_HOSTS or (host == S3_HOST and urlsplit(url).path.startswith(S3_PREFIX))


async def download(
    client: httpx.AsyncClient,
    ref: MediaRef,
    *,
    auth: tuple[str, str],
    base_url: str | None,
    max_bytes: int,
    index: int,
) -> Download:
    """Fetch one attachment, streaming and giving up past `max_bytes`.

    The MediaUrl must be Twilio's API (credentials go there and nowhere else); each redirect
    is followed by hand, only to Twilio's media hosts, without credentials. Anything else is
    refused and logged without its URL.
    """
    if not allowed_type(ref.content_type):
        return Download(None, "unsupported")
    url = rewrite_url(ref.url, base_url)
    if not is_api(url, base_url):
        log.warning("twilio media refused", extra={"reason": "not_twilio_api"})
        return Download(None, "unavailable")
    try:
        for _hop in range(MAX_REDIRECTS + 1):
            async with client.stream(
                "GET",
                url,
                auth=auth if is_api(url, base_url) else None,
                follow_redirects=False,
                timeout=TIMEOUT,
            ) as response:
                if response.status_code in _REDIRECTS:
                    url = str(response.url.join(response.headers.get("location", "")))
                    if not is_media_host(url, base_url):
                        log.warning("twilio media refused", extra={"reason": "redirect"})
                        return Download(None, "unavailable")
                    continue
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
                break
        else:
            log.warning("twilio media refused", extra={"reason": "too_many_redirects"})
            return Download(None, "unavailable")
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        log.warning("twilio media unavailable", extra={"error": type(exc).__name__})
        return Download(None, "unavailable")
    base_type = ref.content_type.split(";")[0].strip()
    name = f"attachment-{index + 1}.{_EXTENSIONS.get(base_type, 'bin')}"
    return Download(Media(content_type=ref.content_type, data=b"".join(chunks), filename=name))
