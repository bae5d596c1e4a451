"""OK from an on-call number or chat: acknowledges the oldest urgent alert it was sent.

`take_reply` runs first for every inbound message (`bot.intake.service`): a sender that is no
organization's on-call destination goes on to the conversation untouched. From a registered
number or chat, "OK" (any case and accents, with a full stop or an emoji: "Ok.", "ok 👍")
acknowledges the oldest unacknowledged urgent alert of the organizations it is on call for;
other words go on to the conversation, except in a Telegram group chat (a staff group), which
never converses with the bot.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.alerts.service import acknowledge
from bot.conversation.messages import InboundEvent, OutboundMessage
from bot.core.i18n import translator
from bot.core.languages import DEFAULT_LANGUAGE
from bot.core.text import normalize
from bot.privacy import audit
from bot.store.contacts import Sender
from bot.store.models import Alert, AlertDestination, Case
from bot.store.oncall import destination_address, find_destinations, masked
from bot.store.vault import Vault
from flows.model import N_

log = logging.getLogger(__name__)

ACKNOWLEDGED = N_("Recibido: usted atiende el reporte urgente.")
NOTHING_WAITING = N_("No hay ningún reporte urgente sin atender.")
OK_WORDS = frozenset({"ok", "okay", "okey", "oki"})
_TRAILING = re.compile(r"[\W_]+$")


def is_ok(text: str | None) -> bool:
    """Whether a message says OK: "OK", "ok.", "Ok 👍", "ÓK!"... and nothing more."""
    if not text or len(text) > 40:
        return False
    words = normalize(text).split()
    if not words:
        return False
    first = _TRAILING.sub("", words[0])
    rest = [_TRAILING.sub("", word) for word in words[1:]]
    return first in OK_WORDS and not any(rest)


def is_group(sender: Sender) -> bool:
    """A Telegram group chat (their ids are negative): a staff group, never a conversation."""
    return sender.channel == "telegram" and sender.address.startswith("-")


def is_on_call(db: Session, vault: Vault, sender: Sender) -> bool:
    """Whether the sender is an organization's on-call destination."""
    return bool(find_destinations(db, vault, sender))


def _oldest_open(db: Session, destinations: list[AlertDestination]) -> Alert | None:
    orgs = sorted({destination.org_id for destination in destinations})
    return db.scalars(
        select(Alert)
        .where(
            Alert.org_id.in_(orgs),
            Alert.kind == "urgent",
            Alert.acknowledged_at.is_(None),
        )
        .order_by(Alert.created_at, Alert.id)
        .limit(1)
    ).first()


def take_reply(
    db: Session, vault: Vault, sender: Sender, event: InboundEvent, now: datetime
) -> list[OutboundMessage] | None:
    """An on-call destination's answer: the reply to send back, or None when the message is
    for the conversation (the sender is no destination, or said something else)."""
    destinations = find_destinations(db, vault, sender)
    if not destinations:
        return None
    for destination in destinations:
        destination.last_inbound_at = now  # WhatsApp takes free text for 24 hours now
    if not is_ok(event.text):
        return [] if is_group(sender) else None
    t = translator(DEFAULT_LANGUAGE)
    alert = _oldest_open(db, destinations)
    if alert is None:
        return [OutboundMessage(text=t(NOTHING_WAITING))]
    case = db.get(Case, alert.case_id)
    assert case is not None  # alerts go with their case
    destination = next(d for d in destinations if d.org_id == alert.org_id)
    author = f"{destination.channel} {masked(destination_address(vault, destination))}"
    acknowledge(db, case, by=f"oncall:{destination.id}", author=author, via="reply", now=now)
    audit.append(
        db,
        audit.Record(
            actor=f"oncall:{destination.id}",
            org_id=destination.org_id,
            action="alert.acknowledge",
            target=f"case:{case.id}",
            outcome="ok",
            detail={"via": destination.channel},
        ),
        now=now,
    )
    log.info("urgent alert acknowledged", extra={"channel": sender.channel})
    return [OutboundMessage(text=t(ACKNOWLEDGED))]
