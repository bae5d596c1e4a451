"""Small async handlers: a Telegram update in, an inbound event to the engine, the reply queued."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from weakref import WeakValueDictionary

from sqlalchemy.orm import Session
from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.channels.telegram import CHANNEL
from bot.channels.telegram.deferred import queue_in, queue_reply
from bot.channels.telegram.files import (
    FILE_RETRY_PAUSES,
    FileUnavailable,
    fetch_file,
    unreceived_text,
)
from bot.channels.telegram.oncall import OnCallGroups
from bot.channels.telegram.recent import RecentMessages
from bot.channels.telegram.replies import (
    Part,
    buttons_part,
    press_parts,
    reply_parts,
    webhook_method,
)
from bot.channels.telegram.wire import (
    ERASE_COMMAND,
    ERASE_NO,
    ERASE_YES,
    GROUP_COMMAND,
    GROUP_TEXT,
    PRESS,
    PRIVATE_EDIT,
    PRIVATE_MESSAGE,
    chunks,
    contact_number,
    decode_press,
    edit_text,
    is_erase_word,
    is_unkept_file,
    parse_command,
    press_event,
    route,
)
from bot.conversation.media import media_problem, too_large_text
from bot.conversation.messages import InboundEvent, Location, Media, OutboundMessage
from bot.core import i18n
from bot.core.config import DEFAULT_LANGUAGE
from bot.intake.runtime import Runtime
from bot.intake.service import Reply
from bot.store.contacts import Sender, find_contact
from bot.store.models import Contact

log = logging.getLogger(__name__)


def _language(hint: str | None) -> str | None:
    return hint.split("-")[0].lower() if hint else None


def who_wrote(message: Message) -> tuple[int, Sender, str | None]:
    """The chat, the sender Camino knows it as, and the language their app is set to."""
    hint = message.from_user.language_code if message.from_user else None
    return message.chat_id, Sender(CHANNEL, str(message.chat_id)), hint


class TelegramHandlers:
    """The channel's handlers, bound to the runtime (conversations, storage, clock)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.recent = RecentMessages(runtime.sessions, runtime.vault, runtime.clock)
        self.groups = OnCallGroups(runtime)
        # One update at a time per chat, so two quick messages cannot race on saved state.
        self._locks: WeakValueDictionary[int, asyncio.Lock] = WeakValueDictionary()
        # Set where an outbox worker runs in this process: look at the queue now.
        self.wake: Callable[[], None] | None = None
        # Behind the webhook, a reply nobody keeps goes in its answer (see `respond`), by update.
        self.webhook = False
        self.methods: dict[int, dict[str, Any]] = {}
        # Waits before each new try of a file whose fetch failed for a passing reason.
        self.file_retry_pauses: tuple[float, ...] = FILE_RETRY_PAUSES
        self._routes: dict[str, Callable[[Update, Bot], Awaitable[None]]] = {
            PRIVATE_MESSAGE: self.on_message,
            GROUP_COMMAND: self.on_group_command,
            GROUP_TEXT: self.groups.on_group_text,
            PRIVATE_EDIT: self.on_edit,
            PRESS: self.on_press,
        }

    async def process(self, update: Update, bot: Bot) -> bool:
        """Handle one update (webhook or polling alike); False when it failed, logged without
        personal data (the webhook then answers 500, so Telegram delivers it again)."""
        kind = route(update)
        try:
            if kind is not None:
                await self._routes[kind](update, bot)
        except Exception as exc:  # any failure: the update is delivered again, never half-kept
            log.error("telegram update failed: %s", type(exc).__name__)
            return False
        return True

    def _lock(self, chat_id: int) -> asyncio.Lock:
        lock = self._locks.get(chat_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[chat_id] = lock
        return lock

    # -- messages --------------------------------------------------------------------------

    async def on_message(self, update: Update, bot: Bot) -> None:
        """Typed text, a /command, a file or a location from a private chat."""
        message = update.effective_message
        if message is None:
            return
        chat_id, sender, hint = who_wrote(message)
        command = parse_command(message.text)
        erase = (command is not None and command[0] == ERASE_COMMAND) or (
            command is None and is_erase_word(message.text)
        )
        async with self._lock(chat_id):
            # A redelivery is skipped by the engine's receipt; one asking to erase or carrying a
            # file is looked for first, so the question is not asked or the file fetched again.
            if (erase or self.attachment(message) is not None) and await self.seen(
                update.update_id
            ):
                return
            if erase:
                await self.ask_erase(bot, update.update_id, message, sender, hint)
                return
            notices: list[OutboundMessage] = []
            event = await self.event_for(bot, message, command, hint, sender, notices)
            await self.answer(
                bot,
                update.update_id,
                chat_id,
                sender,
                event,
                notices=notices,
                shown=[message.message_id],
            )

    async def event_for(
        self,
        bot: Bot,
        message: Message,
        command: tuple[str, str | None] | None,
        hint: str | None,
        sender: Sender,
        notices: list[OutboundMessage],
    ) -> InboundEvent:
        """The channel-neutral event for a message (files downloaded, within the size cap)."""
        if command is not None:
            return InboundEvent(command=command[0], payload=command[1], language_hint=hint)
        if message.location is not None:
            where = Location(message.location.latitude, message.location.longitude)
            return InboundEvent(location=where, language_hint=hint)
        # A caption is the person's words too: it travels with the file.
        caption = message.caption
        attachment = self.attachment(message)
        if attachment is not None:
            file_id, size, content_type, filename = attachment
            try:
                media = await self.download(bot, file_id, size, content_type, filename)
            except FileUnavailable:
                # Not kept, but never a 500 (Telegram would redeliver it for ever): say so, and
                # the question stays where it was.
                t = await self.translator(sender, hint)
                notices.append(OutboundMessage(unreceived_text(t), kind="error"))
                return InboundEvent(text=caption, language_hint=hint)
            if media is None:
                t = await self.translator(sender, hint)
                notices.append(
                    OutboundMessage(
                        too_large_text(t, self.runtime.settings.media_max_bytes), kind="error"
                    )
                )
                return InboundEvent(text=caption, language_hint=hint)
            return InboundEvent(text=caption, media=(media,), language_hint=hint)
        if message.text is not None:
            return InboundEvent(text=message.text, language_hint=hint)
        if message.contact is not None:  # a shared contact card answers "which number?" only
            return InboundEvent(contact=contact_number(message.contact), language_hint=hint)
        if is_unkept_file(message):
            # Videos and the like: an empty file of its kind, which the engine declines.
            return InboundEvent(
                text=caption, media=(Media("application/octet-stream", b""),), language_hint=hint
            )
        # Stickers, dice, polls...: not a file and not an answer; the question is asked again.
        return InboundEvent(text=caption, language_hint=hint)

    @staticmethod
    def attachment(message: Message) -> tuple[str, int | None, str, str | None] | None:
        """(file id, size, content type, file name) of the evidence a message carries."""
        if message.photo:
            largest = max(message.photo, key=lambda p: (p.width * p.height, p.file_size or 0))
            return largest.file_id, largest.file_size, "image/jpeg", None
        if message.voice is not None:
            voice = message.voice
            return voice.file_id, voice.file_size, voice.mime_type or "audio/ogg", None
        if message.audio is not None:
            audio = message.audio
            return audio.file_id, audio.file_size, audio.mime_type or "audio/mpeg", audio.file_name
        if message.document is not None:
            doc = message.document
            content_type = doc.mime_type or "application/octet-stream"
            return doc.file_id, doc.file_size, content_type, doc.file_name
        return None

    async def download(
        self, bot: Bot, file_id: str, size: int | None, content_type: str, filename: str | None
    ) -> Media | None:
        """The file's bytes from base_file_url; None when it is over the size cap."""
        cap = self.runtime.settings.media_max_bytes
        if size is not None and size > cap:
            return None
        if media_problem(Media(content_type, b"-"), cap) == "unsupported":
            return Media(content_type, b"", filename)  # declined by the engine, never fetched
        data = await fetch_file(bot, file_id, cap, pauses=self.file_retry_pauses)
        if data is None:
            return None
        return Media(content_type, data, filename)

    async def on_edit(self, update: Update, bot: Bot) -> None:
        """An edited message changes nothing already answered: one line says so, and how."""
        message = update.edited_message
        if message is None:
            return
        chat_id, sender, hint = who_wrote(message)
        async with self._lock(chat_id):
            if not await asyncio.to_thread(self.recent.claim, CHANNEL, str(update.update_id)):
                return  # a redelivery
            t = await self.translator(sender, hint)
            notice = [Part(edit_text(t))]
            await self.deliver(bot, update.update_id, chat_id, sender, notice, language=None)

    async def on_group_command(self, update: Update, bot: Bot) -> None:
        """Camino talks only in private chats; a command in a group gets one polite line."""
        message = update.effective_message
        if message is None:
            return
        hint = message.from_user.language_code if message.from_user else None
        t = i18n.translator(_language(hint))
        line = Part(t("Escríbame en un chat privado, por favor."))
        await self.respond(bot, update.update_id, message.chat_id, [line])

    # -- buttons ---------------------------------------------------------------------------

    async def on_press(self, update: Update, bot: Bot) -> None:
        """A button press: the step and option it carries go to the engine, checked there."""
        query = update.callback_query
        chat = update.effective_chat
        if query is None:
            return
        # First, and for a redelivery too: the person's button stops spinning at once.
        await self.quietly(query.answer())
        if chat is None or chat.type != "private":
            return
        sender = Sender(CHANNEL, str(chat.id))
        hint = query.from_user.language_code
        async with self._lock(chat.id):
            if query.data in (ERASE_YES, ERASE_NO):  # the engine's receipt skips other presses
                if not await self.seen(update.update_id):
                    await self.on_erase_answer(bot, update.update_id, query, sender)
                return
            event = press_event(decode_press(query.data), hint)
            await self.answer(bot, update.update_id, chat.id, sender, event, pressed=query)

    async def answer(
        self,
        bot: Bot,
        update_id: int,
        chat_id: int,
        sender: Sender,
        event: InboundEvent,
        *,
        notices: list[OutboundMessage] | None = None,
        shown: list[int] | None = None,
        pressed: CallbackQuery | None = None,
    ) -> None:
        """Queue the engine's reply after the `notices` (a toggle is redrawn in `pressed`); the
        ids of what the person sent (`shown`) are kept for /erase, unless this erased them.
        The reply is queued in the engine's transaction: kept with the conversation, or not."""
        done: list[tuple[list[Part], int | None]] = []

        def queue(db: Session, reply: Reply) -> None:
            parts, messages = press_parts(pressed, event, reply.messages)
            parts += reply_parts([*(notices or []), *messages])
            done.append((parts, self.queue_reply_in(db, update_id, sender, reply, parts, shown)))

        handle = self.runtime.conversations.handle
        key = str(update_id)
        reply = await asyncio.to_thread(handle, sender, event, external_id=key, then=queue)
        if reply is not None:  # None: a redelivery, handled before
            await self.queued(bot, update_id, chat_id, *done[0])

    def queue_reply_in(
        self,
        db: Session,
        update_id: int,
        sender: Sender,
        reply: Reply,
        parts: list[Part],
        shown: list[int] | None,
    ) -> int | None:
        """The engine's reply queued in its transaction; None when there is nobody to queue it
        for (the person erased their data in this very update; a group on call)."""
        if reply.erased:
            return None
        runtime = self.runtime
        contact = (
            db.get(Contact, reply.contact_id)
            if reply.contact_id is not None
            else find_contact(db, runtime.vault, sender)
        )
        if contact is None:
            return None
        return queue_in(
            db,
            runtime.vault,
            runtime.clock(),
            contact,
            parts,
            language=reply.language or DEFAULT_LANGUAGE,
            key=str(update_id),
            shown=shown or [],
        )

    async def deliver(
        self,
        bot: Bot,
        update_id: int,
        chat_id: int,
        sender: Sender,
        parts: list[Part],
        *,
        language: str | None,
        shown: list[int] | None = None,
    ) -> None:
        """Queue a reply the channel makes itself in the outbox (see `queued`)."""
        runtime = self.runtime
        queued = await asyncio.to_thread(
            queue_reply,
            runtime.sessions,
            runtime.vault,
            runtime.clock,
            sender,
            parts,
            language=language or DEFAULT_LANGUAGE,
            key=str(update_id),
            shown=shown or [],
        )
        await self.queued(bot, update_id, chat_id, parts, queued)

    async def queued(
        self, bot: Bot, update_id: int, chat_id: int, parts: list[Part], queued: int | None
    ) -> None:
        """Wake the worker for rows just queued; a reply with nobody to queue it for goes as
        the webhook's answer (or at once, when polling)."""
        if queued is None:
            await self.respond(bot, update_id, chat_id, parts)
        elif queued and self.wake is not None:
            self.wake()

    async def respond(self, bot: Bot, update_id: int, chat_id: int, parts: list[Part]) -> None:
        """A reply nobody keeps (no contact to queue it for): one sendMessage, at most once."""
        method = webhook_method(chat_id, parts)
        if method is None:
            return
        if self.webhook:
            self.methods[update_id] = method
            return
        await self.quietly(
            bot.send_message(chat_id, method["text"], protect_content=method.get("protect_content"))
        )

    # -- erase -----------------------------------------------------------------------------

    async def ask_erase(
        self, bot: Bot, update_id: int, message: Message, sender: Sender, hint: str | None
    ) -> None:
        """/erase: one confirmation with yes/no buttons, before anything is deleted."""
        t = await self.translator(sender, hint)
        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(t("Sí, borrar"), callback_data=ERASE_YES),
                    InlineKeyboardButton(t("No"), callback_data=ERASE_NO),
                ]
            ]
        )
        text = t(
            "¿Borro de este chat los mensajes de las últimas 48 horas? Su reporte no se "
            "borra: sigue guardado y protegido."
        )
        # Kept first: it makes the contact the confirmation is queued for.
        await asyncio.to_thread(self.recent.remember, sender, [message.message_id], inbound=True)
        confirm = Part(text, extra={"markup": markup.to_dict()})
        await self.deliver(bot, update_id, message.chat_id, sender, [confirm], language=None)
        await self.done(update_id)

    async def on_erase_answer(
        self, bot: Bot, update_id: int, query: CallbackQuery, sender: Sender
    ) -> None:
        """Yes: delete every message of the last 48 hours, then leave one neutral line.

        The update is recorded only once all of it is done: a failure answers 500, and
        Telegram's redelivery (or the person pressing again) picks up what is left.
        """
        chat_id = int(sender.address)
        t = await self.translator(sender, query.from_user.language_code)
        pressed = query.message.message_id if query.message is not None else None
        if query.data != ERASE_YES:
            parts = [buttons_part(pressed)] if pressed is not None else []
            parts.append(Part(t("Bien, no borré nada.")))
            await self.deliver(bot, update_id, chat_id, sender, parts, language=None)
            await self.done(update_id)
            return
        if not await self.erase(bot, chat_id, sender, pressed):
            return
        await self.deliver(bot, update_id, chat_id, sender, [Part(t("Listo."))], language=None)
        await self.done(update_id)

    async def erase(self, bot: Bot, chat_id: int, sender: Sender, pressed: int | None) -> bool:
        """deleteMessages in batches, forgetting each batch's ids once it is gone; False when
        the person blocked the bot. Other failures raise, with the ids left kept for a retry."""
        pending = await asyncio.to_thread(self.recent.pending, sender)
        if pressed is not None:
            pending.setdefault(pressed, [])
        for batch in chunks(sorted(pending)):
            try:
                await bot.delete_messages(chat_id, batch)
            except Forbidden:
                await asyncio.to_thread(self.recent.mark_blocked, sender)
                return False
            except BadRequest:  # too old or already gone: asking again would not help
                log.warning("telegram could not delete some messages")
            rows = [row for message_id in batch for row in pending[message_id]]
            await asyncio.to_thread(self.recent.forget, rows)
        log.info("telegram chat erased", extra={"count": len(pending)})
        return True

    async def seen(self, update_id: int) -> bool:
        """Whether this update was handled already (Telegram delivered it again)."""
        return await asyncio.to_thread(self.recent.seen, CHANNEL, str(update_id))

    async def done(self, update_id: int) -> None:
        """Record an update the channel handled itself (erase), so a redelivery is skipped."""
        await asyncio.to_thread(self.recent.claim, CHANNEL, str(update_id))

    async def translator(self, sender: Sender, hint: str | None) -> i18n.Translate:
        """Gettext in the language the person chose, or the one their Telegram uses."""
        language = await asyncio.to_thread(self.recent.language, sender)
        return i18n.translator(language or _language(hint))

    # -- helpers -------------------------------------------------------------------------

    @staticmethod
    async def quietly(call: Any) -> None:
        """Courtesy calls (answer a press, remove old buttons) must not fail the update."""
        try:
            await call
        except TelegramError as exc:
            log.info("telegram courtesy call failed: %s", type(exc).__name__)
