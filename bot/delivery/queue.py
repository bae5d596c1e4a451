"""Durable delivery of every message that is not a direct reply (notices, digests, reminders).

States: queued -> sending -> sent -> delivered/read | failed (Twilio's status callbacks move
sent rows on). A row is claimed atomically with a lease: one conditional
`UPDATE ... WHERE id = (SELECT ... [FOR UPDATE SKIP LOCKED]) AND status = 'queued' RETURNING`,
so two workers (threads or processes) never take the same row.

In-flight rows: a row still `sending` after its lease ran out was in flight when a process
died (the SID is stored in the same commit that marks the row sent, so it has none). It is
reconciled before anything retries it (only `queued` rows are ever claimed):
- SMS and WhatsApp (Twilio): the reconciler takes the row with a fresh lease and asks Twilio
  (`SentLookup.find_sent`): the messages sent to that number since the row was claimed, matched
  by the SHA-256 of the text. Found: the row is `sent` with that SID. Not found: Twilio never
  accepted it, and the row is queued again. Twilio unreachable: the row waits for the next pass
  (and after a day gives up as below). A WhatsApp row that may have gone out as a template
  cannot be matched by its text, so it is treated like Telegram.
- Telegram: the Bot API cannot list what a bot sent, and resending could put a second copy on a
  phone that others may read, so the outbox is **at most once** there: the row is marked
  `failed` with error `in_flight_unknown`, visible to staff, never resent.
Timeouts, 429 (after its retry_after) and 5xx are retried with exponential backoff and jitter;
opt-outs, blocks and bad addresses fail for good.

WhatsApp: outside the 24-hour window since the person last wrote (`contacts.last_inbound_at`),
free text is refused by WhatsApp, so a pre-approved template (a ContentSid per kind and locale:
the approved ones `camino whatsapp templates sync` stored, or `CAMINO_WHATSAPP_TEMPLATES`)
carries the notice instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.core import metrics
from bot.core.clock import Clock
from bot.core.config import DEFAULT_LANGUAGE, Settings
from bot.core.quiet_hours import QuietHours
from bot.delivery import ChannelSender, Outcome, Outgoing, Permanent, Retry, Sent, SentLookup
from bot.delivery.templates import templates_in_use
from bot.store import crypto
from bot.store.contacts import contact_address, contact_key
from bot.store.models import Contact, FollowSubscription, OutboxMessage, new_id
from bot.store.vault import Vault

log = logging.getLogger(__name__)

# Channels that can receive a message Camino starts; web and console only see the timeline.
PUSH_CHANNELS = frozenset({"telegram", "sms", "whatsapp"})
WHATSAPP_WINDOW = timedelta(hours=24)
IN_FLIGHT_UNKNOWN = "in_flight_unknown"
IN_FLIGHT_NOT_SENT = "in_flight_not_sent"  # looked up: the provider never accepted it
# Provider clocks may differ from ours: look a little further back than the claim.
LOOKUP_MARGIN = timedelta(minutes=5)
# A row whose provider cannot be asked for this long is given up (at most once).
LOOKUP_GIVE_UP = timedelta(hours=24)
BACKOFF_CAP = 3600.0


def can_push(channel: str) -> bool:
    """Whether Camino can send to this channel unprompted."""
    return channel in PUSH_CHANNELS


def enqueue(
    db: Session,
    vault: Vault,
    contact: Contact,
    *,
    kind: str,
    text: str,
    language: str,
    now: datetime,
    not_before: datetime | None = None,
    subscription_id: str | None = None,
    dedupe_key: str | None = None,
    variables: Mapping[str, str] | None = None,
    sensitive: bool = False,
) -> OutboxMessage | None:
    """Queue one message (encrypted under the contact's key); None when already queued once.

    `sensitive`: Telegram sends it with protect_content (no forwarding or saving)."""
    if not can_push(contact.channel):
        return None
    if dedupe_key is not None and db.scalar(
        select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
    ):
        return None
    row = build_row(
        vault,
        contact,
        kind=kind,
        text=text,
        language=language,
        now=now,
        not_before=not_before,
        subscription_id=subscription_id,
        dedupe_key=dedupe_key,
        variables=variables,
        sensitive=sensitive,
    )
    try:
        with db.begin_nested():  # a concurrent job queued the same key first: keep theirs
            db.add(row)
    except IntegrityError:
        return None
    return row


def build_row(
    vault: Vault,
    contact: Contact,
    *,
    kind: str,
    text: str,
    language: str,
    now: datetime,
    not_before: datetime | None = None,
    subscription_id: str | None = None,
    dedupe_key: str | None = None,
    variables: Mapping[str, str] | None = None,
    sensitive: bool = False,
) -> OutboxMessage:
    """A queued row, its body encrypted under the contact's key (not yet added to a session)."""
    row_id = new_id()
    body: dict[str, Any] = {"text": text, "lang": language, "vars": dict(variables or {})}
    if sensitive:
        body["sensitive"] = True
    return OutboxMessage(
        id=row_id,
        contact_id=contact.id,
        channel=contact.channel,
        kind=kind,
        status="queued",
        body_enc=crypto.encrypt_json(contact_key(vault, contact), body, aad=f"outbox:{row_id}"),
        attempts=0,
        next_attempt_at=not_before or now,
        subscription_id=subscription_id,
        dedupe_key=dedupe_key,
        created_at=now,
        updated_at=now,
    )


# -- claiming and settling rows (sync: called in a thread) ---------------------------------


def claim(
    sessions: sessionmaker[Session], channel: str, now: datetime, lease: timedelta
) -> str | None:
    """Atomically take the oldest due queued row of a channel; its id, or None."""
    with sessions() as db, db.begin():
        candidates = (
            select(OutboxMessage.id)
            .where(
                OutboxMessage.status == "queued",
                OutboxMessage.channel == channel,
                OutboxMessage.next_attempt_at <= now,
            )
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.created_at)
            .limit(1)
        )
        if db.get_bind().dialect.name == "postgresql":
            candidates = candidates.with_for_update(skip_locked=True)
        claimed = db.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == candidates.scalar_subquery(),
                OutboxMessage.status == "queued",
            )
            .values(
                status="sending",
                lease_until=now + lease,
                attempts=OutboxMessage.attempts + 1,
                updated_at=now,
            )
            .returning(OutboxMessage.id)
            .execution_options(synchronize_session=False)
        ).scalar()
        return str(claimed) if claimed else None


