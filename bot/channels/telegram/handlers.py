"""Small async handlers: a Telegram update in, an inbound event to the engine, the reply out."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any
from weakref import WeakValueDictionary

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    Update,
)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.channels.telegram import CHANNEL
from bot.channels.telegram.deferred import queue_reply
from bot.channels.telegram.files import (
    FILE_RETRY_PAUSES,
    FileUnavailable,
    fetch_file,
    unreceived_text,
)
from bot.channels.telegram.recent import RecentMessages
from bot.channels.telegram.wire import (
    ERASE_COMMAND,
    ERASE_NO,
    ERASE_YES,
    chunks,
    contact_number,
    decode_press,
    edit_text,
    is_erase_word,
    is_unkept_file,
    keyboard,
    pack,
    parse_command,
    press_event,
    rest_of_reply,
    split_text,
)
from bot.conversation.media import media_problem, too_large_text
from bot.conversation.messages import InboundEvent, Location, Media, OutboundMessage
from bot.core import i18n
from bot.core.config import DEFAULT_LANGUAGE
from bot.intake.runtime import Runtime
from bot.intake.service import Reply
from bot.store.contacts import Sender

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
TelegramApp = Application[Any, Any, Any, Any, Any, Any]


def _language(hint: str | None) -> str | None:
    return hint.split("-")[0].lower() if hint else None


# Telegram's limit on a document's caption, in characters.
CAPTION_MAX = 1024


def _retryable(exc: TelegramError) -> bool:
    """A 429 outlasting PTB's retries, a timeout, a 5xx or no connection: worth trying later."""
    return isinstance(exc, RetryAfter) or (
        isinstance(exc, NetworkError) and not isinstance(exc, BadRequest)
    )


def who_wrote(message: Message) -> tuple[int, Sender, str | None]:
    """The chat, the sender Camino knows it as, and the language their app is set to."""
    hint = message.from_user.language_code if message.from_user else None
    return message.chat_id, Sender(CHANNEL, str(message.chat_id)), hint


