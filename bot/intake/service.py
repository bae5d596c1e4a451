"""Runs the engine for one inbound event inside one transaction, and carries out its effects.

This is the single entry every channel calls: dedupe by provider id, find the contact, load and
decrypt the conversation, run the pure engine, store evidence and cases, save the new state.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot import alerts, cases
from bot.conversation import engine
from bot.conversation.messages import InboundEvent, OutboundMessage
from bot.conversation.protocol import (
    Context,
    DiscardDraft,
    Effect,
    EraseContact,
    FileUrgent,
    MarkUrgent,
    Outcome,
    Receipt,
    SaveAnswers,
    SendComplaint,
    SetLanguage,
    StoreEvidence,
    SubmitCase,
)
from bot.conversation.state import State, save, upgrade
from bot.core import channels, metrics
from bot.core.clock import Clock, system_clock
from bot.core.config import Settings
from bot.core.directory import Entry
from bot.core.directory import load as load_directory
from bot.core.geography import phone_abroad, phone_number
from bot.core.i18n import translator
from bot.core.languages import DEFAULT_LANGUAGE
from bot.follow.service import FOLLOW_EFFECTS, perform
from bot.intake import own_complaints, receipts
from bot.intake.loading import create_contact, find_loaded, save_state, touch
from bot.privacy.retention import erase_contact
from bot.staff import ownership
from bot.store import crypto
from bot.store.contacts import Sender, contact_key
from bot.store.models import Case, Contact, Conversation
from bot.store.oncall import destinations_of
from bot.store.vault import Vault
from bot.talkback import threads as talkback

log = logging.getLogger(__name__)

# Effects answered by the engine again (a safety bound: each normally leads to at most one more).
MAX_RESUMES = 4


class UnknownEffect(TypeError):
    """The engine asked for something no handler carries out: a bug, never silently skipped."""


class TooManyResumes(RuntimeError):
    """Answered effects led to more than `MAX_RESUMES` others: engine and service in a loop."""


@dataclass
class _Event:
    """One inbound event's effects being carried out, in its transaction."""

    db: Session
    contact: Contact
    conversation: Conversation
    state: State
    now: datetime
    ctx: Context