@dataclass(frozen=True)
class Prepared:
    """A claimed row made ready to send, or the reason it will not be."""

    outgoing: Outgoing | None
    contact_id: str | None
    postpone_until: datetime | None = None
    fail_code: str | None = None


def prepare(
    sessions: sessionmaker[Session], vault: Vault, settings: Settings, row_id: str, now: datetime
) -> Prepared:
    """Decrypt the row, check opt-outs, quiet hours and WhatsApp's window; pick a template."""
    with sessions() as db:
        row = db.get(OutboxMessage, row_id)
        if row is None or row.contact_id is None or row.body_enc is None:
            return Prepared(None, None, fail_code="gone")
        contact = db.get(Contact, row.contact_id)
        if contact is None:
            return Prepared(None, None, fail_code="gone")
        if contact.opted_out or contact.stopped:
            return Prepared(None, contact.id, fail_code="opted_out")
        if row.subscription_id is not None:
            subscription = db.get(FollowSubscription, row.subscription_id)
            if subscription is not None:
                quiet = QuietHours.parse(f"{subscription.quiet_start}-{subscription.quiet_end}")
                allowed = quiet.next_allowed(now, subscription.timezone)
                if allowed > now:  # a retry drifted into the night: wait for the morning
                    return Prepared(None, contact.id, postpone_until=allowed)
        body: dict[str, Any] = crypto.decrypt_json(
            contact_key(vault, contact), row.body_enc, aad=f"outbox:{row.id}"
        )
        address = contact_address(vault, contact)
        content_sid = None
        if contact.channel == "whatsapp" and not _in_window(contact, now):
            content_sid = template_sid(
                templates_in_use(db, settings.whatsapp_templates), row.kind, body["lang"]
            )
            if content_sid is None:
                return Prepared(None, contact.id, fail_code="no_template")
        return Prepared(
            Outgoing(
                address=address,
                text=body["text"],
                content_sid=content_sid,
                variables=body.get("vars") or {},
                sensitive=bool(body.get("sensitive")),
            ),
            contact.id,
        )


def _in_window(contact: Contact, now: datetime) -> bool:
    last = contact.last_inbound_at
    if last is None:
        return False
    return now - _aware(last) < WHATSAPP_WINDOW


def template_sid(templates: Mapping[str, str], kind: str, language: str) -> str | None:
    """The ContentSid for a kind and locale, falling back to the notice, then to Spanish."""
    for key in (
        f"{kind}:{language}",
        f"notice:{language}",
        f"{kind}:{DEFAULT_LANGUAGE}",
        f"notice:{DEFAULT_LANGUAGE}",
    ):
        if templates.get(key):
            return templates[key]
    return None


