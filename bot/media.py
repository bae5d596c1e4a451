"""What evidence Camino accepts: the same caps on every channel."""

from __future__ import annotations

from typing import Literal

from bot.messages import Media

MediaProblem = Literal["too_large", "unsupported", "empty"]

ALLOWED_PREFIXES = ("image/", "audio/")
# No video: too heavy for a cheap phone's data plan and the 5 MB cap.
ALLOWED_TYPES = frozenset({"application/pdf"})


def media_kind(content_type: str) -> str:
    """photo / audio / document, from a MIME type."""
    base = content_type.split(";")[0].strip().lower()
    if base.startswith("image/"):
        return "photo"
    if base.startswith("audio/"):
        return "audio"
    return "document"


def media_problem(media: Media, max_bytes: int) -> MediaProblem | None:
    """Why a file cannot be kept, or None when it can."""
    base = media.content_type.split(";")[0].strip().lower()
    if not media.data:
        return "empty"
    if not (base.startswith(ALLOWED_PREFIXES) or base in ALLOWED_TYPES):
        return "unsupported"
    if len(media.data) > max_bytes:
        return "too_large"
    return None
