"""What the Telegram channel keeps itself: message ids a person may erase, for 48 hours.

Ids are personal data (they point at a conversation), so each is encrypted under the contact's
key and bound to its row. Rows older than 48 hours are useless (Telegram no longer lets a bot
delete those messages) and are pruned. Messages the outbox delivered to the chat (a deferred
reply, a notice) are erased too: their ids are on the outbox rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.core.clock import Clock
from bot.store import crypto
from bot.store.contacts import (
    Sender,
    contact_key,
    find_contact,
    get_or_create_contact,
    mark_stopped,
)
from bot.store.models import Contact, InboundReceipt, OutboxMessage, RecentMessage, new_id
from bot.store.vault import Vault

# Telegram lets a bot delete messages in a private chat for 48 hours.
ERASE_WINDOW = timedelta(hours=48)
# Outbox rows in these states reached the chat (their provider id is the message id).
DELIVERED = ("sent", "delivered", "read")
# Keeping ids prunes older ones at most this often (a DELETE on every message costs a statement);
# reading them for /erase always prunes first.
PRUNE_EVERY = timedelta(minutes=1)
# When each database (its engine) was pruned last, in this process.
_pruned: WeakKeyDictionary[Engine, datetime] = WeakKeyDictionary()


def prune_recent(db: Session, now: datetime) -> int:
    """Forget message ids older than 48 hours; returns how many rows went."""
    result = db.execute(delete(RecentMessage).where(RecentMessage.sent_at < now - ERASE_WINDOW))
    return int(getattr(result, "rowcount", 0) or 0)


def keep_ids(
    db: Session, vault: Vault, contact: Contact, message_ids: Sequence[int], now: datetime
) -> None:
    """Keep these message ids of the contact's chat (encrypted) for 48 hours; prune older ones
    (at most once a minute per database and process)."""
    key = contact_key(vault, contact)
    for message_id in message_ids:
        row_id = new_id()
        db.add(
            RecentMessage(
                id=row_id,
                contact_id=contact.id,
                sent_at=now,
                message_ref_enc=crypto.encrypt(
                    key, str(message_id).encode(), aad=f"recent:{row_id}"
                ),
            )
        )
    bind = db.get_bind()
    last = _pruned.get(bind) if isinstance(bind, Engine) else None
    if last is None or not last <= now < last + PRUNE_EVERY:
        prune_recent(db, now)
        if isinstance(bind, Engine):
            _pruned[bind] = now


class RecentMessages:
    """The channel's own storage: update claims, recent message ids, blocked contacts."""

    def __init__(self, sessions: sessionmaker[Session], vault: Vault, clock: Clock) -> None:
        self.sessions = sessions
        self.vault = vault
        self.clock = clock

    def seen(self, channel: str, external_id: str) -> bool:
        """Whether this update was already handled (a redelivery)."""
        with self.sessions() as db:
            return db.get(InboundReceipt, (channel, external_id)) is not None

    def claim(self, channel: str, external_id: str) -> bool:
        """Record an update the adapter handled itself; False when it was already recorded."""
        try:
            with self.sessions() as db, db.begin():
                db.add(
                    InboundReceipt(
                        channel=channel, external_id=external_id, received_at=self.clock()
                    )
                )
        except IntegrityError:
            return False
        return True

    def language(self, sender: Sender) -> str | None:
        """The language the person chose, if they have talked to the bot before."""
        with self.sessions() as db:
            contact = find_contact(db, self.vault, sender)
            return contact.language if contact is not None else None

    def known(self, sender: Sender) -> bool:
        """Whether this person has talked to the bot (and not had their data erased)."""
        with self.sessions() as db:
            return find_contact(db, self.vault, sender) is not None

    def remember(self, sender: Sender, message_ids: list[int], *, inbound: bool) -> None:
        """Keep these message ids (the person's and the bot's) so they can be erased later."""
        now = self.clock()
        with self.sessions() as db, db.begin():
            contact = get_or_create_contact(db, self.vault, sender, now)
            if inbound:
                contact.stopped = False  # they wrote again, so they unblocked the bot
            keep_ids(db, self.vault, contact, message_ids, now)

    def pending(self, sender: Sender) -> dict[int, list[str]]:
        """This chat's message ids under 48 hours old, each with the rows that keep it."""
        now = self.clock()
        with self.sessions() as db, db.begin():
            prune_recent(db, now)
            contact = find_contact(db, self.vault, sender)
            if contact is None:
                return {}
            key = contact_key(self.vault, contact)
            ids: dict[int, list[str]] = {}
            for row in db.scalars(
                select(RecentMessage).where(RecentMessage.contact_id == contact.id)
            ):
                plain = crypto.decrypt(key, row.message_ref_enc, aad=f"recent:{row.id}")
                ids.setdefault(int(plain), []).append(row.id)
            delivered = db.scalars(
                select(OutboxMessage.provider_message_id).where(
                    OutboxMessage.contact_id == contact.id,
                    OutboxMessage.channel == sender.channel,
                    OutboxMessage.status.in_(DELIVERED),
                    OutboxMessage.updated_at >= now - ERASE_WINDOW,
                )
            )
            for provider_id in delivered:
                if provider_id and provider_id.isdecimal():
                    ids.setdefault(int(provider_id), [])
            return ids

    def forget(self, row_ids: Sequence[str]) -> None:
        """Drop the rows of messages that are gone from the chat."""
        if not row_ids:
            return
        with self.sessions() as db, db.begin():
            db.execute(delete(RecentMessage).where(RecentMessage.id.in_(list(row_ids))))

    def mark_blocked(self, sender: Sender) -> None:
        """The person blocked the bot: nothing more is sent until they write again."""
        with self.sessions() as db, db.begin():
            contact = find_contact(db, self.vault, sender)
            if contact is not None:
                mark_stopped(db, contact)
