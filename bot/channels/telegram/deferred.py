"""A reply goes to the outbox, which sends it: the webhook does not wait for the Bot API.

By the time a reply is queued, the conversation and the update's receipt are committed, so
Telegram's redelivery of the update would be skipped as a duplicate. The reply's parts (see
`replies.py`) are queued encrypted, in order and after anything queued for the chat before, in
one transaction with the ids of the person's messages that /erase may delete; the delivery
worker sends them at most once, a chat's rows one after the other, and keeps no words of a row
once it is sent or given up (its message id stays, for /erase).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.telegram.recent import keep_ids
from bot.channels.telegram.replies import Part
from bot.core.clock import Clock
from bot.delivery.queue import REPLY, enqueue
from bot.store.contacts import Sender, find_contact
from bot.store.models import OutboxMessage
from bot.store.vault import Vault

KIND = REPLY
# Rows of a chat are sent in the order they were made: parts of a reply a millisecond apart.
STEP = timedelta(milliseconds=1)


def queue_reply(
    sessions: sessionmaker[Session],
    vault: Vault,
    clock: Clock,
    sender: Sender,
    parts: Sequence[Part],
    *,
    language: str,
    key: str,
    shown: Sequence[int] = (),
) -> int | None:
    """Queue the parts for this chat, in order, and keep the ids of the person's messages in
    `shown`; how many rows were queued, or None when there is nobody to queue for (the person
    erased their data in this very update, or never wrote).

    `key` names the update: the rows are queued once even if this runs twice for it.
    """
    now = clock()
    with sessions() as db, db.begin():
        contact = find_contact(db, vault, sender)
        if contact is None:
            return None
        # They just wrote or pressed a button, so they have not blocked the bot.
        contact.stopped = False
        if shown:
            keep_ids(db, vault, contact, shown, now)
        last = db.scalar(
            select(func.max(OutboxMessage.created_at)).where(OutboxMessage.contact_id == contact.id)
        )
        # After the chat's earlier rows, even those made within the same millisecond.
        first = max(now, last + STEP) if last is not None else now
        queued = 0
        for number, part in enumerate(parts):
            row = enqueue(
                db,
                vault,
                contact,
                kind=KIND,
                text=part.text,
                language=language,
                now=first + number * STEP,
                not_before=now,
                dedupe_key=f"telegram-reply:{key}:{number}",
                sensitive=part.sensitive,
                extra=part.extra,
            )
            queued += row is not None
        return queued
