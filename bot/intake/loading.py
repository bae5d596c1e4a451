"""One round trip loads what every inbound message needs: the contact, its conversation and its
flags (follows a case, reported a followable case, has an open talk-back thread).

The contact row is locked until the transaction ends (PostgreSQL), so two messages from one
person handled by two workers at once take turns instead of overwriting each other's state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import Session, joinedload

from bot.store.contacts import Sender, address_index, get_or_create_contact
from bot.store.models import Case, Contact, FollowSubscription, TalkbackThread
from bot.store.vault import Vault


@dataclass(frozen=True)
class Flags:
    """What the conversation needs to know about a contact besides its state."""

    follows: bool = False
    reports_followable: bool = False
    open_thread: bool = False


NEW = Flags()


# Built once: constructing a statement costs more Python than running it (SQLAlchemy caches
# the compiled form by the statement's structure; the values are bound parameters).
_BY_ADDRESS = (
    select(
        Contact,
        exists().where(FollowSubscription.contact_id == Contact.id),
        exists().where(Case.contact_id == Contact.id, Case.pin_hash.is_not(None)),
        exists().where(TalkbackThread.contact_id == Contact.id, TalkbackThread.closed_at.is_(None)),
    )
    .where(Contact.channel == bindparam("channel"), Contact.address_index == bindparam("index"))
    .options(joinedload(Contact.conversation))
    .with_for_update(of=Contact)
)


def load_contact(db: Session, vault: Vault, sender: Sender, now: datetime) -> tuple[Contact, Flags]:
    """The sender's contact (created on first contact) with its conversation and flags."""
    index = address_index(db, vault, sender)
    row = db.execute(_BY_ADDRESS, {"channel": sender.channel, "index": index}).first()
    if row is not None:
        return row[0], Flags(bool(row[1]), bool(row[2]), bool(row[3]))
    # First contact, or created by the same person's other message a moment ago.
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
