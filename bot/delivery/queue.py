"""The outbox queue: notices, digests, reminders, alerts, and every Telegram reply.

States: queued -> sending -> sent -> delivered/read | failed (Twilio's status callbacks move
sent rows on). Rows are claimed atomically, in batches, with a lease: on PostgreSQL one
`UPDATE ... WHERE id IN (SELECT ... LIMIT n FOR UPDATE SKIP LOCKED) AND status = 'queued'
RETURNING`, on SQLite the SELECT then the UPDATE by key in one `BEGIN IMMEDIATE` transaction,
so two workers (threads or processes) never take the same row, and a row waits
while an older one to the same chat is queued or in flight (each chat's order holds). Only
`queued` rows are ever claimed; a row left `sending` by a process that died is settled by
`reconcile.py` first.
Timeouts, 429 (after its retry_after) and 5xx are retried with exponential backoff and jitter;
opt-outs, blocks and bad addresses fail for good. The worker that sends is `worker.py`.

WhatsApp: outside the 24-hour window since the person last wrote (`contacts.last_inbound_at`),
free text is refused by WhatsApp, so a pre-approved template (a ContentSid per kind and locale:
the approved ones `camino whatsapp templates sync` stored, or `CAMINO_WHATSAPP_TEMPLATES`)
carries the notice instead.

A row goes to a contact (a person who wrote to Camino) or to an organization's on-call
destination (`enqueue_oncall`: staff alerts). Both are recipients (`Recipient`): an address
encrypted under a key of its own. Quiet hours are for families: only rows of a subscription
wait for the morning, so on-call alerts go out at any hour.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Required, TypedDict, Unpack

from sqlalchemy import ColumnElement, and_, case, exists, null, or_, select, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from bot.core import metrics
from bot.core.channels import can_push
from bot.core.config import DEFAULT_LANGUAGE, Settings
from bot.core.quiet_hours import QuietHours
from bot.delivery import Outcome, Outgoing, Permanent, Retry, Sent
from bot.delivery.templates import templates_in_use
from bot.store import crypto
from bot.store.base import add_unless_taken
from bot.store.contacts import contact_address, contact_key
from bot.store.models import AlertDestination, Contact, FollowSubscription, OutboxMessage, new_id
from bot.store.oncall import destination_address, destination_key
from bot.store.vault import Vault

WHATSAPP_WINDOW = timedelta(hours=24)
# The kind of a reply to the person's own message (on Telegram, every reply goes this way).
REPLY = "reply"
BACKOFF_CAP = 3600.0


class Message(TypedDict, total=False):
    """What a queued row says and when: `enqueue` and `build_row` take these keywords."""

    kind: Required[str]
    text: Required[str]
    language: Required[str]
    now: Required[datetime]
    not_before: datetime | None
    subscription_id: str | None
    dedupe_key: str | None
    variables: Mapping[str, str] | None
    sensitive: bool  # Telegram sends it with protect_content (no forwarding or saving)
    extra: Mapping[str, Any] | None  # read by the channel's sender only (see `Outgoing`)


def enqueue(
    db: Session, vault: Vault, contact: Contact, **message: Unpack[Message]
) -> OutboxMessage | None:
    """Queue one message (encrypted under the contact's key); None when already queued once."""
    if not can_push(contact.channel):
        return None
    dedupe_key = message.get("dedupe_key")
    if dedupe_key is not None and db.scalar(
        select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
    ):
        return None
    row = build_row(vault, contact, **message)
    # a concurrent job may have queued the same key first: then theirs is kept
    return row if add_unless_taken(db, row) else None


def enqueue_oncall(
    db: Session, vault: Vault, destination: AlertDestination, **message: Unpack[Message]
) -> OutboxMessage | None:
    """Queue one message to an on-call destination (encrypted under its key); None when one
    with the same dedupe key was queued before."""
    dedupe_key = message.get("dedupe_key")
    if dedupe_key is not None and db.scalar(
        select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
    ):
        return None
    row_id = new_id()
    now = message["now"]
    body = {
        "text": message["text"],
        "lang": message["language"],
        "vars": dict(message.get("variables") or {}),
    }
    row = OutboxMessage(
        id=row_id,
        contact_id=None,
        destination_id=destination.id,
        channel=destination.channel,
        kind=message["kind"],
        status="queued",
        body_enc=crypto.encrypt_json(
            destination_key(vault, destination), body, aad=f"outbox:{row_id}"
        ),
        attempts=0,
        next_attempt_at=message.get("not_before") or now,
        dedupe_key=dedupe_key,
        created_at=now,
        updated_at=now,
    )
    return row if add_unless_taken(db, row) else None


def build_row(vault: Vault, contact: Contact, **message: Unpack[Message]) -> OutboxMessage:
    """A queued row, its body encrypted under the contact's key (not yet added to a session)."""
    row_id = new_id()
    now = message["now"]
    body: dict[str, Any] = {
        "text": message["text"],
        "lang": message["language"],
        "vars": dict(message.get("variables") or {}),
    }
    if message.get("sensitive"):
        body["sensitive"] = True
    if message.get("extra"):
        body["extra"] = dict(message.get("extra") or {})
    return OutboxMessage(
        id=row_id,
        contact_id=contact.id,
        channel=contact.channel,
        kind=message["kind"],
        status="queued",
        body_enc=crypto.encrypt_json(contact_key(vault, contact), body, aad=f"outbox:{row_id}"),
        attempts=0,
        next_attempt_at=message.get("not_before") or now,
        subscription_id=message.get("subscription_id"),
        dedupe_key=message.get("dedupe_key"),
        created_at=now,
        updated_at=now,
    )


# -- claiming and settling rows (sync: called in a thread) ---------------------------------


def claim(
    sessions: sessionmaker[Session], channel: str, now: datetime, lease: timedelta
) -> str | None:
    """Atomically take the oldest due queued row of a channel; its id, or None."""
    taken = claim_batch(sessions, channel, now, lease, 1)
    return taken[0] if taken else None


def claim_batch(
    sessions: sessionmaker[Session], channel: str, now: datetime, lease: timedelta, limit: int
) -> list[str]:
    """Atomically take up to `limit` due queued rows of a channel; their ids, oldest first.

    A row waits while an older row to the same contact is queued or in flight, so a chat gets
    its messages in the order they were queued, whichever worker or process sends them (and a
    batch holds at most one row per chat). On PostgreSQL rows another worker is taking are
    skipped (`FOR UPDATE SKIP LOCKED`) instead of waited for.
    """
    pending = aliased(OutboxMessage)
    earlier = aliased(OutboxMessage)
    older_in_chat = exists().where(
        earlier.contact_id == pending.contact_id,
        earlier.status.in_(("queued", "sending")),
        or_(
            earlier.created_at < pending.created_at,
            and_(earlier.created_at == pending.created_at, earlier.id < pending.id),
        ),
    )
    with sessions() as db, db.begin():
        candidates = (
            select(pending.id)
            .where(
                pending.status == "queued",
                pending.channel == channel,
                pending.next_attempt_at <= now,
                ~older_in_chat,
            )
            .order_by(pending.next_attempt_at, pending.created_at)
            .limit(limit)
        )
        if db.get_bind().dialect.name == "postgresql":
            # A CTE runs once; an IN (subquery) may run again for every row the UPDATE scans,
            # each run skipping the rows the last one locked, and so take far more than `limit`.
            chosen = candidates.with_for_update(skip_locked=True, of=pending).cte("chosen")
            which = and_(
                OutboxMessage.id.in_(select(chosen.c.id)), OutboxMessage.status == "queued"
            )
        else:  # one writer at a time on SQLite (`BEGIN IMMEDIATE`): the ids first, then their
            # rows by key; a status test here made SQLite scan every queued row for the ids
            chosen_ids = list(db.scalars(candidates))
            if not chosen_ids:
                return []
            which = OutboxMessage.id.in_(chosen_ids)
        claimed = db.execute(
            update(OutboxMessage)
            .where(which)
            .values(
                status="sending",
                lease_until=now + lease,
                waiting_since=now,
                attempts=OutboxMessage.attempts + 1,
                updated_at=now,
            )
            .returning(OutboxMessage.id, OutboxMessage.next_attempt_at, OutboxMessage.created_at)
            .execution_options(synchronize_session=False)
        ).all()
    return [str(row[0]) for row in sorted(claimed, key=lambda row: (row[1], row[2]))]


@dataclass(frozen=True)
class Prepared:
    """A claimed row made ready to send, or the reason it will not be.

    `contact_id` names the chat it goes to (a contact's or an on-call destination's id), for
    the per-chat rate limit.
    """

    outgoing: Outgoing | None
    contact_id: str | None
    postpone_until: datetime | None = None
    fail_code: str | None = None


@dataclass(frozen=True)
class Recipient:
    """Whom a row goes to: a contact or an on-call destination, its key and address."""

    id: str
    channel: str
    key: bytes
    address: str
    last_inbound_at: datetime | None
    refuses: bool  # opted out or blocked the bot
    oncall: bool


def recipient(db: Session, vault: Vault, row: OutboxMessage) -> Recipient | None:
    """The row's recipient, decrypted just for sending; None when it is gone."""
    chat: AlertDestination | Contact | None = None
    if row.destination_id is not None:
        chat = db.get(AlertDestination, row.destination_id)
    elif row.contact_id is not None:
        chat = db.get(Contact, row.contact_id)
    # The two kinds of chat differ only in how their key and address are kept.
    match chat:
        case AlertDestination():
            key, address = destination_key(vault, chat), destination_address(vault, chat)
            refuses = False
        case Contact():
            key, address = contact_key(vault, chat), contact_address(vault, chat)
            refuses = chat.opted_out or chat.stopped
        case _:
            return None
    return Recipient(
        id=chat.id,
        channel=chat.channel,
        key=key,
        address=address,
        last_inbound_at=chat.last_inbound_at,
        refuses=refuses,
        oncall=isinstance(chat, AlertDestination),
    )


def row_template(
    db: Session, settings: Settings, row: OutboxMessage, who: Recipient, language: str
) -> str | None:
    """The WhatsApp template for a row: the kind's own for an on-call alert (a notice's
    template would say something else), else with the notice and Spanish fallbacks."""
    templates = templates_in_use(db, settings.whatsapp_templates)
    if who.oncall:
        return templates.get(f"{row.kind}:{language}") or templates.get(
            f"{row.kind}:{DEFAULT_LANGUAGE}"
        )
    return template_sid(templates, row.kind, language)


def prepare(
    sessions: sessionmaker[Session], vault: Vault, settings: Settings, row_id: str, now: datetime
) -> Prepared:
    """Decrypt the row, check opt-outs, quiet hours and WhatsApp's window; pick a template."""
    return prepare_many(sessions, vault, settings, [row_id], now)[row_id]


def prepare_many(
    sessions: sessionmaker[Session],
    vault: Vault,
    settings: Settings,
    row_ids: list[str],
    now: datetime,
) -> dict[str, Prepared]:
    """`prepare` for claimed rows together: the rows and their recipients in two queries."""
    with sessions() as db:
        rows = {
            row.id: row
            for row in db.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(row_ids)))
        }
        contact_ids = {row.contact_id for row in rows.values() if row.contact_id is not None}
        if contact_ids:  # loaded into the session, where `recipient` finds them
            db.scalars(select(Contact).where(Contact.id.in_(contact_ids))).all()
        return {row_id: _prepare(db, vault, settings, rows.get(row_id), now) for row_id in row_ids}