class TelegramHandlers:
    """The channel's handlers, bound to the runtime (conversations, storage, clock)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.recent = RecentMessages(runtime.sessions, runtime.vault, runtime.clock)
        # Update ids whose handling raised: the webhook answers 500 so Telegram delivers again.
        self.failed: set[int] = set()
        # One update at a time per chat, so two quick messages cannot race on saved state.
        self._locks: WeakValueDictionary[int, asyncio.Lock] = WeakValueDictionary()
        # Set where an outbox worker runs in this process: look at the queue now.
        self.wake: Callable[[], None] | None = None
        # Waits before each new try of a file whose fetch failed for a passing reason.
        self.file_retry_pauses: tuple[float, ...] = FILE_RETRY_PAUSES

    def register(self, application: TelegramApp) -> None:
        """Wire the handlers into a PTB Application (webhook or polling alike)."""
        private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
        application.add_handler(MessageHandler(private, self.on_message))
        application.add_handler(
            MessageHandler(
                ~filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE & filters.COMMAND,
                self.on_group_command,
            )
        )
        application.add_handler(
            MessageHandler(
                filters.ChatType.PRIVATE & filters.UpdateType.EDITED_MESSAGE, self.on_edit
            )
        )
        application.add_handler(CallbackQueryHandler(self.on_press))
        application.add_error_handler(self.on_error)

    def _lock(self, chat_id: int) -> asyncio.Lock:
        lock = self._locks.get(chat_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[chat_id] = lock
        return lock

    # -- messages --------------------------------------------------------------------------

    async def on_message(self, update: Update, context: Context) -> None:
        """Typed text, a /command, a file or a location from a private chat."""
        message = update.effective_message
        if message is None:
            return
        chat_id, sender, hint = who_wrote(message)
        command = parse_command(message.text)
        async with self._lock(chat_id):
            if await self.seen(update.update_id):
                return  # a redelivery: answered already, and its files are not fetched again
            if (command and command[0] == ERASE_COMMAND) or (
                command is None and is_erase_word(message.text)
            ):
                await self.ask_erase(context.bot, update.update_id, message, sender, hint)
                return
            notices: list[OutboundMessage] = []
            event = await self.event_for(context.bot, message, command, hint, sender, notices)
            await self.answer(
                context.bot,
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

    async def on_edit(self, update: Update, context: Context) -> None:
        """An edited message changes nothing already answered: one line says so, and how."""
        message = update.edited_message
        if message is None:
            return
        chat_id, sender, hint = who_wrote(message)
        async with self._lock(chat_id):
            if not await asyncio.to_thread(self.recent.claim, CHANNEL, str(update.update_id)):
                return  # a redelivery
            t = await self.translator(sender, hint)
            sent: list[int] = []
            try:
                await self.send(context.bot, chat_id, sender, edit_text(t), None, False, sent)
            except TelegramError as exc:  # a courtesy line: not worth a redelivery
                log.info("telegram edit notice not sent: %s", type(exc).__name__)
            known: bool = await asyncio.to_thread(self.recent.known, sender)
            if sent and known:  # kept so /erase removes it too; nothing kept after an erasure
                await asyncio.to_thread(self.recent.remember, sender, sent, inbound=True)

    async def on_group_command(self, update: Update, context: Context) -> None:
        """Camino talks only in private chats; a command in a group gets one polite line."""
        message = update.effective_message
        if message is None:
            return
        hint = message.from_user.language_code if message.from_user else None
        t = i18n.translator(_language(hint))
        await self.quietly(
            context.bot.send_message(message.chat_id, t("Escríbame en un chat privado, por favor."))
        )

    # -- buttons ---------------------------------------------------------------------------

    async def on_press(self, update: Update, context: Context) -> None:
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
            if await self.seen(update.update_id):
                return
            if query.data in (ERASE_YES, ERASE_NO):
                await self.on_erase_answer(context.bot, update.update_id, query, sender)
                return
            event = press_event(decode_press(query.data), hint)
            await self.answer(context.bot, update.update_id, chat.id, sender, event, pressed=query)

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
        """Send the engine's reply after the `notices` (a toggle is redrawn in `pressed`); what
        the chat shows (`shown` and what is sent) is kept for /erase, unless this erased it."""
        reply = await asyncio.to_thread(
            self.runtime.conversations.handle, sender, event, external_id=str(update_id)
        )
        if reply is None:
            return
        sent: list[int] = []
        reachable = True
        try:
            if pressed is None or not await self.edit_in_place(bot, pressed, event, reply):
                if pressed is not None:
                    await self.clear_keyboard(bot, pressed)
                reachable = await self.send_all(
                    bot,
                    chat_id,
                    sender,
                    [*(notices or []), *reply.messages],
                    sent,
                    key=str(update_id),
                    language=reply.language,
                )
        finally:
            if not reply.erased:  # after "delete my data" nothing about them is kept
                await asyncio.to_thread(
                    self.recent.remember, sender, [*(shown or []), *sent], inbound=reachable
                )

    async def edit_in_place(
        self, bot: Bot, query: CallbackQuery, event: InboundEvent, reply: Reply
    ) -> bool:
        """A multi-choice toggle re-asks the same question: update its ✓ marks in place."""
        pressed = query.message
        if pressed is None or not isinstance(pressed, Message) or len(reply.messages) != 1:
            return False
        again = reply.messages[0]
        if not (again.multiple and again.step_id == event.step_id and again.kind == "prompt"):
            return False
        try:
            await bot.edit_message_reply_markup(
                pressed.chat_id, pressed.message_id, reply_markup=keyboard(again)
            )
        except TelegramError:  # sent as a new message instead (deferred if need be)
            return False
        return True

    async def clear_keyboard(self, bot: Bot, query: CallbackQuery) -> None:
        """Remove the buttons of the answered message, so an old question is not pressed again."""
        pressed = query.message
        if pressed is not None and isinstance(pressed, Message) and pressed.reply_markup:
            await self.quietly(bot.edit_message_reply_markup(pressed.chat_id, pressed.message_id))

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
        sent: list[int] = []
        try:
            await self.send(bot, message.chat_id, sender, text, markup, False, sent)
        finally:
            await asyncio.to_thread(
                self.recent.remember, sender, [message.message_id, *sent], inbound=True
            )
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
        if query.data != ERASE_YES:
            await self.clear_keyboard(bot, query)
            sent: list[int] = []
            try:
                await self.send(bot, chat_id, sender, t("Bien, no borré nada."), None, False, sent)
            finally:
                await asyncio.to_thread(self.recent.remember, sender, sent, inbound=True)
            await self.done(update_id)
            return
        pressed = query.message.message_id if query.message is not None else None
        if not await self.erase(bot, chat_id, sender, pressed):
            return
        await self.send(bot, chat_id, sender, t("Listo."), None, False, [])
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

    # -- sending ---------------------------------------------------------------------------

    async def send_all(
        self,
        bot: Bot,
        chat_id: int,
        sender: Sender,
        messages: list[OutboundMessage],
        sent: list[int],
        *,
        key: str,
        language: str | None,
    ) -> bool:
        """Send the engine's messages (long texts split, buttons with the last part); False
        when the person has blocked the bot. What a retryable failure leaves unsent goes to
        the outbox (`key` names the update, so it is queued once)."""
        for index, message in enumerate(messages):
            if message.document is not None:  # the complaint PDF, with its text as caption
                done = await self.send_document(
                    bot, chat_id, sender, messages, index, sent, key=key, language=language
                )
                if done is not None:
                    return done
                continue
            parts = split_text(message.text)
            for number, part in enumerate(parts):
                markup = keyboard(message) if number == len(parts) - 1 else None
                try:
                    delivered = await self.send(
                        bot, chat_id, sender, part, markup, message.sensitive, sent
                    )
                except TelegramError as exc:
                    if not _retryable(exc):
                        raise
                    rest = pack(rest_of_reply(messages, index, number))
                    await self.defer(sender, rest, key, language, exc)
                    return True
                if not delivered:
                    return False
        return True

    async def defer(
        self,
        sender: Sender,
        texts: list[tuple[str, bool]],
        key: str,
        language: str | None,
        exc: TelegramError,
    ) -> None:
        """Queue the unsent rest of a reply in the outbox, and wake the worker."""
        runtime = self.runtime
        queued = await asyncio.to_thread(
            queue_reply,
            runtime.sessions,
            runtime.vault,
            runtime.clock,
            sender,
            texts,
            language=language or DEFAULT_LANGUAGE,
            key=key,
        )
        log.warning(
            "telegram reply deferred to the outbox: %s", type(exc).__name__, extra={"rows": queued}
        )
        if queued and self.wake is not None:
            self.wake()

    async def send_document(
        self,
        bot: Bot,
        chat_id: int,
        sender: Sender,
        messages: list[OutboundMessage],
        index: int,
        sent: list[int],
        *,
        key: str,
        language: str | None,
    ) -> bool | None:
        """One sendDocument with protect_content (no forwarding, no saving); None to go on with
        the reply, else what `send_all` returns. The outbox carries text only: after a
        retryable failure the person is told to ask again and the rest of the reply waits there."""
        message = messages[index]
        document = message.document
        assert document is not None
        try:
            result = await bot.send_document(
                chat_id,
                InputFile(document.data, filename=document.filename or "documento.pdf"),
                caption=message.text[:CAPTION_MAX] or None,
                protect_content=True,
            )
        except Forbidden:
            log.info("telegram contact blocked the bot; marked stopped")
            await asyncio.to_thread(self.recent.mark_blocked, sender)
            return False
        except TelegramError as exc:
            if not _retryable(exc):
                raise
            t = i18n.translator(language)
            failed = t(
                "No pudimos enviar el documento ahora. Pídalo otra vez desde el menú en unos "
                "minutos."
            )
            rest = pack([(failed, False), *rest_of_reply(messages, index + 1, 0)])
            await self.defer(sender, rest, key, language, exc)
            return True
        sent.append(result.message_id)
        return None

    async def send(
        self,
        bot: Bot,
        chat_id: int,
        sender: Sender,
        text: str,
        markup: InlineKeyboardMarkup | None,
        sensitive: bool,
        sent: list[int],
    ) -> bool:
        """One sendMessage; False when the person blocked the bot (the contact is stopped)."""
        try:
            result = await bot.send_message(
                chat_id, text, reply_markup=markup, protect_content=True if sensitive else None
            )
        except Forbidden:
            log.info("telegram contact blocked the bot; marked stopped")
            await asyncio.to_thread(self.recent.mark_blocked, sender)
            return False
        sent.append(result.message_id)
        return True

    @staticmethod
    async def quietly(call: Any) -> None:
        """Courtesy calls (answer a press, remove old buttons) must not fail the update."""
        try:
            await call
        except TelegramError as exc:
            log.info("telegram courtesy call failed: %s", type(exc).__name__)

    async def on_error(self, update: object, context: Context) -> None:
        """Remember the failed update (the webhook answers 500) and log without personal data."""
        if isinstance(update, Update):
            self.failed.add(update.update_id)
        log.error("telegram update failed: %s", type(context.error).__name__)
