"""Contacts: a person as reached on one channel, found by a blind index of their address."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from bot.store import crypto
from bot.store.base import add_unless_taken
from bot.store.models import Contact, new_id
from bot.store.vault import Vault


@dataclass(frozen=True)
class Sender:
    """Who wrote: a channel and the address on it (phone, chat id, web token). Personal data."""

    channel: str
    address: str


def address_index(db: Session, vault: Vault, sender: Sender) -> str:
    return vault.index(db, sender.address, purpose=f"address:{sender.channel}")


def find_contact(
    db: Session, vault: Vault, sender: Sender, *, lock: bool = False
) -> Contact | None:
    """The contact for a sender, or None; never compares plaintext addresses.

    With `lock`, the row stays locked until the transaction ends (PostgreSQL), so two messages
    from one person handled by two workers at once take turns instead of overwriting each other.
    """
    index = address_index(db, vault, sender)
    query = (
        select(Contact)
        .where(Contact.channel == sender.channel, Contact.address_index == index)
        .options(joinedload(Contact.conversation))  # every inbound message needs both
    )
    if lock:
        query = query.with_for_update(of=Contact)
    return db.scalars(query).first()


def get_or_create_contact(
    db: Session, vault: Vault, sender: Sender, now: datetime, *, lock: bool = False
) -> Contact:
    """The sender's contact, created (with its own data key) on first contact."""
    contact = find_contact(db, vault, sender, lock=lock)
    if contact is not None:
        return contact
    contact_id = new_id()
    key, wrapped = vault.new_key(f"contact:{contact_id}")
    contact = Contact(
        id=contact_id,
        channel=sender.channel,
        address_index=address_index(db, vault, sender),
        address_enc=crypto.encrypt(
            key, sender.address.encode(), aad=f"contact:{contact_id}:address"
        ),
        wrapped_key=wrapped,
        created_at=now,
        opted_out=False,
        stopped=False,
    )
    if add_unless_taken(db, contact):
        return contact
    # the same person's other message created it a moment ago
    existing = find_contact(db, vault, sender, lock=lock)
    assert existing is not None
    return existing


def readdress(db: Session, vault: Vault, contact: Contact, address: str) -> None:
    """Give a contact a new address on its channel (the web chat's new session token): the old
    address finds nothing any more."""
    key = contact_key(vault, contact)
    contact.address_index = address_index(db, vault, Sender(contact.channel, address))
    contact.address_enc = crypto.encrypt(key, address.encode(), aad=f"contact:{contact.id}:address")
    db.flush()


def contact_key(vault: Vault, contact: Contact) -> bytes:
    return vault.open_key(contact.wrapped_key, f"contact:{contact.id}")


def contact_address(vault: Vault, contact: Contact) -> str:
    """Decrypt a contact's address (to send to it)."""
    key = contact_key(vault, contact)
    return crypto.decrypt(key, contact.address_enc, aad=f"contact:{contact.id}:address").decode()


def set_opted_out(
    db: Session, vault: Vault, sender: Sender, opted_out: bool, now: datetime
) -> Contact:
    """Record a carrier opt-out (STOP) or opt-in (START) for a sender."""
    contact = get_or_create_contact(db, vault, sender, now)
    contact.opted_out = opted_out
    return contact


def mark_stopped(db: Session, contact: Contact) -> None:
    """The person blocked the bot: send nothing more until they write again."""
    contact.stopped = True
