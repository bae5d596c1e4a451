"""Talk back: a caseworker writes to the reporter through the reporter's own channel.

A message goes out only when the reporter agreed to be contacted in this chat, has not opted
out or blocked the bot, and (on WhatsApp) wrote within the last 24 hours; outside the hours the
reporter chose, it waits in the outbox until they begin ("a cualquier hora" is any hour: such a
message goes out at once, at night too). The thread shows when a queued message will go out.
While a thread is open, the reporter's text replies are stored in it (encrypted with the case
key) instead of going to the bot's flow.

A browser cannot be written to first: on a case reported on the web chat, the message is only
stored in the thread, and whoever comes back to the chat with the case code and a PIN reads and
answers it there (`bot.follow.messages`). The reporter has a PIN of their own for this (given
with the receipt when they asked to be written to in this chat); an answer given with it is the
reporter's (`sender="reporter"`). An answer given with the relatives' PIN is a follower's
(`sender="follower"`): the thread never shows it as the reporter's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from bot.cases import case_key
from bot.conversation.messages import InboundEvent, OutboundMessage
from bot.conversation.parsers import normalize
from bot.core.channels import can_push, pulls_news
from bot.core.quiet_hours import QuietHours
from bot.delivery import queue as outbox
from bot.store import crypto
from bot.store.models import (
    Case,
    Contact,
    Organization,
    OutboxMessage,
    Staff,
    TalkbackMessage,
    TalkbackThread,
    new_id,
)
from bot.store.vault import Vault
from flows.keywords import GLOBAL_WORDS

KIND = "talkback"
WHATSAPP_WINDOW = timedelta(hours=24)
MAX_LENGTH = 1000
# The hours a reporter may choose, as the quiet hours outside them ("any": none at all).
QUIET_OUTSIDE = {
    "morning": "12:00-08:00",
    "afternoon": "18:00-12:00",
    "evening": "21:00-18:00",
    "any": "00:00-00:00",
    "day": "21:00-08:00",
}
# A reporter who chose no hours is not written to at night.
UNCHOSEN = "21:00-08:00"


GLOBAL = frozenset(normalize(word) for words in GLOBAL_WORDS.values() for word in words)


class TalkbackRefused(ValueError):
    """Why a message cannot be sent: a reason code the page translates."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ThreadMessage:
    """A message of the thread, decrypted."""

    direction: str
    body: str
    created_at: datetime
    status: str | None
    # Who wrote it: "staff", "reporter" or "follower" (code and PIN holder, maybe a relative).
    sender: str = "reporter"
    # When a queued message goes out (the start of the hours the reporter chose).
    not_before: datetime | None = None


def reachable_contact(db: Session, case: Case, now: datetime) -> Contact:
    """The reporter's contact when talking back is allowed now; `TalkbackRefused` otherwise."""
    if case.wants_contact and case.contact_channel == "phone_call":
        raise TalkbackRefused("by_phone")  # they asked for a call, not for messages
    if case.anonymous or case.contact_id is None:
        raise TalkbackRefused("anonymous")
    if not case.wants_contact or case.contact_channel != "this_chat":
        raise TalkbackRefused("no_consent")
    contact = db.get(Contact, case.contact_id)
    if contact is None:
        raise TalkbackRefused("anonymous")
    if contact.opted_out or contact.stopped:
        raise TalkbackRefused("opted_out")
    if pulls_news(contact.channel):
        if case.pin_hash is None and case.reply_pin_hash is None:  # nobody can come back
            raise TalkbackRefused("channel")
        return contact
    if not can_push(contact.channel):
        raise TalkbackRefused("channel")
    if contact.channel == "whatsapp":
        last = contact.last_inbound_at
        if last is None or now - last >= WHATSAPP_WINDOW:
            raise TalkbackRefused("whatsapp_window")
    return contact


def next_allowed(case: Case, now: datetime, timezone: str) -> datetime:
    """The first moment within the hours the reporter chose (now, if now is one)."""
    quiet = QuietHours.parse(QUIET_OUTSIDE.get(case.contact_hours or "", UNCHOSEN))
    return quiet.next_allowed(now, timezone)


def _open_threads(case: Case, org: Organization) -> Select[TalkbackThread]:
    """The case's open threads with this organization (one at most, as `open_thread` keeps it)."""
    return select(TalkbackThread).where(
        TalkbackThread.case_id == case.id,
        TalkbackThread.org_id == org.id,
        TalkbackThread.closed_at.is_(None),
    )


def open_thread(
    db: Session, case: Case, contact: Contact, org: Organization, now: datetime
) -> TalkbackThread:
    """The case's open thread with this organization, opened now if there is none."""
    thread = db.scalars(_open_threads(case, org)).first()
    if thread is None:
        thread = TalkbackThread(
            case_id=case.id,
            contact_id=contact.id,
            org_id=org.id,
            opened_at=now,
            last_activity_at=now,
        )
        db.add(thread)
        db.flush()
    return thread


def send(
    db: Session,
    vault: Vault,
    case: Case,
    *,
    org: Organization,
    staff: Staff,
    text: str,
    now: datetime,
    timezone: str,
) -> TalkbackMessage:
    """Queue a caseworker's message to the reporter and record it in the thread."""
    body = text.strip()
    if not body or len(body) > MAX_LENGTH:
        raise TalkbackRefused("length")
    contact = reachable_contact(db, case, now)
    thread = open_thread(db, case, contact, org, now)
    outbox_id: str | None = None
    if not pulls_news(contact.channel):  # the web chat reads it from the thread
        queued = outbox.enqueue(
            db,
            vault,
            contact,
            kind=KIND,
            text=body,
            language=contact.language or case.language,
            now=now,
            not_before=next_allowed(case, now, timezone),
        )
        if queued is None:
            raise TalkbackRefused("channel")
        outbox_id = queued.id
    return _add_message(
        db,
        vault,
        case,
        thread,
        body,
        now,
        direction="out",
        staff_id=staff.id,
        outbox_id=outbox_id,
        sender=None,
    )


