"""The HTTP side: `POST /webhooks/twilio/sms`, `/whatsapp` and `/status`.

Every request is checked in the same order: channel on (else 404), a form body (else 400), a
valid `X-Twilio-Signature` (else 403, before anything is stored), then processed.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from bot.channels.twilio import STATUS_PATH, store
from bot.channels.twilio.channel import BadRequest, Kind, TwilioChannel
from bot.channels.twilio.parse import parse_status
from bot.channels.twilio.render import EMPTY_TWIML
from bot.intake.runtime import Runtime

log = logging.getLogger(__name__)

SMS_PATH = "/webhooks/twilio/sms"
WHATSAPP_PATH = "/webhooks/twilio/whatsapp"
FORM_TYPE = "application/x-www-form-urlencoded"
# Twilio's webhook forms are a few kilobytes; anything far larger is not Twilio.
MAX_BODY = 64 * 1024
MAX_FIELDS = 200


class _Rejected(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Build the channel once the runtime exists; say once whether it is on."""
    runtime: Runtime = app.state.runtime
    on = runtime.settings.twilio_channels
    channel = TwilioChannel(runtime) if on else None
    app.state.twilio = channel
    log.info(
        "twilio channels",
        extra={name: "on" if name in on else "off" for name in ("sms", "whatsapp")},
    )
    try:
        yield
    finally:
        if channel is not None:
            await channel.close()


async def _read_form(request: Request) -> FormData:
    """The urlencoded body, size-capped; 400 for anything else."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != FORM_TYPE:
        raise _Rejected(400, "expected an urlencoded form")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise _Rejected(413, "body too large")
    try:
        pairs: list[tuple[str, str | UploadFile]] = parse_qsl(  # type: ignore[assignment]
            bytes(body).decode("utf-8"),
            keep_blank_values=True,
            errors="strict",
            strict_parsing=bool(body),
            max_num_fields=MAX_FIELDS,
        )
    except (UnicodeDecodeError, ValueError) as exc:
        raise _Rejected(400, "malformed form") from exc
    return FormData(pairs)


async def _checked(request: Request, *, needs: Kind | None) -> tuple[TwilioChannel, FormData]:
    """The channel and the signed form of a request, or a rejection."""
    channel: TwilioChannel | None = getattr(request.app.state, "twilio", None)
    on = channel is not None and (needs is None or needs in channel.channels)
    if channel is None or not on:
        raise _Rejected(404, "channel off")
    form = await _read_form(request)
    if not channel.signature_ok(
        request.url.path, request.url.query, form, request.headers.get("x-twilio-signature")
    ):
        log.warning("twilio signature rejected", extra={"path": request.url.path})
        raise _Rejected(403, "bad signature")
    return channel, form


def _plain(status: int, reason: str) -> PlainTextResponse:
    return PlainTextResponse(reason, status_code=status)


def _xml(text: str) -> Response:
    return Response(text, media_type="application/xml")


async def _inbound(request: Request, kind: Kind) -> Response:
    try:
        channel, form = await _checked(request, needs=kind)
        return _xml(await channel.inbound(kind, _single(form)))
    except _Rejected as exc:
        return _plain(exc.status, exc.reason)
    except BadRequest as exc:
        return _plain(400, str(exc))


def _single(form: FormData) -> dict[str, str]:
    """One value per field (Twilio sends each once); files cannot occur in an urlencoded form."""
    return {key: value for key, value in form.items() if isinstance(value, str)}


def twilio_router() -> APIRouter:
    """The Twilio webhooks, with the lifespan that builds the channel."""
    router = APIRouter(lifespan=_lifespan, include_in_schema=False)

    @router.post(SMS_PATH)
    async def sms(request: Request) -> Response:
        """An SMS to Camino's number."""
        return await _inbound(request, "sms")

    @router.post(WHATSAPP_PATH)
    async def whatsapp(request: Request) -> Response:
        """A WhatsApp message to Camino's sender."""
        return await _inbound(request, "whatsapp")

    @router.post(STATUS_PATH)
    async def status(request: Request) -> Response:
        """A delivery status of something Camino sent through the REST API."""
        try:
            channel, form = await _checked(request, needs=None)
        except _Rejected as exc:
            return _plain(exc.status, exc.reason)
        update = parse_status(_single(form))
        if update.message_sid and update.status:
            rt = channel.runtime
            await run_in_threadpool(
                _update, rt, update.message_sid, update.status, update.error_code
            )
        return _xml(EMPTY_TWIML)

    return router


def _update(runtime: Runtime, sid: str, status: str, error_code: str | None) -> Any:
    return store.update_status(
        runtime.sessions, runtime.clock, sid=sid, status=status, error_code=error_code
    )
