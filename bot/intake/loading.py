"""One round trip loads what every inbound message needs: the contact, its conversation and its
flags (follows a case, reported a followable case, has an open talk-back thread, is an on-call
destination).

The contact row is locked until the transaction ends (PostgreSQL), so two messages from one
person handled by two workers at once take turns instead of overwriting each other's state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import Session, joinedload

from bot.store.alerting import AlertDestination
from bot.store.contacts import Sender, address_index, get_or_create_contact
from bot.store.models import Case, Contact, FollowSubscription, TalkbackThread
from bot.store.oncall import oncall_index
from bot.store.vault import Vault


@dataclass(frozen=True)
class Flags:
    """What the conversation needs to know about a contact besides its state."""

    follows: bool = False
    reports_followable: bool = False
    open_thread: bool = False
    # The same address is an organization's on-call destination (it may be answering an alert).
    on_call: bool = False


NEW = Flags()


# Built once: constructing a statement costs more Python than running it (SQLAlchemy caches
# the compiled form by the statement's structure; the values are bound parameters).
_BY_ADDRESS = (
    select(
        Contact,
        exists().where(FollowSubscription.contact_id == Contact.id),
        exists().where(Case.contact_id == Contact.id, Case.pin_hash.is_not(None)),
        exists().where(TalkbackThread.contact_id == Contact.id, TalkbackThread.closed_at.is_(None)),
        exists().where(
            AlertDestination.channel == bindparam("channel"),
            AlertDestination.address_index == bindparam("oncall_index"),
        ),
    )
    .where(Contact.channel == bindparam("channel"), Contact.address_index == bindparam("index"))
    .options(joinedload(Contact.conversation))
    .with_for_update(of=Contact)
)


def find_loaded(db: Session, vault: Vault, sender: Sender) -> tuple[Contact, Flags] | None:
    """The sender's contact (locked) with its conversation and flags; None before first contact."""
    row = db.execute(
        _BY_ADDRESS,
        {
            "channel": sender.channel,
            "index": address_index(db, vault, sender),
            "oncall_index": oncall_index(db, vault, sender),
        },
    ).first()
    if row is None:
        return None
    return row[0], Flags(bool(row[1]), bool(row[2]), bool(row[3]), bool(row[4]))


def create_contact(
    db: Session, vault: Vault, sender: Sender, now: datetime
) -> tuple[Contact, Flags]:
    """The contact of a first message (or the one the same person's other message created a
    moment ago), with its flags."""
    contact = get_or_create_contact(db, vault, sender, now, lock=True)
    return contact, NEW if contact.conversation is None else _flags(db, contact.id)


def _flags(db: Session, contact_id: str) -> Flags:
    row = db.execute(
        select(
            exists().where(FollowSubscription.contact_id == contact_id),
            exists().where(Case.contact_id == contact_id, Case.pin_hash.is_not(None)),
            exists().where(
                TalkbackThread.contact_id == contact_id, TalkbackThread.closed_at.is_(None)
            ),
        )
    ).one()
    return Flags(bool(row[0]), bool(row[1]), bool(row[2]))
