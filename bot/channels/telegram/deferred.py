"""A reply the Bot API would not take right now goes to the outbox, which retries it.

By the time a reply is sent, the conversation and the update's receipt are committed, so
Telegram's redelivery of the update would be skipped as a duplicate. When a send fails in a way
worth retrying (a 429 outlasting PTB's retries, a timeout, a 5xx), the parts not yet sent are
queued instead, encrypted, in order, and the outbox worker delivers them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.core.clock import Clock
from bot.delivery.queue import enqueue
from bot.store.contacts import Sender, find_contact
from bot.store.vault import Vault

KIND = "reply"


def queue_reply(
    sessions: sessionmaker[Session],
    vault: Vault,
    clock: Clock,
    sender: Sender,
    texts: Sequence[tuple[str, bool]],
    *,
    language: str,
    key: str,
) -> int:
    """Queue (text, sensitive) messages for this chat, in order; how many rows were queued.

    `key` names the update: the rows are queued once even if this runs twice for it.
    """
    now = clock()
    with sessions() as db, db.begin():
        contact = find_contact(db, vault, sender)
        if contact is None:  # erased on request in this very update: nothing is kept
            return 0
        # They just wrote or pressed a button, so they have not blocked the bot.
        contact.stopped = False
        queued = 0
        for number, (text, sensitive) in enumerate(texts):
            row = enqueue(
                db,
                vault,
                contact,
                kind=KIND,
                text=text,
                language=language,
                # Sent oldest first, one after the other: a millisecond apart keeps the order
                # of the parts, retries included.
                now=now + timedelta(milliseconds=number),
                dedupe_key=f"telegram-reply:{key}:{number}",
                sensitive=sensitive,
            )
            queued += row is not None
        return queued