def _prepare(
    db: Session, vault: Vault, settings: Settings, row: OutboxMessage | None, now: datetime
) -> Prepared:
    if row is None or row.body_enc is None:
        return Prepared(None, None, fail_code="gone")
    who = recipient(db, vault, row)
    if who is None:
        return Prepared(None, None, fail_code="gone")
    if who.refuses:
        return Prepared(None, who.id, fail_code="opted_out")
    if row.subscription_id is not None:
        subscription = db.get(FollowSubscription, row.subscription_id)
        if subscription is not None:
            quiet = QuietHours.parse(f"{subscription.quiet_start}-{subscription.quiet_end}")
            allowed = quiet.next_allowed(now, subscription.timezone)
            if allowed > now:  # a retry drifted into the night: wait for the morning
                return Prepared(None, who.id, postpone_until=allowed)
    body: dict[str, Any] = crypto.decrypt_json(who.key, row.body_enc, aad=f"outbox:{row.id}")
    content_sid = None
    if who.channel == "whatsapp" and not in_window(who, now):
        content_sid = row_template(db, settings, row, who, body["lang"])
        if content_sid is None:
            return Prepared(None, who.id, fail_code="no_template")
    return Prepared(
        Outgoing(
            address=who.address,
            text=body["text"],
            content_sid=content_sid,
            variables=body.get("vars") or {},
            sensitive=bool(body.get("sensitive")),
            extra=body.get("extra"),
        ),
        who.id,
    )


