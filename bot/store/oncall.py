"""On-call destinations: where an organization's alerts go (an SMS or WhatsApp number, or a
Telegram chat), each address encrypted under a data key of its own and found by a blind index.

They are staff's numbers, not victims' data; but a list of who is on call for a shelter is
worth protecting, so they are stored like a contact's address.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store import crypto
from bot.store.contacts import Sender
from bot.store.models import AlertDestination, new_id
from bot.store.vault import Vault

ONCALL_CHANNELS = ("sms", "whatsapp", "telegram")


def _index(db: Session, vault: Vault, channel: str, address: str) -> str:
    return vault.index(db, address, purpose=f"oncall:{channel}")


def oncall_index(db: Session, vault: Vault, sender: Sender) -> str:
    """The blind index an on-call destination with the sender's address is stored under."""
    return _index(db, vault, sender.channel, sender.address)


def _context(destination_id: str) -> str:
    return f"oncall:{destination_id}"


def add_destination(
    db: Session, vault: Vault, org_id: str, channel: str, address: str, now: datetime
) -> AlertDestination:
    """An on-call destination of an organization (the same one again is not added twice)."""
    assert channel in ONCALL_CHANNELS
    index = _index(db, vault, channel, address)
    existing = db.scalars(
        select(AlertDestination).where(
            AlertDestination.org_id == org_id,
            AlertDestination.channel == channel,
            AlertDestination.address_index == index,
        )
    ).first()
    if existing is not None:
        return existing
    destination_id = new_id()
    key, wrapped = vault.new_key(_context(destination_id))
    destination = AlertDestination(
        id=destination_id,
        org_id=org_id,
        channel=channel,
        address_index=index,
        address_enc=crypto.encrypt(key, address.encode(), aad=f"oncall:{destination_id}:address"),
        wrapped_key=wrapped,
        key_id=vault.key_id,
        created_at=now,
    )
    db.add(destination)
    return destination


def destinations_of(db: Session, org_id: str) -> list[AlertDestination]:
    """An organization's on-call destinations, oldest first."""
    return list(
        db.scalars(
            select(AlertDestination)
            .where(AlertDestination.org_id == org_id)
            .order_by(AlertDestination.created_at, AlertDestination.id)
        )
    )


def remove_destinations(db: Session, org_id: str) -> int:
    """Remove every on-call destination of an organization; how many there were."""
    found = destinations_of(db, org_id)
    for destination in found:
        db.delete(destination)
    return len(found)


def find_destinations(db: Session, vault: Vault, sender: Sender) -> list[AlertDestination]:
    """The on-call destinations (of any organization) a sender is: usually none."""
    if sender.channel not in ONCALL_CHANNELS:
        return []
    index = _index(db, vault, sender.channel, sender.address)
    return list(
        db.scalars(
            select(AlertDestination).where(
                AlertDestination.channel == sender.channel,
                AlertDestination.address_index == index,
            )
        )
    )


def destination_key(vault: Vault, destination: AlertDestination) -> bytes:
    return vault.open_key(destination.wrapped_key, _context(destination.id))


def destination_address(vault: Vault, destination: AlertDestination) -> str:
    """Decrypt a destination's address (to send to it, or to show it masked)."""
    return crypto.decrypt(
        destination_key(vault, destination),
        destination.address_enc,
        aad=f"oncall:{destination.id}:address",
    ).decode()


def masked(address: str) -> str:
    """`+5215512345678` -> `···78`: enough for an admin to tell numbers apart."""
    return "···" + address[-2:]
