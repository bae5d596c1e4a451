"""What the web chat has shown a person, kept so the page can be drawn again after a redirect.

Each turn (the person's answer and the bot's reply) is one `recent_messages` row, encrypted with
the contact's key. Only the last `MAX_TURNS` turns are kept, none older than 48 hours, and quick
exit deletes them together with the session's contact and unfinished report.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import cases
from bot.conversation.messages import Option, OutboundMessage
from bot.core import websecurity
from bot.core.i18n import translator
from bot.store import crypto
from bot.store.contacts import Sender, contact_key, find_contact, readdress
from bot.store.models import Case, Contact, RecentMessage
from bot.store.vault import Vault
from flows.model import N_

# A PIN is shown once: once its page was drawn, what is kept says only that it was shown.
PIN_SHOWN = N_("Este PIN se mostró una sola vez.")
MAX_TURNS = 30
KEEP_FOR = timedelta(hours=48)
CHANNEL = "web"


@dataclass(frozen=True)
class Entry:
    """One bubble on the page: something the bot said, or the person's answer."""

    who: Literal["bot", "person"]
    text: str
    kind: str = "prompt"
    options: tuple[Option, ...] = ()
    step_id: str | None = None
    multiple: bool = False
    input_hint: str | None = None

    @classmethod
    def from_message(cls, message: OutboundMessage) -> Entry:
        return cls(
            "bot",
            message.text,
            message.kind,
            message.options,
            message.step_id,
            message.multiple,
            message.input_hint,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "who": self.who,
            "text": self.text,
            "kind": self.kind,
            "options": [[o.code, o.label] for o in self.options],
            "step_id": self.step_id,
            "multiple": self.multiple,
            "input_hint": self.input_hint,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Entry:
        who: Literal["bot", "person"] = "person" if data.get("who") == "person" else "bot"
        return cls(
            who,
            str(data.get("text", "")),
            str(data.get("kind", "prompt")),
            tuple(Option(str(c), str(label)) for c, label in data.get("options", [])),
            data.get("step_id"),
            bool(data.get("multiple")),
            data.get("input_hint"),
        )


@dataclass
class Transcript:
    """A session's contact (if it has one yet), its language and what was shown."""

    contact_id: str | None = None
    language: str | None = None
    entries: list[Entry] = field(default_factory=list)


def _aad(contact_id: str, row_id: str) -> str:
    return f"recent:{contact_id}:{row_id}"


def load(db: Session, vault: Vault, token: str) -> Transcript:
    """The transcript of a session token (empty when the token never wrote)."""
    contact = find_contact(db, vault, Sender(CHANNEL, token))
    if contact is None:
        return Transcript()
    return Transcript(contact.id, contact.language, _entries(db, vault, contact))


def show(db: Session, vault: Vault, token: str) -> Transcript:
    """The transcript to draw now; a PIN in it is drawn this once and then kept as said."""
    shown = load(db, vault, token)
    if any(entry.kind == "pin" for entry in shown.entries) and shown.contact_id is not None:
        contact = db.get(Contact, shown.contact_id)
        assert contact is not None
        _spend_pins(db, vault, contact)
    return shown


def spent(db: Session, vault: Vault, token: str) -> Transcript:
    """The transcript as an answer starts from: a PIN in it was drawn on an earlier page (the
    one htmx swapped in, or the one a redirect drew), so it is kept, and shown, as said."""
    shown = load(db, vault, token)
    if any(entry.kind == "pin" for entry in shown.entries) and shown.contact_id is not None:
        contact = db.get(Contact, shown.contact_id)
        assert contact is not None
        _spend_pins(db, vault, contact)
        shown = load(db, vault, token)
    return shown


def _spend_pins(db: Session, vault: Vault, contact: Contact) -> None:
    key = contact_key(vault, contact)
    said = translator(contact.language)(PIN_SHOWN)
    for row in db.scalars(select(RecentMessage).where(RecentMessage.contact_id == contact.id)):
        turn = crypto.decrypt_json(key, row.message_ref_enc, aad=_aad(contact.id, row.id))
        pins = [item for item in turn.get("entries", []) if item.get("kind") == "pin"]
        for item in pins:
            item.update(kind="info", text=said)
        if pins:
            row.message_ref_enc = crypto.encrypt_json(key, turn, aad=_aad(contact.id, row.id))


def _entries(db: Session, vault: Vault, contact: Contact) -> list[Entry]:
    key = contact_key(vault, contact)
    rows = db.scalars(select(RecentMessage).where(RecentMessage.contact_id == contact.id)).all()
    turns = [
        crypto.decrypt_json(key, row.message_ref_enc, aad=_aad(contact.id, row.id)) for row in rows
    ]
    turns.sort(key=lambda turn: int(turn.get("seq", 0)))
    return [Entry.from_json(item) for turn in turns for item in turn.get("entries", [])]


def record(db: Session, vault: Vault, contact_id: str, entries: list[Entry], now: datetime) -> None:
    """Keep one more turn for a contact, and drop what is too old or beyond `MAX_TURNS`."""
    contact = db.get(Contact, contact_id)
    if contact is None or not entries:
        return
    key = contact_key(vault, contact)
    row = RecentMessage(contact_id=contact.id, message_ref_enc=b"", sent_at=now)
    db.add(row)
    db.flush()
    # A nanosecond counter orders turns even when the injected clock stands still.
    payload = {"seq": time.time_ns(), "entries": [entry.to_json() for entry in entries]}
    row.message_ref_enc = crypto.encrypt_json(key, payload, aad=_aad(contact.id, row.id))
    _trim(db, vault, contact, now)


def _trim(db: Session, vault: Vault, contact: Contact, now: datetime) -> None:
    db.execute(
        delete(RecentMessage).where(
            RecentMessage.contact_id == contact.id, RecentMessage.sent_at < now - KEEP_FOR
        )
    )
    rows = db.scalars(select(RecentMessage).where(RecentMessage.contact_id == contact.id)).all()
    if len(rows) <= MAX_TURNS:
        return
    key = contact_key(vault, contact)
    ordered = sorted(
        rows,
        key=lambda row: int(
            crypto.decrypt_json(key, row.message_ref_enc, aad=_aad(contact.id, row.id)).get(
                "seq", 0
            )
        ),
    )
    for row in ordered[: len(rows) - MAX_TURNS]:
        db.delete(row)


def prune(db: Session, now: datetime) -> int:
    """Delete every web transcript row older than 48 hours; returns how many."""
    web_contacts = select(Contact.id).where(Contact.channel == CHANNEL)
    result = db.execute(
        delete(RecentMessage).where(
            RecentMessage.sent_at < now - KEEP_FOR, RecentMessage.contact_id.in_(web_contacts)
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


def forget(db: Session, vault: Vault, token: str) -> bool:
    """Quick exit: erase the session's transcript, unfinished report and conversation.

    A report already sent stays with the shelter, with its link to this contact, but the
    contact moves to an address nobody holds: the old session token finds nothing any more. A
    contact that sent nothing is deleted too.
    """
    contact = find_contact(db, vault, Sender(CHANNEL, token))
    if contact is None:
        return False
    db.execute(delete(RecentMessage).where(RecentMessage.contact_id == contact.id))
    conversation = contact.conversation
    if conversation is not None:
        cases.discard_draft(db, conversation.draft_case_id)
        contact.conversation = None  # delete-orphan: the answers so far go
    db.flush()
    filed = db.scalar(select(Case.id).where(Case.contact_id == contact.id).limit(1))
    if filed is None:
        try:
            with db.begin_nested():
                db.delete(contact)
            return True
        except IntegrityError:  # something else still points at it: keep the bare contact
            pass
    readdress(db, vault, contact, websecurity.new_token())  # never issued: unreachable
    return True