@dataclass(frozen=True)
class Reply:
    """What to send back, and to whom (the contact, for channels that record deliveries;
    None for an on-call destination's answer to an alert, which is no contact)."""

    messages: list[OutboundMessage]
    contact_id: str | None
    language: str | None
    # The person asked to delete their data and it is gone: record nothing more about them.
    erased: bool = False
    # This event filed a report (the web chat gives the session a new token then).
    filed: bool = False


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
        self,
        sender: Sender,
        event: InboundEvent,
        *,
        external_id: str | None = None,
        unless_opted_out: bool = False,
        then: Callable[[Session, Reply], object] | None = None,
    ) -> Reply | None:
        """Process one inbound event; None when `external_id` was already processed.

        With `unless_opted_out`, a contact that opted out (SMS/WhatsApp STOP) gets its receipt
        and nothing else: no conversation, no reply (an empty `Reply`). `then` runs in the same
        transaction with the reply (a channel queues it in the outbox).
        """
        started = time.perf_counter()
        try:
            with self.sessions() as db, db.begin():
                if external_id is not None and not self._first_delivery(db, sender, external_id):
                    log.info("duplicate delivery ignored", extra={"channel": sender.channel})
                    metrics.count_inbound(sender.channel, "duplicate")
                    return None
                reply = self._handle(db, sender, event, unless_opted_out)
                if then is not None:
                    then(db, reply)
        except Exception:
            metrics.count_inbound(sender.channel, "error")
            raise
        metrics.count_inbound(sender.channel, "ok", time.perf_counter() - started)
        return reply

    def _first_delivery(self, db: Session, sender: Sender, external_id: str) -> bool:
        """Record a provider's message id; False when it was recorded before (a redelivery)."""
        return receipts.first_delivery(db, sender.channel, external_id, self.clock())

    def _handle(
        self, db: Session, sender: Sender, event: InboundEvent, unless_opted_out: bool
    ) -> Reply:
        now = self.clock()
        found = find_loaded(db, self.vault, sender)
        if found is not None and unless_opted_out and found[0].opted_out:
            contact = found[0]
            return Reply(messages=[], contact_id=contact.id, language=contact.language)
        # The on-call lookup only where the one query above says it can match (or no contact
        # exists yet to say so).
        if found is None or found[1].on_call:
            acked = alerts.take_reply(db, self.vault, sender, event, now)
            if acked is not None:  # an on-call number or staff chat answering an alert
                return Reply(messages=acked, contact_id=None, language=DEFAULT_LANGUAGE)
        contact, flags = found or create_contact(db, self.vault, sender, now)
        touch(db, contact, now)
        held = (
            talkback.take_reply(
                db,
                self.vault,
                contact,
                event,
                now=now,
                open_hours=self.settings.talkback_open_hours,
                translate=translator(contact.language),
            )
            if flags.open_thread
            else None
        )
        if held is not None:  # a person from a shelter is talking with them: the flow waits
            return Reply(messages=held, contact_id=contact.id, language=contact.language)
        key = contact_key(self.vault, contact)
        conversation = contact.conversation
        state = self._load_state(key, conversation)
        ctx = Context(
            now=now,
            channel=sender.channel,
            can_erase=channels.can_erase(sender.channel),
            timezone=self.settings.default_timezone,
            media_max_bytes=self.settings.media_max_bytes,
            directory=self.directory,
            follows=flags.follows,
            reports_followable=flags.reports_followable,
            own_cases=own_complaints.own_cases(db, contact),
            abroad=phone_abroad(sender.address),
            phone=phone_number(sender.address),
        )
        result = engine.handle(state, event, ctx)
        if conversation is None:
            conversation = Conversation(contact=contact, state_enc=b"", updated_at=now)
            db.add(conversation)
        job = _Event(db, contact, conversation, result.state, now, ctx)
        messages = list(result.messages)
        pending = list(result.effects)
        resumed = 0
        while pending:
            effect = pending.pop(0)
            answer = _ANSWERED.get(type(effect))
            if answer is None:
                messages += self._apply(job, effect)
                continue
            # These effects answer back: the engine continues with their outcome.
            resumed += 1
            if resumed > MAX_RESUMES:
                name = type(effect).__name__
                log.error(
                    "too many resumed effects", extra={"channel": sender.channel, "effect": name}
                )
                raise TooManyResumes(f"{name} would be resumed effect {resumed} of {MAX_RESUMES}")
            follow = engine.resume(job.state, answer(self, job, effect), ctx)
            job.state = result.state = follow.state
            messages += follow.messages
            pending[0:0] = follow.effects
            result.effects += follow.effects
        if any(isinstance(effect, EraseContact) for effect in result.effects):
            return Reply(messages=messages, contact_id=contact.id, language=None, erased=True)
        saved = crypto.encrypt_json(key, save(result.state), aad=f"conversation:{contact.id}")
        save_state(db, conversation, saved, now)
        filed = any(isinstance(effect, SubmitCase) for effect in result.effects)
        return Reply(
            messages=messages, contact_id=contact.id, language=contact.language, filed=filed
        )

    def _load_state(self, key: bytes, conversation: Conversation | None) -> State | None:
        if conversation is None or not conversation.state_enc:
            return None
        saved = crypto.decrypt_json(
            key, conversation.state_enc, aad=f"conversation:{conversation.contact_id}"
        )
        return upgrade(saved)

    def _apply(self, job: _Event, effect: Effect) -> list[OutboundMessage]:
        """Carry out an effect the engine does not need answered; what to say, if anything."""
        handler = _APPLIED.get(type(effect))
        if handler is None:
            raise UnknownEffect(f"no handler for the effect {type(effect).__name__}")
        return handler(self, job, effect, self.clock())

    # -- effects answered back to the engine -------------------------------------------------

    def _follow(self, job: _Event, effect: Any) -> Outcome:
        return perform(job.db, self.vault, self.settings, job.contact, effect, job.now)

    def _send_complaint(self, job: _Event, effect: Any) -> Outcome:
        return own_complaints.complaint(job.db, self.vault, job.contact, effect)

    # -- effects carried out -----------------------------------------------------------------

    def _set_language(self, job: _Event, effect: Any, now: datetime) -> list[OutboundMessage]:
        job.contact.language = effect.language
        return []

    def _draft(self, job: _Event, now: datetime) -> Case:
        """The conversation's draft case, made on the first thing kept for it."""
        draft = cases.ensure_draft(
            job.db,
            self.vault,
            case_id=job.conversation.draft_case_id,
            channel=job.contact.channel,
            language=job.state.language or DEFAULT_LANGUAGE,
            now=now,
            filed=job.state.filed,
        )
        job.conversation.draft_case_id = draft.id
        return draft

    def _store_evidence(self, job: _Event, effect: Any, now: datetime) -> list[OutboundMessage]:
        draft = self._draft(job, now)
        cases.attach_evidence(
            job.db,
            self.vault,
            draft,
            now=now,
            media=effect.media,
            location=effect.location,
            note=effect.note,
        )
        return []

    def _mark_urgent(self, job: _Event, effect: Any, now: datetime) -> list[OutboundMessage]:
        draft = self._draft(job, now)
        draft.urgent = True
        draft.submitted_at = draft.submitted_at or now  # staff see it now, marked "in progress"
        ownership.assign(job.db, draft)
        return []

    def _save_answers(self, job: _Event, effect: Any, now: datetime) -> list[OutboundMessage]:
        case = self._draft(job, now)
        cases.write_answers(
            job.db,
            self.vault,
            case,
            effect.answers,
            language=effect.language,
            contact_id=job.contact.id,
        )
        case.updated_at = now
        ownership.assign(job.db, case)
        return []

    def _erase(self, job: _Event, effect: Any, now: datetime) -> list[OutboundMessage]:
        erase_contact(job.db, self.vault, job.contact, now=now)
        log.info("contact erased on request", extra={"channel": job.contact.channel})
        return []

    def _discard(self, job: _Event, effect: Any, now: datetime) -> list[OutboundMessage]:
        cases.discard_draft(job.db, job.conversation.draft_case_id)
        job.conversation.draft_case_id = None
        return []

    def _submit(self, job: _Event, effect: Any, now: datetime) -> list[OutboundMessage]:
        return self._file(job, effect.answers, effect.language, urgent=effect.urgent, now=now)

    def _file_urgent(self, job: _Event, effect: Any, now: datetime) -> list[OutboundMessage]:
        return self._file(job, effect.answers, effect.language, urgent=True, now=now)

    def _file(
        self, job: _Event, answers: dict[str, Any], language: str, *, urgent: bool, now: datetime
    ) -> list[OutboundMessage]:
        """File the report (or complete the urgent one filed before), alert, and say so."""
        contact = job.contact
        filed = cases.submit(
            job.db,
            self.vault,
            self._draft(job, now),
            answers,
            language=language,
            urgent=urgent,
            contact_id=contact.id,
            now=now,
        )
        case = filed.case
        owners = ownership.assign(job.db, case)
        if filed.code is not None:  # filed now, not completed
            log.info("case submitted", extra={"channel": contact.channel, "urgent": case.urgent})
            if case.urgent:
                alerts.report_urgent(job.db, self.settings, self.vault, case, now)
            else:
                alerts.report_filed(job.db, self.settings, self.vault, case, now)
        # An urgent report stays linked while the person completes it.
        job.conversation.draft_case_id = case.id if job.state.filed else None
        # An urgent report says "the on-call team was alerted" only where one can be.
        alerted = bool(case.urgent) and any(destinations_of(job.db, org.id) for org in owners)
        hours = [org.response_hours for org in owners if org.response_hours]
        lines = [org.contact_line for org in owners if org.contact_line]
        receipt = Receipt(
            code=crypto.format_case_code(filed.code) if filed.code else None,
            pin=filed.pin,
            reply_pin=filed.reply_pin,
            urgent=bool(case.urgent),
            document=own_complaints.can_send(contact, case),
            reviewers=tuple(org.name for org in owners),
            response_hours=min(hours) if hours else None,
            contact_line=lines[0] if lines else None,
            completed=filed.code is None,
            alerted=alerted,
        )
        return engine.receipt_messages(job.state, receipt, job.ctx)


# What the service does for each effect: a type the tables do not name is an error.
_ANSWERED: dict[type[Any], Callable[[Conversations, _Event, Any], Outcome]] = {
    **{kind: Conversations._follow for kind in FOLLOW_EFFECTS},
    SendComplaint: Conversations._send_complaint,
}
_APPLIED: dict[
    type[Any], Callable[[Conversations, _Event, Any, datetime], list[OutboundMessage]]
] = {
    SetLanguage: Conversations._set_language,
    StoreEvidence: Conversations._store_evidence,
    MarkUrgent: Conversations._mark_urgent,
    SaveAnswers: Conversations._save_answers,
    FileUrgent: Conversations._file_urgent,
    EraseContact: Conversations._erase,
    DiscardDraft: Conversations._discard,
    SubmitCase: Conversations._submit,
}
