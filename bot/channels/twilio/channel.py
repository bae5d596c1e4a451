"""One inbound SMS/WhatsApp message, from Twilio's form to the TwiML answer.

Order: redelivery check, opt-out words, media downloads, the conversation, then the reply as
TwiML or (WhatsApp buttons and lists) through the REST API with an empty TwiML answer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from typing import Literal

import httpx
from twilio.request_validator import RequestValidator

from bot.channels.twilio import STATUS_PATH, optout, store
from bot.channels.twilio.media import Download, download
from bot.channels.twilio.parse import WHATSAPP_PREFIX, MediaRef, parse_inbound, split_payload
from bot.channels.twilio.render import (
    EMPTY_TWIML,
    ListPicker,
    PlainText,
    QuickReply,
    WhatsAppPart,
    sms_texts,
    twiml,
    whatsapp_parts,
)
from bot.channels.twilio.rest import TwilioRest
from bot.conversation.media import too_large_text
from bot.conversation.messages import InboundEvent, Location, Media, OutboundMessage
from bot.core import i18n
from bot.core.config import DEFAULT_LANGUAGE
from bot.intake.runtime import Runtime
from bot.store.contacts import Sender

log = logging.getLogger(__name__)

Kind = Literal["sms", "whatsapp"]


# Under Twilio's 15 s webhook limit with room for the conversation and the answer: every
# webhook is answered within 5 s whatever its media do.
MEDIA_DEADLINE = 3.5


def _result(task: asyncio.Future[Download]) -> Download:
    """A finished download's result; one cut off by the deadline (or failing) is unavailable."""
    if task.cancelled() or task.exception() is not None:
        return Download(None, "unavailable")
    return task.result()


class BadRequest(Exception):
    """The webhook cannot be processed as sent (answered 400)."""