def settle(
    sessions: sessionmaker[Session],
    row_id: str,
    outcome: Outcome,
    *,
    now: datetime,
    max_attempts: int,
    backoff_base: float,
) -> str:
    """Record a send's outcome on a row still `sending` by us; returns the new status."""
    with sessions() as db, db.begin():
        row = db.get(OutboxMessage, row_id)
        if row is None or row.status != "sending":
            return "gone"  # reconciled meanwhile (lease ran out): the reconciler's verdict stands
        row.updated_at = now
        row.lease_until = None
        if isinstance(outcome, Sent):
            row.status = "sent"
            row.provider_message_id = outcome.provider_id[:64]
            row.error_code = None
        elif isinstance(outcome, Retry) and row.attempts < max_attempts:
            row.status = "queued"
            row.error_code = outcome.code[:32]
            row.next_attempt_at = now + timedelta(
                seconds=backoff(row.attempts, backoff_base, outcome.after)
            )
        else:
            row.status = "failed"
            row.error_code = outcome.code[:32]
            if isinstance(outcome, Permanent) and (outcome.opted_out or outcome.blocked):
                contact = db.get(Contact, row.contact_id) if row.contact_id else None
                if contact is not None:
                    contact.opted_out = contact.opted_out or outcome.opted_out
                    contact.stopped = contact.stopped or outcome.blocked
        status, channel = row.status, row.channel
    metrics.count_send(channel, "retry" if status == "queued" else status)
    return status


def postpone(sessions: sessionmaker[Session], row_id: str, until: datetime) -> None:
    """Give a claimed row back, due later, without counting the attempt."""
    with sessions() as db, db.begin():
        db.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row_id, OutboxMessage.status == "sending")
            .values(
                status="queued",
                next_attempt_at=until,
                lease_until=None,
                attempts=OutboxMessage.attempts - 1,
            )
            .execution_options(synchronize_session=False)
        )


def fail(sessions: sessionmaker[Session], row_id: str, code: str, now: datetime) -> None:
    """Give up on a claimed row that cannot be sent."""
    with sessions() as db, db.begin():
        db.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row_id, OutboxMessage.status == "sending")
            .values(status="failed", error_code=code, lease_until=None, updated_at=now)
            .execution_options(synchronize_session=False)
        )


def backoff(attempts: int, base: float, retry_after: float | None) -> float:
    """Seconds to wait: the provider's retry_after, or base * 2^(n-1), both with jitter."""
    if retry_after is not None:
        return retry_after + random.uniform(0, base)
    delay = min(BACKOFF_CAP, base * 2.0 ** max(0, attempts - 1))
    return float(delay * random.uniform(0.5, 1.5))


def reconcile(
    sessions: sessionmaker[Session],
    vault: Vault,
    settings: Settings,
    now: datetime,
    *,
    lookups: Mapping[str, SentLookup] | None = None,
) -> Counter[str]:
    """Settle rows whose lease ran out mid-send; counts of what became of them.

    Channels with a lookup (Twilio) ask the provider; the others (Telegram) are at most once.
    """
    with sessions() as db:
        expired = db.execute(
            select(OutboxMessage.id, OutboxMessage.channel).where(
                OutboxMessage.status == "sending", OutboxMessage.lease_until < now
            )
        ).all()
    verdicts: Counter[str] = Counter()
    for row_id, channel in expired:
        lookup = (lookups or {}).get(channel)
        if lookup is None:
            verdicts[_give_up(sessions, row_id, now, expired_only=True)] += 1
        else:
            verdicts[_look_up(sessions, vault, settings, row_id, lookup, now)] += 1
    verdicts.pop("skipped", None)
    if verdicts:
        log.warning("outbox rows were in flight when a process stopped", extra=dict(verdicts))
    return verdicts