def close_thread(db: Session, case: Case, org: Organization, now: datetime) -> bool:
    """Close the organization's open thread on a case; the bot answers the reporter again."""
    threads = db.scalars(_open_threads(case, org)).all()
    for thread in threads:
        thread.closed_at = now
    return bool(threads)


def live_thread_for_contact(
    db: Session, contact_id: str, now: datetime, open_hours: int
) -> TalkbackThread | None:
    """The contact's open thread with recent activity (threads lapse after `open_hours`)."""
    thread = db.scalars(
        select(TalkbackThread)
        .where(TalkbackThread.contact_id == contact_id, TalkbackThread.closed_at.is_(None))
        .order_by(TalkbackThread.last_activity_at.desc())
    ).first()
    if thread is None:
        return None
    last = thread.last_activity_at
    if last is None or now - last > timedelta(hours=open_hours):
        thread.closed_at = now
        return None
    return thread


def record_reply(
    db: Session,
    vault: Vault,
    thread: TalkbackThread,
    text: str,
    now: datetime,
    sender: str = "reporter",
) -> TalkbackMessage:
    """Store a reply in the thread, encrypted with the case key: the reporter's (from their own
    chat) or a follower's (with the case code and PIN)."""
    case = db.get(Case, thread.case_id)
    assert case is not None
    return _add_message(
        db,
        vault,
        case,
        thread,
        text[:4096],
        now,
        direction="in",
        staff_id=None,
        outbox_id=None,
        sender=sender,
    )


def _add_message(
    db: Session,
    vault: Vault,
    case: Case,
    thread: TalkbackThread,
    text: str,
    now: datetime,
    *,
    direction: str,
    staff_id: str | None,
    outbox_id: str | None,
    sender: str | None,
) -> TalkbackMessage:
    """A message in the thread, encrypted with the case key; the thread was active now."""
    message_id = new_id()
    message = TalkbackMessage(
        id=message_id,
        thread_id=thread.id,
        direction=direction,
        staff_id=staff_id,
        body_enc=crypto.encrypt(case_key(vault, case), text.encode(), aad=f"talkback:{message_id}"),
        outbox_id=outbox_id,
        created_at=now,
        sender=sender,
    )
    thread.last_activity_at = now
    db.add(message)
    db.flush()
    return message


def sender_of(row: TalkbackMessage, channel: str) -> str:
    """Who wrote a message: staff, the reporter, or a follower (an older web chat answer came
    with the code and PIN, so it is a follower's too)."""
    if row.direction == "out":
        return "staff"
    if row.sender:
        return row.sender
    return "follower" if pulls_news(channel) else "reporter"


def thread_messages(
    db: Session, vault: Vault, case: Case, org: Organization
) -> tuple[list[ThreadMessage], bool]:
    """All talk-back messages of the case with this organization, and whether one is open."""
    key = case_key(vault, case)
    threads = db.scalars(
        select(TalkbackThread).where(
            TalkbackThread.case_id == case.id, TalkbackThread.org_id == org.id
        )
    ).all()
    is_open = any(thread.closed_at is None for thread in threads)
    ids = [thread.id for thread in threads]
    if not ids:
        return [], False
    rows = db.scalars(
        select(TalkbackMessage)
        .where(TalkbackMessage.thread_id.in_(ids))
        .order_by(TalkbackMessage.created_at)
    ).all()
    statuses: dict[str, tuple[str, datetime | None]] = {}
    outbox_ids = [row.outbox_id for row in rows if row.outbox_id]
    if outbox_ids:
        found = db.execute(
            select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.next_attempt_at).where(
                OutboxMessage.id.in_(outbox_ids)
            )
        ).all()
        statuses = {row_id: (status, due) for row_id, status, due in found}
    messages = []
    for row in rows:
        status, due = statuses.get(row.outbox_id or "", (None, None))
        messages.append(
            ThreadMessage(
                direction=row.direction,
                body=crypto.decrypt(key, row.body_enc, aad=f"talkback:{row.id}").decode(),
                created_at=row.created_at,
                status=status,
                sender=sender_of(row, case.channel),
                not_before=due if status == "queued" else None,
            )
        )
    return messages, is_open


def take_reply(
    db: Session,
    vault: Vault,
    contact: Contact,
    event: InboundEvent,
    *,
    now: datetime,
    open_hours: int,
    translate: Callable[[str], str],
) -> list[OutboundMessage] | None:
    """Keep a reporter's text for the open thread; None lets the bot's flow answer instead.

    Only plain text is kept: commands, button presses, media, locations and the words that work
    at every step (menu, salir, ayuda...) still reach the flow.
    """
    if not event.text or event.command or event.choice or event.media or event.location:
        return None
    if pulls_news(contact.channel):  # nothing reached this chat: answers go by the menu
        return None
    if normalize(event.text) in GLOBAL:
        return None
    thread = live_thread_for_contact(db, contact.id, now, open_hours)
    if thread is None:
        return None
    record_reply(db, vault, thread, event.text, now)
    t = translate
    ack = t("Recibimos su mensaje. Una persona del albergue lo va a leer.")
    return [OutboundMessage(text=ack)]