def in_window(contact: Contact | Recipient, now: datetime) -> bool:
    """Whether WhatsApp still takes free text: the person wrote within the last 24 hours."""
    last = contact.last_inbound_at
    if last is None:
        return False
    return now - last < WHATSAPP_WINDOW


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
    return settle_many(
        sessions, [(row_id, outcome)], now=now, max_attempts=max_attempts, backoff_base=backoff_base
    )[0]


def settle_many(
    sessions: sessionmaker[Session],
    outcomes: list[tuple[str, Outcome]],
    *,
    now: datetime,
    max_attempts: int,
    backoff_base: float,
) -> list[str]:
    """`settle` for several sends in one transaction (the rows in one query); their statuses."""
    settled: list[tuple[str, str]] = []
    with sessions() as db, db.begin():
        ids = [row_id for row_id, _ in outcomes]
        rows = {
            row.id: row
            for row in db.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids)))
        }
        for row_id, outcome in outcomes:
            row = rows.get(row_id)
            if row is None or row.status != "sending":
                # reconciled meanwhile (lease ran out): the reconciler's verdict stands
                settled.append(("gone", ""))
                continue
            _settle_row(db, row, outcome, now, max_attempts, backoff_base)
            settled.append((row.status, row.channel))
    for status, channel in settled:
        if channel:
            metrics.count_send(channel, "retry" if status == "queued" else status)
    return [status for status, _ in settled]