def _give_up(
    sessions: sessionmaker[Session],
    row_id: str,
    now: datetime,
    *,
    expired_only: bool = False,
    lease: datetime | None = None,
) -> str:
    """Mark an in-flight row `in_flight_unknown` (never resent)."""
    condition = [OutboxMessage.id == row_id, OutboxMessage.status == "sending"]
    if expired_only:
        condition.append(OutboxMessage.lease_until < now)
    if lease is not None:
        condition.append(OutboxMessage.lease_until == lease)
    with sessions() as db, db.begin():
        result = db.execute(
            update(OutboxMessage)
            .where(*condition)
            .values(status="failed", error_code=IN_FLIGHT_UNKNOWN, lease_until=None, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return "failed" if int(getattr(result, "rowcount", 0) or 0) == 1 else "skipped"


@dataclass(frozen=True)
class InFlight:
    """What a row in flight was sending, since when, and what cannot be it."""

    message: Outgoing
    claimed_at: datetime
    exclude: frozenset[str]
    maybe_template: bool


def _in_flight(
    sessions: sessionmaker[Session], vault: Vault, settings: Settings, row_id: str
) -> InFlight | None:
    """Decrypt an in-flight row's text and address (None when its contact is gone)."""
    with sessions() as db:
        row = db.get(OutboxMessage, row_id)
        if row is None or row.contact_id is None or row.body_enc is None:
            return None
        contact = db.get(Contact, row.contact_id)
        if contact is None:
            return None
        body: dict[str, Any] = crypto.decrypt_json(
            contact_key(vault, contact), row.body_enc, aad=f"outbox:{row.id}"
        )
        claimed_at = _aware(row.updated_at)  # `claim` stamps it
        known = db.scalars(
            select(OutboxMessage.provider_message_id).where(
                OutboxMessage.contact_id == contact.id,
                OutboxMessage.provider_message_id.is_not(None),
            )
        )
        # A template's text is Twilio's rendering, which cannot be matched: was it one?
        last_inbound = contact.last_inbound_at
        maybe_template = (
            contact.channel == "whatsapp"
            and template_sid(
                templates_in_use(db, settings.whatsapp_templates), row.kind, body["lang"]
            )
            is not None
            and (
                not _in_window(contact, claimed_at)
                or (last_inbound is not None and _aware(last_inbound) > claimed_at)
            )
        )
        return InFlight(
            message=Outgoing(address=contact_address(vault, contact), text=body["text"]),
            claimed_at=claimed_at,
            exclude=frozenset(str(sid) for sid in known),
            maybe_template=maybe_template,
        )


def _look_up(
    sessions: sessionmaker[Session],
    vault: Vault,
    settings: Settings,
    row_id: str,
    lookup: SentLookup,
    now: datetime,
) -> str:
    """Ask the provider whether an in-flight row went out: sent, queued again, or later."""
    mine = now + timedelta(seconds=settings.outbox_lease_seconds)
    with sessions() as db, db.begin():  # a fresh lease: another reconciler leaves it to us
        taken = db.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == row_id,
                OutboxMessage.status == "sending",
                OutboxMessage.lease_until < now,
            )
            .values(lease_until=mine)
            .execution_options(synchronize_session=False)
        )
        if int(getattr(taken, "rowcount", 0) or 0) != 1:
            return "skipped"
    flight = _in_flight(sessions, vault, settings, row_id)
    if flight is None or flight.maybe_template:
        return _give_up(sessions, row_id, now, lease=mine)
    try:
        sid = lookup.find_sent(flight.message, flight.claimed_at - LOOKUP_MARGIN, flight.exclude)
    except Exception as exc:  # the provider cannot tell now: our lease runs out, then we ask again
        log.warning("outbox in-flight lookup failed", extra={"error": type(exc).__name__})
        if now - flight.claimed_at > LOOKUP_GIVE_UP:
            return _give_up(sessions, row_id, now, lease=mine)
        return "unknown"
    with sessions() as db, db.begin():
        mine_still = [
            OutboxMessage.id == row_id,
            OutboxMessage.status == "sending",
            OutboxMessage.lease_until == mine,
        ]
        claimed_elsewhere = sid is not None and db.scalar(
            select(OutboxMessage.id).where(
                OutboxMessage.provider_message_id == sid, OutboxMessage.id != row_id
            )
        )
        if sid is not None and not claimed_elsewhere:
            values: dict[str, Any] = {
                "status": "sent",
                "provider_message_id": sid[:64],
                "error_code": None,
            }
        else:  # never accepted: send it now (the attempt already counted)
            values = {"status": "queued", "next_attempt_at": now, "error_code": IN_FLIGHT_NOT_SENT}
        result = db.execute(
            update(OutboxMessage)
            .where(*mine_still)
            .values(**values, lease_until=None, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if int(getattr(result, "rowcount", 0) or 0) != 1:
            return "skipped"  # its first sender settled it meanwhile: that verdict stands
        return str(values["status"])


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes: they were stored in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# -- the worker ------------------------------------------------------------------------------


class RateLimiter:
    """Evenly spaced sends: at most `rate` per second (in this process)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._next = 0.0

    async def wait(self) -> None:
        now = time.monotonic()
        slot = max(now, self._next)
        self._next = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)


class OutboxWorker:
    """Delivers queued rows: one loop per push channel, `concurrency` sends in flight each.

    Runs in every process (claims are atomic). Rate limits are per process.
    """

    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        vault: Vault,
        clock: Clock,
        senders: Mapping[str, ChannelSender],
        *,
        concurrency: Mapping[str, int] | None = None,
        backoff_base: float = 2.0,
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.vault = vault
        self.clock = clock
        self.senders = dict(senders)
        # Senders that can say whether a message went out settle in-flight rows (Twilio).
        self.lookups = {ch: s for ch, s in self.senders.items() if isinstance(s, SentLookup)}
        self.concurrency = {"telegram": 4, "sms": 1, "whatsapp": 2, **(concurrency or {})}
        self.backoff_base = backoff_base
        self.limits = {
            "telegram": RateLimiter(settings.rate_telegram_per_second),
            "sms": RateLimiter(settings.rate_sms_per_second),
            "whatsapp": RateLimiter(settings.rate_whatsapp_per_second),
        }
        self.per_chat_interval = (
            1.0 / settings.rate_telegram_per_chat if settings.rate_telegram_per_chat > 0 else 0.0
        )
        self._last_chat_send: dict[str, float] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = asyncio.Event()
        self._wake = asyncio.Event()

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.settings.outbox_lease_seconds)

    async def start(self) -> None:
        """Reconcile rows left in flight, then start the channel loops."""
        await self.reconcile()
        for channel, sender in self.senders.items():
            for _ in range(max(1, self.concurrency.get(channel, 1))):
                self._tasks.append(asyncio.create_task(self._loop(channel, sender)))
        self._tasks.append(asyncio.create_task(self._reconcile_loop()))

    def wake(self) -> None:
        """Something was queued: look now instead of at the next poll."""
        self._wake.set()

    async def stop(self) -> None:
        """Stop the loops (a send in progress finishes) and close the senders."""
        self._stopping.set()
        self._wake.set()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        for sender in self.senders.values():
            await sender.close()

    async def _idle(self) -> None:
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=self.settings.outbox_poll_seconds)

    async def _reconcile_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                await asyncio.wait_for(
                    self._stopping.wait(), timeout=max(1.0, self.lease.total_seconds() / 2)
                )
            except TimeoutError:
                try:
                    await self.reconcile()
                except Exception:  # the loop must survive a database hiccup
                    log.exception("outbox reconcile error")

    async def reconcile(self) -> Counter[str]:
        """Settle rows left in flight by a process that died (in a thread: lookups block)."""
        return await asyncio.to_thread(
            reconcile,
            self.sessions,
            self.vault,
            self.settings,
            self.clock(),
            lookups=self.lookups,
        )

    async def _loop(self, channel: str, sender: ChannelSender) -> None:
        while not self._stopping.is_set():
            try:
                worked = await self.deliver_one(channel, sender)
            except Exception:  # the loop must survive a database hiccup
                log.exception("outbox loop error", extra={"channel": channel})
                worked = False
            if not worked:
                await self._idle()

    async def deliver_one(self, channel: str, sender: ChannelSender) -> bool:
        """Claim and send one row of a channel; False when none was due."""
        await self.limits[channel].wait()
        row_id = await asyncio.to_thread(claim, self.sessions, channel, self.clock(), self.lease)
        if row_id is None:
            return False
        now = self.clock()
        prepared = await asyncio.to_thread(
            prepare, self.sessions, self.vault, self.settings, row_id, now
        )
        if prepared.postpone_until is not None:
            await asyncio.to_thread(postpone, self.sessions, row_id, prepared.postpone_until)
            return True
        if prepared.outgoing is None:
            await asyncio.to_thread(fail, self.sessions, row_id, prepared.fail_code or "?", now)
            return True
        if channel == "telegram" and prepared.contact_id:
            await self._per_chat_wait(prepared.contact_id)
        outcome = await sender.send(prepared.outgoing)
        status = await asyncio.to_thread(
            settle,
            self.sessions,
            row_id,
            outcome,
            now=self.clock(),
            max_attempts=self.settings.outbox_max_attempts,
            backoff_base=self.backoff_base,
        )
        log.info("outbox send", extra={"channel": channel, "status": status})
        return True

    async def _per_chat_wait(self, contact_id: str) -> None:
        """Telegram allows about one message a second in one chat."""
        last = self._last_chat_send.get(contact_id)
        now = time.monotonic()
        self._last_chat_send[contact_id] = max(now, (last or 0) + self.per_chat_interval)
        if last is not None and now - last < self.per_chat_interval:
            await asyncio.sleep(self.per_chat_interval - (now - last))
        if len(self._last_chat_send) > 10_000:  # forget old chats
            cutoff = time.monotonic() - 60
            self._last_chat_send = {k: v for k, v in self._last_chat_send.items() if v > cutoff}
