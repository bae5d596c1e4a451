"""A reply goes to the outbox, which sends it: the webhook does not wait for the Bot API.

The engine's reply is queued in the engine's own transaction (`queue_in`, run by
`Conversations.handle`), so the conversation, the update's receipt and the reply are kept
together or not at all; a reply the channel makes itself (/erase, an edit) is queued in a
transaction of its own (`queue_reply`). The reply's parts (see `replies.py`) are queued
encrypted, in order and after anything queued for the chat before, with the ids of the
person's messages that /erase may delete; the delivery worker sends them at most once, a chat's
rows one after the other, and keeps no words of a row once it is sent or given up (its message
id stays, for /erase).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import bindparam, case, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.telegram.recent import keep_ids
from bot.channels.telegram.replies import Part
from bot.core.clock import Clock
from bot.delivery.queue import REPLY, build_row
from bot.store.contacts import Sender, find_contact
from bot.store.models import Contact, OutboxMessage
from bot.store.vault import Vault

KIND = REPLY
# Rows of a chat are sent in the order they were made: parts of a reply a millisecond apart.
STEP = timedelta(milliseconds=1)
# The chat's last row, and whether this update's rows are queued already (all of them are, or
# none: they go in one transaction; the unique key is the backstop). Built once: constructing a
# statement costs more Python than running it.
_LAST_AND_QUEUED = select(
    func.max(OutboxMessage.created_at),
    func.max(case((OutboxMessage.dedupe_key.in_(bindparam("keys", expanding=True)), 1), else_=0)),
).where(OutboxMessage.contact_id == bindparam("contact_id"))


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
    never wrote, or erased their data).

    `key` names the update: the rows are queued once even if this runs twice for it.
    """
    with sessions() as db, db.begin():
        contact = find_contact(db, vault, sender)
        if contact is None:
            return None
        return queue_in(db, vault, clock(), contact, parts, language=language, key=key, shown=shown)


def queue_in(
    db: Session,
    vault: Vault,
    now: datetime,
    contact: Contact,
    parts: Sequence[Part],
    *,
    language: str,
    key: str,
    shown: Sequence[int] = (),
) -> int:
    """`queue_reply` in the caller's transaction, for a contact found already."""
    # They just wrote or pressed a button, so they have not blocked the bot.
    contact.stopped = False
    if shown:
        keep_ids(db, vault, contact, shown, now)
    keys = [f"telegram-reply:{key}:{number}" for number in range(len(parts))]
    last, queued_before = db.execute(
        _LAST_AND_QUEUED, {"keys": keys, "contact_id": contact.id}
    ).one()
    if queued_before or not parts:
        return 0
    # After the chat's earlier rows, even those made within the same millisecond.
    first = max(now, last + STEP) if last is not None else now
    db.add_all(
        build_row(
            vault,
            contact,
            kind=KIND,
            text=part.text,
            language=language,
            now=first + number * STEP,
            not_before=now,
            dedupe_key=keys[number],
            sensitive=part.sensitive,
            extra=part.extra,
        )
        for number, part in enumerate(parts)
    )
    return len(parts)
