"""Rows in flight when a process died: settled before anything retries them.

A row still `sending` after its lease ran out was in flight when a process died (the SID is
stored in the same commit that marks the row sent, so it has none):
- SMS and WhatsApp (Twilio): the reconciler takes the row with a fresh lease and asks Twilio
  (`SentLookup.find_sent`): the messages sent to that number since the row was claimed, matched
  by the SHA-256 of the text. Found: the row is `sent` with that SID. Not found: Twilio never
  accepted it, and the row is queued again. Twilio unreachable: the row waits for the next pass
  (and after a day gives up as below). A WhatsApp row that may have gone out as a template
  cannot be matched by its text, so it is treated like Telegram.
- Telegram: the Bot API cannot list what a bot sent, and resending could put a second copy on a
  phone that others may read, so the outbox is **at most once** there: the row is marked
  `failed` with error `in_flight_unknown`, visible to staff, never resent. A row whose send had
  not begun (`waiting_since`: claimed, waiting for its slot) was never in flight, and is queued
  again.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.core.config import Settings
from bot.delivery import Outgoing, SentLookup
from bot.delivery.queue import (
    given_back,
    given_up,
    in_window,
    recipient,
    row_template,
    words_after_send,
)
from bot.store import crypto
from bot.store.models import OutboxMessage
from bot.store.vault import Vault

log = logging.getLogger(__name__)

IN_FLIGHT_UNKNOWN = "in_flight_unknown"
IN_FLIGHT_NOT_SENT = "in_flight_not_sent"  # looked up: the provider never accepted it
# Provider clocks may differ from ours: look a little further back than the claim.
LOOKUP_MARGIN = timedelta(minutes=5)
# A row whose provider cannot be asked for this long is given up (at most once).
LOOKUP_GIVE_UP = timedelta(hours=24)


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
            select(OutboxMessage.id, OutboxMessage.channel, OutboxMessage.waiting_since).where(
                OutboxMessage.status == "sending", OutboxMessage.lease_until < now
            )
        ).all()
    verdicts: Counter[str] = Counter()
    for row_id, channel, waiting in expired:
        lookup = (lookups or {}).get(channel)
        if lookup is None and waiting is not None:
            verdicts[_unclaim(sessions, row_id, now)] += 1
        elif lookup is None:
            verdicts[_give_up(sessions, row_id, now, expired_only=True)] += 1
        else:
            verdicts[_look_up(sessions, vault, settings, row_id, lookup, now)] += 1
    verdicts.pop("skipped", None)
    if verdicts:
        log.warning("outbox rows were in flight when a process stopped", extra=dict(verdicts))
    return verdicts


def _unclaim(sessions: sessionmaker[Session], row_id: str, now: datetime) -> str:
    """A row claimed by a process that died before its send began: never in flight, so it is
    queued again, its attempt uncounted."""
    with sessions() as db, db.begin():
        result = db.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == row_id,
                OutboxMessage.status == "sending",
                OutboxMessage.lease_until < now,
                OutboxMessage.waiting_since.is_not(None),
            )
            .values({**given_back(now), "updated_at": now})
            .execution_options(synchronize_session=False)
        )
        return "queued" if int(getattr(result, "rowcount", 0) or 0) == 1 else "skipped"


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
            .values(**given_up(IN_FLIGHT_UNKNOWN, now))
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
    """Decrypt an in-flight row's text and address (None when its recipient is gone)."""
    with sessions() as db:
        row = db.get(OutboxMessage, row_id)
        if row is None or row.body_enc is None:
            return None
        who = recipient(db, vault, row)
        if who is None:
            return None
        body: dict[str, Any] = crypto.decrypt_json(who.key, row.body_enc, aad=f"outbox:{row.id}")
        claimed_at = row.updated_at  # `claim` stamps it
        same_recipient = (
            OutboxMessage.destination_id == who.id
            if who.oncall
            else OutboxMessage.contact_id == who.id
        )
        known = db.scalars(
            select(OutboxMessage.provider_message_id).where(
                same_recipient, OutboxMessage.provider_message_id.is_not(None)
            )
        )
        # A template's text is Twilio's rendering, which cannot be matched: was it one?
        last_inbound = who.last_inbound_at
        maybe_template = (
            who.channel == "whatsapp"
            and row_template(db, settings, row, who, body["lang"]) is not None
            and (
                not in_window(who, claimed_at)
                or (last_inbound is not None and last_inbound > claimed_at)
            )
        )
        return InFlight(
            message=Outgoing(address=who.address, text=body["text"]),
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
                "body_enc": words_after_send(),
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