def _settle_row(
    db: Session,
    row: OutboxMessage,
    outcome: Outcome,
    now: datetime,
    max_attempts: int,
    backoff_base: float,
) -> None:
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
    if row.kind == REPLY and row.status != "queued":
        row.body_enc = None  # a reply's words stay in the chat only, like a direct reply's


def words_after_send() -> ColumnElement[Any]:
    """A settled row's text, for an UPDATE: none for a reply (its words stay in the chat only,
    however its row ends), the text otherwise."""
    return case((OutboxMessage.kind == REPLY, null()), else_=OutboxMessage.body_enc)


def given_up(code: str, now: datetime) -> dict[str, Any]:
    """The columns of a row given up: failed with its reason, its lease over, its words kept
    only where they are not a reply's."""
    return {
        "status": "failed",
        "error_code": code,
        "lease_until": None,
        "updated_at": now,
        "body_enc": words_after_send(),
    }


def mark_started(sessions: sessionmaker[Session], row_ids: list[str]) -> set[str]:
    """Record that the sends of these claimed rows begin (committed before any of them goes);
    the ids still ours (a row reconciled meanwhile is not sent)."""
    with sessions() as db, db.begin():
        marked = db.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(row_ids), OutboxMessage.status == "sending")
            .values(waiting_since=None)
            .returning(OutboxMessage.id)
            .execution_options(synchronize_session=False)
        )
        return {str(row_id) for row_id in marked.scalars()}


def given_back(due: datetime) -> dict[str, Any]:
    """The values of a claimed row given back, due then, its attempt not counted."""
    return {
        "status": "queued",
        "next_attempt_at": due,
        "lease_until": None,
        "waiting_since": None,
        "attempts": OutboxMessage.attempts - 1,
    }


def postpone(sessions: sessionmaker[Session], row_id: str, until: datetime) -> None:
    """Give a claimed row back, due later, without counting the attempt."""
    with sessions() as db, db.begin():
        db.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row_id, OutboxMessage.status == "sending")
            .values(given_back(until))
            .execution_options(synchronize_session=False)
        )


def fail(sessions: sessionmaker[Session], row_id: str, code: str, now: datetime) -> None:
    """Give up on a claimed row that cannot be sent."""
    with sessions() as db, db.begin():
        db.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row_id, OutboxMessage.status == "sending")
            .values(**given_up(code, now))
            .execution_options(synchronize_session=False)
        )


def backoff(attempts: int, base: float, retry_after: float | None) -> float:
    """Seconds to wait: the provider's retry_after, or base * 2^(n-1), both with jitter."""
    if retry_after is not None:
        return retry_after + random.uniform(0, base)
    delay = min(BACKOFF_CAP, base * 2.0 ** max(0, attempts - 1))
    return float(delay * random.uniform(0.5, 1.5))
