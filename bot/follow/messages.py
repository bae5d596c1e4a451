"""Talk back on the web chat: a shelter's messages read and answered after the code and PIN.

A browser cannot be written to first, so what a caseworker writes on a case reported on the
web chat waits in the case's thread. A web chat session that follows the case (it gave the
code and PIN, which the reporter may have shared with relatives) reads the thread from the
follow-up menu and answers; the answer goes into the case's open thread, encrypted with the
case key like every talk-back message, and shows in the dashboard's case thread: as the
reporter's when the session gave the reporter's own PIN, as a relative's when it gave the
relatives' PIN. The PIN is asked again when the last check is older than `FRESH`, so a
browser left open does not keep the messages readable.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from bot.cases import case_key
from bot.conversation.modes.follow import ANSWER_MAX
from bot.conversation.protocol import Done, Messages, Said
from bot.core.channels import PULL_CHANNELS, pulls_news
from bot.follow.subscriptions import own_subscription
from bot.store import crypto
from bot.store.models import Case, Contact, FollowSubscription, TalkbackMessage, TalkbackThread
from bot.store.vault import Vault
from bot.talkback.threads import record_reply

log = logging.getLogger(__name__)

FRESH = timedelta(hours=1)
# The newest messages shown at once: a chat screen, not an archive.
SHOWN = 20


def _threads(db: Session, case_id: str) -> list[TalkbackThread]:
    """The case's threads with a web reporter, the most recently active first."""
    return list(
        db.scalars(
            select(TalkbackThread)
            .join(Contact, Contact.id == TalkbackThread.contact_id)
            .where(TalkbackThread.case_id == case_id, Contact.channel.in_(PULL_CHANNELS))
            .order_by(TalkbackThread.last_activity_at.desc())
        )
    )


def _readable_case(db: Session, subscription: FollowSubscription) -> Case | None:
    case = db.get(Case, subscription.case_id)
    if case is None or case.erased_at is not None or not case.wrapped_key:
        return None
    return case


def _subscription(db: Session, reader: Contact, subscription_id: str) -> FollowSubscription | None:
    """The reader's own subscription, and only on the web chat."""
    if not pulls_news(reader.channel):
        return None
    return own_subscription(db, reader, subscription_id)


def _stale(subscription: FollowSubscription, now: datetime) -> bool:
    return now - subscription.pin_checked_at > FRESH


def has_messages(db: Session, reader: Contact, case_id: str) -> bool:
    """Whether a shelter wrote on this case and this chat may read it (after the PIN)."""
    if not pulls_news(reader.channel):
        return False
    ids = [thread.id for thread in _threads(db, case_id)]
    if not ids:
        return False
    return bool(db.scalar(select(exists().where(TalkbackMessage.thread_id.in_(ids)))))


def _readable(
    db: Session, reader: Contact, subscription_id: str, now: datetime
) -> tuple[FollowSubscription, Case] | Messages:
    """The reader's subscription and its case, or the `Messages` that say why not (or PIN)."""
    subscription = _subscription(db, reader, subscription_id)
    case = _readable_case(db, subscription) if subscription is not None else None
    if subscription is None or case is None:
        return Messages(None)
    if _stale(subscription, now):
        return Messages(subscription.id, need_pin=True)
    return subscription, case


def read(
    db: Session, vault: Vault, reader: Contact, subscription_id: str, now: datetime
) -> Messages:
    """The case's talk-back messages as the reader sees them, newest `SHOWN`."""
    found = _readable(db, reader, subscription_id, now)
    if isinstance(found, Messages):
        return found
    subscription, case = found
    threads = _threads(db, case.id)
    ids = [thread.id for thread in threads]
    rows = (
        list(
            db.scalars(
                select(TalkbackMessage)
                .where(TalkbackMessage.thread_id.in_(ids))
                .order_by(TalkbackMessage.created_at)
            )
        )
        if ids
        else []
    )
    key = case_key(vault, case)
    zone = ZoneInfo(subscription.timezone)
    items = tuple(
        Said(
            mine=row.direction == "in",
            day=row.created_at.astimezone(zone).date(),
            text=crypto.decrypt(key, row.body_enc, aad=f"talkback:{row.id}").decode(),
        )
        for row in rows[-SHOWN:]
    )
    can_answer = any(thread.closed_at is None for thread in threads)
    return Messages(subscription.id, items, can_answer=can_answer)


def answer(
    db: Session, vault: Vault, reader: Contact, subscription_id: str, text: str, now: datetime
) -> Messages | Done:
    """Store the reader's answer in the case's most recently active open thread."""
    found = _readable(db, reader, subscription_id, now)
    if isinstance(found, Messages):
        return found
    subscription, case = found
    open_threads = [thread for thread in _threads(db, case.id) if thread.closed_at is None]
    body = text.strip()[:ANSWER_MAX]
    if not open_threads or not body:
        return Done("closed")
    sender = "reporter" if subscription.as_reporter else "follower"
    record_reply(db, vault, open_threads[0], body, now, sender=sender)
    log.info("talk-back answer stored", extra={"channel": reader.channel})
    return Done("answered")
