"""The one gentle reminder of a half-finished report (expiry is `bot.privacy.retention`'s job).

One reminder per silence: a conversation is reminded when it has been idle for
`draft_reminder_hours` and no reminder was sent since it last moved. Writing again moves
`updated_at` past `reminder_sent_at`, so the next silence earns its own reminder; nothing has to
reset `reminder_sent_at` when a message arrives.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.core.channels import can_push
from bot.core.config import Settings
from bot.core.quiet_hours import QuietHours
from bot.delivery import queue as outbox
from bot.follow.notices import reminder_text
from bot.store import crypto
from bot.store.contacts import contact_key
from bot.store.models import Contact, Conversation
from bot.store.vault import Vault

# Modes in which a complaint is half answered.
IN_PROGRESS = frozenset({"ask", "summary", "edit", "confirm_exit"})


def _unfinished(vault: Vault, contact: Contact, conversation: Conversation) -> dict[str, Any]:
    """The conversation's state when it holds a half-finished complaint, else {}."""
    if not conversation.state_enc:
        return {}
    state: dict[str, Any] = crypto.decrypt_json(
        contact_key(vault, contact), conversation.state_enc, aad=f"conversation:{contact.id}"
    )
    if state.get("answers") and (state.get("mode") in IN_PROGRESS or state.get("resume")):
        return state
    return {}


def queue_reminders(db: Session, vault: Vault, settings: Settings, now: datetime) -> int:
    """Remind once per silence, after `draft_reminder_hours`, before the draft expires."""
    idle = timedelta(hours=settings.draft_reminder_hours)
    expiry = timedelta(days=settings.draft_expiry_days)
    quiet = QuietHours.parse(settings.quiet_hours)
    queued = 0
    rows = db.execute(
        select(Conversation, Contact)
        .join(Contact, Contact.id == Conversation.contact_id)
        .where(
            or_(
                Conversation.reminder_sent_at.is_(None),
                Conversation.reminder_sent_at < Conversation.updated_at,  # wrote since
            ),
            Conversation.updated_at <= now - idle,
            Conversation.updated_at > now - expiry,
        )
    ).all()
    for conversation, contact in rows:
        if not can_push(contact.channel) or contact.opted_out or contact.stopped:
            continue
        state = _unfinished(vault, contact, conversation)
        if not state:
            continue
        conversation.reminder_sent_at = now
        language = str(state.get("lang") or contact.language or "es")
        left = max(1, (conversation.updated_at + expiry - now).days)
        row = outbox.enqueue(
            db,
            vault,
            contact,
            kind="reminder",
            text=reminder_text(language, left),
            language=language,
            now=now,
            not_before=quiet.next_allowed(now, settings.default_timezone),
            dedupe_key=f"reminder:{conversation.id}:{conversation.updated_at.isoformat()}",
        )
        queued += row is not None
    return queued
