"""What the Twilio channel itself records: receipts outside the engine, opt-outs, the outbox of
REST sends and their delivery status."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.core.clock import Clock
from bot.store.contacts import Sender, find_contact, set_opted_out
from bot.store.models import Contact, InboundReceipt, OutboxMessage
from bot.store.vault import Vault

log = logging.getLogger(__name__)

# Later states win; a late "queued" callback never undoes "delivered".
_RANK = {"queued": 0, "sending": 1, "sent": 2, "delivered": 3, "read": 4}
_TWILIO_STATUS = {
    "accepted": "queued",
    "scheduled": "queued",
    "queued": "queued",
    "sending": "sending",
    "sent": "sent",
    "delivered": "delivered",
    "read": "read",
    "failed": "failed",
    "undelivered": "failed",
    "canceled": "failed",
}


@dataclass(frozen=True)
class Peek:
    """What is known before processing: a redelivery? the contact opted out? its language?"""

    duplicate: bool
    opted_out: bool
    language: str | None


def peek(
    sessions: sessionmaker[Session], vault: Vault, sender: Sender, external_id: str | None
) -> Peek:
    """Read-only look before doing work (downloads) for a message."""
    with sessions() as db:
        duplicate = (
            external_id is not None
            and db.get(InboundReceipt, (sender.channel, external_id)) is not None
        )
        contact = find_contact(db, vault, sender)
        return Peek(
            duplicate=duplicate,
            opted_out=bool(contact and contact.opted_out),
            language=contact.language if contact else None,
        )


def record_inbound(
    sessions: sessionmaker[Session],
    vault: Vault,
    clock: Clock,
    sender: Sender,
    external_id: str | None,
    *,
    opted_out: bool | None,
) -> bool:
    """Record a message the engine does not see (and an opt-out/in); False for a redelivery."""
    try:
        with sessions() as db, db.begin():
            if external_id is not None:
                db.add(
                    InboundReceipt(
                        channel=sender.channel, external_id=external_id, received_at=clock()
                    )
                )
                db.flush()
            if opted_out is not None:
                set_opted_out(db, vault, sender, opted_out, clock())
                log.info(
                    "twilio opt-out changed",
                    extra={"channel": sender.channel, "opted_out": opted_out},
                )
    except IntegrityError:
        if external_id is None:
            raise
        return False
    return True


def record_send(
    sessions: sessionmaker[Session],
    clock: Clock,
    *,
    contact_id: str,
    channel: str,
    sid: str | None,
    error_code: str | None,
    opted_out: bool,
) -> None:
    """One REST send in the outbox; Twilio's 21610 also opts the contact out."""
    now = clock()
    with sessions() as db, db.begin():
        db.add(
            OutboxMessage(
                contact_id=contact_id,
                channel=channel,
                kind="reply",
                status="failed" if sid is None else "sent",
                provider_message_id=sid,
                attempts=1,
                error_code=error_code,
                created_at=now,
                updated_at=now,
            )
        )
        if opted_out:
            contact = db.get(Contact, contact_id)
            if contact is not None:
                contact.opted_out = True
                log.info("twilio opt-out changed", extra={"channel": channel, "opted_out": True})


def update_status(
    sessions: sessionmaker[Session], clock: Clock, *, sid: str, status: str, error_code: str | None
) -> bool:
    """Apply a status callback to the outbox row with this SID; False when none matches."""
    new = _TWILIO_STATUS.get(status)
    with sessions() as db, db.begin():
        row = db.scalars(
            select(OutboxMessage).where(OutboxMessage.provider_message_id == sid)
        ).first()
        if row is None or new is None:
            return row is not None
        current = row.status
        if new == "failed":
            advance = current not in ("delivered", "read")
        else:
            advance = current != "failed" and _RANK.get(new, -1) > _RANK.get(current, -1)
        if advance:
            row.status = new
            row.updated_at = clock()
        if error_code and error_code != "0":
            row.error_code = error_code
            if error_code == "21610" and row.contact_id:
                contact = db.get(Contact, row.contact_id)
                if contact is not None:
                    contact.opted_out = True
        return True
