"""What evidence Camino accepts: the same types and caps on every channel.

The type a phone declares is not trusted alone: where the bytes are recognisable, they must be
an allowed type too (an SVG or HTML file declared as a photo is refused).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import filetype

from bot.conversation.messages import Media

MediaProblem = Literal["too_large", "unsupported", "empty"]

# Photos, voice notes (WhatsApp and Telegram send Ogg/Opus), audio, and PDF documents.
# No video: too heavy for a cheap phone's data plan and the 5 MB cap. No SVG: it can carry script.
ALLOWED_TYPES = frozenset(
    {
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/webp",
        "image/heic",
        "image/heif",
        "audio/ogg",
        "audio/opus",
        "audio/mpeg",
        "audio/mp3",
        "audio/mp4",
        "audio/x-m4a",
        "audio/m4a",
        "audio/aac",
        "audio/amr",
        "audio/wav",
        "audio/x-wav",
        "audio/webm",
        "audio/3gpp",
        "audio/flac",
        "audio/x-flac",
        "application/pdf",
    }
)


def base_type(content_type: str) -> str:
    """`audio/ogg; codecs=opus` -> `audio/ogg`."""
    return content_type.split(";")[0].strip().lower()


def declared_type_allowed(content_type: str) -> bool:
    """Whether a declared MIME type may be downloaded at all."""
    return base_type(content_type) in ALLOWED_TYPES


def media_kind(content_type: str) -> str:
    """photo / audio / document, from a MIME type."""
    base = base_type(content_type)
    if base.startswith("image/"):
        return "photo"
    if base.startswith("audio/"):
        return "audio"
    return "document"


def sniffed_type(data: bytes) -> str | None:
    """The MIME type the bytes themselves show, when their format is recognisable."""
    kind = filetype.guess(data[:8192])
    return None if kind is None else str(kind.mime)


def media_problem(media: Media, max_bytes: int) -> MediaProblem | None:
    """Why a file cannot be kept, or None when it can."""
    if not media.data:
        return "empty"
    if not declared_type_allowed(media.content_type):
        return "unsupported"
    sniffed = sniffed_type(media.data)
    if sniffed is not None and sniffed not in ALLOWED_TYPES:
        return "unsupported"
    if len(media.data) > max_bytes:
        return "too_large"
    return None


def megabytes(size: int) -> str:
    """A byte count as people read it in MB: 5242880 -> "5", 2621440 -> "2.5"."""
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")


def readable_size(size: int) -> str:
    """5242880 -> "5 MB"; under a megabyte in KB: 10000 -> "10 KB"."""
    if size >= 1024 * 1024:
        return f"{megabytes(size)} MB"
    return f"{max(1, round(size / 1000))} KB"


def too_large_text(t: Callable[[str], str], max_bytes: int) -> str:
    """The kind answer to a file over the cap, naming the cap in force."""
    return t("Ese archivo es muy grande. El límite es de {size}.").format(
        size=readable_size(max_bytes)
    )
