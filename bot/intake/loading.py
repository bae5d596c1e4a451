"""One round trip loads what every inbound message needs: the contact, its conversation and its
flags (follows a case, reported a followable case, has an open talk-back thread, is an on-call
destination).

The contact row is locked until the transaction ends (PostgreSQL), so two messages from one
person handled by two workers at once take turns instead of overwriting each other's state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, bindparam, exists, select, update
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from bot.store.alerting import AlertDestination
from bot.store.contacts import Sender, address_index, get_or_create_contact
from bot.store.models import Case, Contact, Conversation, FollowSubscription, TalkbackThread
from bot.store.oncall import oncall_index
from bot.store.types import UtcDateTime
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


# The two writes every message makes, as Core statements: the ORM's unit of work costs more
# Python than the UPDATEs themselves (columns an effect changed still go through it).
_CONTACTS: Table = Contact.__table__  # type: ignore[assignment]
_CONVERSATIONS: Table = Conversation.__table__  # type: ignore[assignment]
_TOUCH = (
    update(_CONTACTS)
    .where(_CONTACTS.c.id == bindparam("contact_id"))
    .values(last_inbound_at=bindparam("now", type_=UtcDateTime()))
)
_SAVE_STATE = (
    update(_CONVERSATIONS)
    .where(_CONVERSATIONS.c.id == bindparam("conversation_id"))
    .values(state_enc=bindparam("state_enc"), updated_at=bindparam("now", type_=UtcDateTime()))
)


def touch(db: Session, contact: Contact, now: datetime) -> None:
    """The contact wrote now (its row is already locked by `find_loaded`)."""
    if contact in db.new:
        contact.last_inbound_at = now
        return
    db.execute(_TOUCH, {"contact_id": contact.id, "now": now})
    set_committed_value(contact, "last_inbound_at", now)


def save_state(db: Session, conversation: Conversation, state_enc: bytes, now: datetime) -> None:
    """Store the conversation's new encrypted state; a new conversation is inserted at commit."""
    if conversation in db.new or db.is_modified(conversation):
        conversation.state_enc = state_enc
        conversation.updated_at = now
        return
    db.execute(
        _SAVE_STATE, {"conversation_id": conversation.id, "state_enc": state_enc, "now": now}
    )
    set_committed_value(conversation, "state_enc", state_enc)
    set_committed_value(conversation, "updated_at", now)