class TwilioChannel:
    """The SMS and WhatsApp adapters; one per process, built when the app starts."""

    def __init__(self, runtime: Runtime, *, rest: TwilioRest | None = None) -> None:
        settings = runtime.settings
        assert settings.twilio_account_sid and settings.twilio_auth_token
        self.runtime = runtime
        self.settings = settings
        self.channels = settings.twilio_channels  # the ones that are on
        self.auth = (settings.twilio_account_sid, settings.twilio_auth_token)
        self.validator = RequestValidator(settings.twilio_auth_token)
        self.rest = rest or TwilioRest(
            settings.twilio_account_sid, settings.twilio_auth_token, settings.twilio_api_base_url
        )
        self._http: httpx.AsyncClient | None = None
        # Seconds all of a message's attachments may take together (tests shorten it).
        self.media_deadline = MEDIA_DEADLINE
        self.public_url = settings.public_url.rstrip("/")

    @property
    def http(self) -> httpx.AsyncClient:
        """The client for attachments, made on the first one (each holds 1 MB of TLS setup)."""
        if self._http is None:
            self._http = httpx.AsyncClient()
        return self._http

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()

    def signature_ok(
        self, path: str, query: str, form: Mapping[str, object], signature: str | None
    ) -> bool:
        """Twilio's signature over the public URL (not the proxied one) and the form."""
        if not signature:
            return False
        url = self.public_url + path + (f"?{query}" if query else "")
        return bool(self.validator.validate(url, form, signature))

    # -- inbound messages ------------------------------------------------------------------

    async def inbound(self, kind: Kind, form: Mapping[str, str]) -> str:
        """Process one signed inbound message; returns the TwiML answer."""
        message = parse_inbound(form, whatsapp=kind == "whatsapp")
        if message.sender is None:
            raise BadRequest("no usable sender")
        rt = self.runtime
        sender = Sender(kind, message.sender)
        sid = message.message_sid
        plain = not message.media and not message.button_payload and message.location is None
        word = optout.classify(message.body) if plain else None
        if plain and word is None:
            # Most messages: nothing to download, no opt-out word. The redelivery and opt-out
            # checks happen in the message's own transaction (one thread hop, one session).
            event = self._event(message.body, None, message.button_text, (), None)
            reply = await asyncio.to_thread(
                rt.conversations.handle, sender, event, external_id=sid, unless_opted_out=True
            )
            if reply is None:
                return EMPTY_TWIML
            return await self._reply(kind, sender, reply.contact_id, reply.messages, reply.language)
        seen = await asyncio.to_thread(store.peek, rt.sessions, rt.vault, sender, sid)
        if seen.duplicate:
            return EMPTY_TWIML
        if word in ("carrier_stop", "stop"):
            return await self._opt_out(kind, sender, sid, word == "carrier_stop", seen.language)
        if seen.opted_out:
            if word == "start":
                return await self._opt_in(kind, sender, sid, seen.language)
            await asyncio.to_thread(
                store.record_inbound, rt.sessions, rt.vault, rt.clock, sender, sid, opted_out=None
            )
            return EMPTY_TWIML
        t = i18n.translator(seen.language)
        media, notes = await self._downloads(message.media, t)
        event = self._event(
            message.body, message.button_payload, message.button_text, media, message.location
        )
        if notes and not (event.text or event.choice or event.media or event.location):
            # Nothing left for the engine (only a refused file): just say why.
            if not await asyncio.to_thread(
                store.record_inbound, rt.sessions, rt.vault, rt.clock, sender, sid, opted_out=None
            ):
                return EMPTY_TWIML
            return await self._reply(kind, sender, None, notes, seen.language)
        reply = await asyncio.to_thread(rt.conversations.handle, sender, event, external_id=sid)
        if reply is None:
            return EMPTY_TWIML
        return await self._reply(
            kind, sender, reply.contact_id, notes + reply.messages, reply.language
        )

    @staticmethod
    def _event(
        body: str | None,
        payload: str | None,
        button_text: str | None,
        media: tuple[Media, ...],
        place: Location | None,
    ) -> InboundEvent:
        """A button press (checked against its step by the engine), or text/media/location."""
        if payload:
            step_id, code = split_payload(payload)
            return InboundEvent(choice=code, step_id=step_id, media=media, location=place)
        text = body if body and body.strip() else button_text
        if text is None and not media and place is None:
            text = body
        return InboundEvent(text=text, media=media, location=place)

    async def _downloads(
        self, refs: Sequence[MediaRef], t: i18n.Translate
    ) -> tuple[tuple[Media, ...], list[OutboundMessage]]:
        """The attachments, fetched together under one deadline (Twilio gives a webhook 15 s;
        a stalled host must not hold the answer), and a kind message for each kind of file
        that was refused or could not be fetched in time."""
        tasks = [
            asyncio.ensure_future(
                download(
                    self.http,
                    ref,
                    auth=self.auth,
                    base_url=self.settings.twilio_api_base_url,
                    max_bytes=self.settings.media_max_bytes,
                    index=index,
                )
            )
            for index, ref in enumerate(refs)
        ]
        if tasks:
            _done, late = await asyncio.wait(tasks, timeout=self.media_deadline)
            for task in late:
                task.cancel()
            if late:
                await asyncio.gather(*late, return_exceptions=True)
                log.warning("twilio media past the deadline", extra={"count": len(late)})
        media: list[Media] = []
        notes: list[OutboundMessage] = []
        said: set[str] = set()
        for task in tasks:
            result = _result(task)
            if result.media is not None:
                media.append(result.media)
            elif result.failure and result.failure not in said:
                said.add(result.failure)
                notes.append(OutboundMessage(self._failure_text(result.failure, t), kind="error"))
        return tuple(media), notes

    def _failure_text(self, failure: str, t: i18n.Translate) -> str:
        if failure == "too_large":
            return too_large_text(t, self.runtime.settings.media_max_bytes)
        if failure == "unsupported":
            return t("No puedo guardar ese tipo de archivo. Envíe una foto, un audio o un PDF.")
        return t("No pude descargar su archivo. Intente enviarlo de nuevo.")

    async def _opt_out(
        self, kind: Kind, sender: Sender, sid: str | None, carrier: bool, language: str | None
    ) -> str:
        rt = self.runtime
        fresh = await asyncio.to_thread(
            store.record_inbound, rt.sessions, rt.vault, rt.clock, sender, sid, opted_out=True
        )
        # On SMS Twilio itself answers the carrier words; a second answer would cost and confuse.
        if not fresh or (kind == "sms" and carrier):
            return EMPTY_TWIML
        t = i18n.translator(language)
        text = t("Ya no recibirá mensajes de Camino. Para volver, escriba START o INICIO.")
        return twiml(self._plain_bodies(kind, [OutboundMessage(text, kind="info")]))

    async def _opt_in(
        self, kind: Kind, sender: Sender, sid: str | None, language: str | None
    ) -> str:
        rt = self.runtime
        if not await asyncio.to_thread(
            store.record_inbound, rt.sessions, rt.vault, rt.clock, sender, sid, opted_out=False
        ):
            return EMPTY_TWIML
        reply = await asyncio.to_thread(
            rt.conversations.handle, sender, InboundEvent(command="menu")
        )
        assert reply is not None  # no external id: never a duplicate
        t = i18n.translator(reply.language or language)
        welcome = OutboundMessage(
            t("Bienvenido de nuevo. Volverá a recibir mensajes de Camino."), kind="info"
        )
        return await self._reply(
            kind, sender, reply.contact_id, [welcome, *reply.messages], reply.language
        )

    # -- replies ---------------------------------------------------------------------------

    def _plain_bodies(self, kind: Kind, messages: Sequence[OutboundMessage]) -> list[str]:
        if kind == "sms":
            return sms_texts(messages, fold=self.settings.sms_gsm7_folding)
        return [
            part.body
            for m in messages
            for part in whatsapp_parts(m, "")
            if isinstance(part, PlainText)
        ]

    async def _reply(
        self,
        kind: Kind,
        sender: Sender,
        contact_id: str | None,
        messages: Sequence[OutboundMessage],
        language: str | None,
    ) -> str:
        if not messages:
            return EMPTY_TWIML
        if kind == "sms":
            return twiml(sms_texts(messages, fold=self.settings.sms_gsm7_folding))
        t = i18n.translator(language)
        parts = [p for m in messages for p in whatsapp_parts(m, t("Ver opciones"))]
        if contact_id is None or all(isinstance(p, PlainText) for p in parts):
            return twiml([p.body for p in parts if isinstance(p, PlainText)])
        # Buttons and lists need the REST API; the whole reply goes that way, in order.
        await asyncio.to_thread(self._send_parts, sender, contact_id, parts, _language(language))
        return EMPTY_TWIML

    def _send_parts(
        self, sender: Sender, contact_id: str, parts: Sequence[WhatsAppPart], language: str
    ) -> None:
        rt = self.runtime
        from_ = self.settings.twilio_whatsapp_from or ""
        if not from_.startswith(WHATSAPP_PREFIX):
            from_ = WHATSAPP_PREFIX + from_
        callback = self.public_url + STATUS_PATH
        for part in parts:
            if isinstance(part, QuickReply | ListPicker):
                try:
                    content_sid = self.rest.template_sid(part, language)
                except Exception as exc:  # no template: fall back to numbered text
                    log.warning("twilio template failed", extra={"error": type(exc).__name__})
                    content_sid = None
                if content_sid is not None:
                    result = self.rest.send(
                        to=WHATSAPP_PREFIX + sender.address,
                        from_=from_,
                        status_callback=callback,
                        content_sid=content_sid,
                        variables={"1": part.body},
                    )
                else:
                    result = self.rest.send(
                        to=WHATSAPP_PREFIX + sender.address,
                        from_=from_,
                        status_callback=callback,
                        body=_numbered(part),
                    )
            else:
                result = self.rest.send(
                    to=WHATSAPP_PREFIX + sender.address,
                    from_=from_,
                    status_callback=callback,
                    body=part.body,
                )
            store.record_send(
                rt.sessions,
                rt.clock,
                contact_id=contact_id,
                channel=sender.channel,
                sid=result.sid,
                error_code=result.error_code,
                opted_out=result.opted_out,
            )
            if result.opted_out:
                return


def _language(language: str | None) -> str:
    """A supported language for a template (the default one when unknown)."""
    return language if language in i18n.available_languages() else DEFAULT_LANGUAGE


def _numbered(part: QuickReply | ListPicker) -> str:
    """A button or list part as numbered text (when its template could not be made)."""
    titles = (
        [title for _, title in part.actions]
        if isinstance(part, QuickReply)
        else [desc or item for _, item, desc in part.items]
    )
    return "\n".join([part.body, *(f"{n}. {title}" for n, title in enumerate(titles, 1))])
