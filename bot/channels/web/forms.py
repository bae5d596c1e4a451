"""Reading the chat's form posts with hard limits, keeping uploads in memory (never on disk).

The body is read as a stream and refused past the media cap plus room for the text fields, so a
large upload costs the server little; files are parsed into memory because a temporary file
would leave the person's photo on the server's disk unencrypted.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass

from starlette.datastructures import UploadFile
from starlette.formparsers import FormParser, MultiPartException, MultiPartParser
from starlette.requests import Request

from bot.conversation.messages import Media

FIELD_MAX_BYTES = 64 * 1024
# Text fields and multipart framing next to the file.
OVERHEAD_BYTES = 128 * 1024
# How much of a refused body is still read, so the browser sees the answer, not a reset.
DRAIN_FACTOR = 4


class TooLarge(Exception):
    """The request body is over the limit."""


class BadForm(Exception):
    """The body is not a form we can read."""


@dataclass(frozen=True)
class ChatForm:
    """What one post of the chat page carries."""

    csrf: str | None = None
    text: str | None = None
    choice: str | None = None
    step_id: str | None = None
    command: str | None = None
    lang: str | None = None
    media: Media | None = None


class _InMemoryMultiPart(MultiPartParser):
    """Starlette's parser, with files kept in memory up to the cap."""

    spool_max_size = 64 * 1024 * 1024


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, or TooLarge once it passes `limit` (the rest is drained, up to a point)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdecimal() and int(declared) > limit:
        await _drain(request, limit * DRAIN_FACTOR)
        raise TooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            chunks.clear()
            await _drain(request, limit * DRAIN_FACTOR - size)
            raise TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


async def _drain(request: Request, budget: int) -> None:
    if budget <= 0:
        return
    try:
        async for chunk in request.stream():
            budget -= len(chunk)
            if budget <= 0:
                return
    except Exception:  # the client went away: nothing left to read  # noqa: S110
        pass


async def parse_form(request: Request, body: bytes, media_max_bytes: int) -> ChatForm:
    """Parse a urlencoded or multipart body into the chat's fields."""

    async def stream() -> AsyncGenerator[bytes, None]:
        yield body
        yield b""

    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if content_type == "multipart/form-data":
            form = await _InMemoryMultiPart(
                request.headers, stream(), max_files=1, max_fields=20, max_part_size=FIELD_MAX_BYTES
            ).parse()
        elif content_type in ("application/x-www-form-urlencoded", ""):
            form = await FormParser(request.headers, stream()).parse()
        else:
            raise BadForm
    except (MultiPartException, KeyError, ValueError) as exc:
        raise BadForm from exc
    fields: dict[str, str] = {}
    media = None
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            media = await _media(value, media_max_bytes)
        elif name not in fields:
            fields[name] = value
    await form.close()
    return ChatForm(
        csrf=fields.get("csrf"),
        text=_clean(fields.get("text")),
        choice=_clean(fields.get("choice")),
        step_id=_clean(fields.get("step_id")),
        command=_clean(fields.get("command")),
        lang=_clean(fields.get("lang")),
        media=media,
    )


async def _media(upload: UploadFile, max_bytes: int) -> Media | None:
    data = await upload.read(max_bytes + 1)
    if not data and not upload.filename:
        return None  # the file field was left empty
    if len(data) > max_bytes:
        raise TooLarge
    content_type = upload.content_type or "application/octet-stream"
    return Media(content_type=content_type, data=data, filename=upload.filename or None)


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.replace("\r\n", "\n").strip()
    return value or None
