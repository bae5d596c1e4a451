"""Runs the engine for one inbound event inside one transaction, and carries out its effects.

This is the single entry every channel calls: dedupe by provider id, find the contact, load and
decrypt the conversation, run the pure engine, store evidence and cases, save the new state.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot import cases
from bot.conversation import engine
from bot.conversation.messages import InboundEvent, OutboundMessage
from bot.conversation.modes.document import Complaint, SendComplaint
from bot.conversation.modes.follow import Outcome
from bot.core import metrics
from bot.core.clock import Clock, system_clock
from bot.core.config import Settings
from bot.core.directory import Entry
from bot.core.directory import load as load_directory
from bot.core.i18n import translator
from bot.follow import subscriptions
from bot.follow.service import FOLLOW_EFFECTS, perform
from bot.intake import own_complaints
from bot.privacy.retention import erase_contact
from bot.store import crypto
from bot.store.contacts import Sender, contact_key, get_or_create_contact
from bot.store.models import Contact, Conversation, InboundReceipt
from bot.store.vault import Vault
from bot.talkback import threads as talkback

log = logging.getLogger(__name__)

# Channels whose messages the bot can later erase from the person's screen.
# Effects answered by the engine again (a safety bound: each normally leads to at most one more).
MAX_RESUMES = 4
ERASABLE_CHANNELS = frozenset({"telegram", "web", "console"})
# Effects the service performs and answers back to the engine with `engine.resume`.
RESUMABLE = (*FOLLOW_EFFECTS, SendComplaint)


@dataclass(frozen=True)
class Reply:
    """What to send back, and to whom (the contact, for channels that record deliveries)."""

    messages: list[OutboundMessage]
    contact_id: str
    language: str | None
    # The person asked to delete their data and it is gone: record nothing more about them.
    erased: bool = False


class Conversations:
    """The conversation service shared by every channel."""

    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        vault: Vault,
        clock: Clock = system_clock,
        directory: tuple[Entry, ...] | None = None,
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.vault = vault
        self.clock = clock
        # Read once: a broken directory file stops the start-up with a clear error.
        self.directory = (
            directory if directory is not None else load_directory(settings.directory_file)
        )

    def handle(
        self, sender: Sender, event: InboundEvent, *, external_id: str | None = None
    ) -> Reply | None:
        """Process one inbound event; None when `external_id` was already processed."""
        started = time.perf_counter()
        try:
            with self.sessions() as db, db.begin():
                if external_id is not None and not self._first_delivery(db, sender, external_id):
                    log.info("duplicate delivery ignored", extra={"channel": sender.channel})
                    metrics.count_inbound(sender.channel, "duplicate")
                    return None
                reply = self._handle(db, sender, event)
        except Exception:
            metrics.count_inbound(sender.channel, "error")
            raise
        metrics.count_inbound(sender.channel, "ok", time.perf_counter() - started)
        return reply

    def _first_delivery(self, db: Session, sender: Sender, external_id: str) -> bool:
        """Record a provider's message id; False when it was recorded before (a redelivery)."""
        try:
            with db.begin_nested():
                db.add(
                    InboundReceipt(
                        channel=sender.channel, external_id=external_id, received_at=self.clock()
                    )
                )
        except IntegrityError:
            return False
        return True

    def _handle(self, db: Session, sender: Sender, event: InboundEvent) -> Reply:
        now = self.clock()
        contact = get_or_create_contact(db, self.vault, sender, now, lock=True)
        contact.last_inbound_at = now
        held = talkback.take_reply(
            db,
            self.vault,
            contact,
            event,
            now=now,
            open_hours=self.settings.talkback_open_hours,
            translate=translator(contact.language),
        )
        if held is not None:  # a person from a shelter is talking with them: the flow waits
            return Reply(messages=held, contact_id=contact.id, language=contact.language)
        key = contact_key(self.vault, contact)
        conversation = contact.conversation
        state = self._load_state(key, conversation)
        follows, reports_followable = subscriptions.chat_flags(db, contact.id)
        ctx = engine.Context(
            now=now,
            channel=sender.channel,
            can_erase=sender.channel in ERASABLE_CHANNELS,
            timezone=self.settings.default_timezone,
            media_max_bytes=self.settings.media_max_bytes,
            directory=self.directory,
            follows=follows,
            reports_followable=reports_followable,
            own_cases=own_complaints.own_cases(db, contact),
        )
        result = engine.handle(state, event, ctx)
        if conversation is None:
            conversation = Conversation(contact=contact, state_enc=b"", updated_at=now)
            db.add(conversation)
        messages = list(result.messages)
        pending = list(result.effects)
        resumed = 0
        while pending:
            effect = pending.pop(0)
            if isinstance(effect, RESUMABLE) and resumed < MAX_RESUMES:
                # These effects answer back: the engine continues with their outcome.
                resumed += 1
                outcome = self._perform(db, contact, effect, now)
                follow = engine.resume(result.state, outcome, ctx)
                result.state = follow.state
                messages += follow.messages
                pending[0:0] = follow.effects
                result.effects += follow.effects
            elif not isinstance(effect, RESUMABLE):
                messages += self._apply(db, effect, contact, conversation, result.state)
        if any(isinstance(effect, engine.EraseContact) for effect in result.effects):
            return Reply(messages=messages, contact_id=contact.id, language=None, erased=True)
        conversation.state_enc = crypto.encrypt_json(
            key, result.state, aad=f"conversation:{contact.id}"
        )
        conversation.updated_at = now
        return Reply(messages=messages, contact_id=contact.id, language=contact.language)

    def _perform(
        self, db: Session, contact: Contact, effect: engine.Effect, now: datetime
    ) -> Outcome | Complaint:
        """Carry out an effect the engine wants answered."""
        if isinstance(effect, SendComplaint):
            return own_complaints.complaint(db, self.vault, contact, effect)
        assert isinstance(effect, FOLLOW_EFFECTS)
        return perform(db, self.vault, self.settings, contact, effect, now)

    def _load_state(self, key: bytes, conversation: Conversation | None) -> dict[str, Any] | None:
        if conversation is None or not conversation.state_enc:
            return None
        state: dict[str, Any] = crypto.decrypt_json(
            key, conversation.state_enc, aad=f"conversation:{conversation.contact_id}"
        )
        return state

    def _apply(
        self,
        db: Session,
        effect: engine.Effect,
        contact: Contact,
        conversation: Conversation,
        state: dict[str, Any],
    ) -> list[OutboundMessage]:
        now = self.clock()
        language = str(state.get("lang") or "es")
        if isinstance(effect, engine.SetLanguage):
            contact.language = effect.language
        elif isinstance(effect, engine.StoreEvidence | engine.MarkUrgent):
            draft = cases.ensure_draft(
                db,
                self.vault,
                case_id=conversation.draft_case_id,
                channel=contact.channel,
                language=language,
                now=now,
            )
            conversation.draft_case_id = draft.id
            if isinstance(effect, engine.MarkUrgent):
                draft.urgent = True
            else:
                cases.attach_evidence(
                    db, self.vault, draft, now=now, media=effect.media, location=effect.location
                )
        elif isinstance(effect, engine.EraseContact):
            erase_contact(db, self.vault, contact, now=now)
            log.info("contact erased on request", extra={"channel": contact.channel})
        elif isinstance(effect, engine.DiscardDraft):
            cases.discard_draft(db, conversation.draft_case_id)
            conversation.draft_case_id = None
        elif isinstance(effect, engine.SubmitCase):
            draft = cases.ensure_draft(
                db,
                self.vault,
                case_id=conversation.draft_case_id,
                channel=contact.channel,
                language=language,
                now=now,
            )
            filed = cases.submit(
                db,
                self.vault,
                draft,
                effect.answers,
                language=effect.language,
                urgent=effect.urgent,
                contact_id=contact.id,
                now=now,
            )
            conversation.draft_case_id = None
            log.info(
                "case submitted", extra={"channel": contact.channel, "urgent": filed.case.urgent}
            )
            receipt = engine.Receipt(
                code=crypto.format_case_code(filed.code),
                pin=filed.pin,
                urgent=filed.case.urgent,
                document=own_complaints.can_send(contact, filed.case),
            )
            return engine.receipt_messages(state, receipt)
        return []
