"""Case events as staff record them: stored on the case, then announced to its followers."""

from __future__ import annotations

from typing import Unpack

from sqlalchemy.orm import Session

from bot.cases.events import NewEvent, record_event
from bot.follow.subscriptions import queue_event_notices
from bot.store.models import Case, CaseEvent
from bot.store.vault import Vault


def add_event(db: Session, vault: Vault, case: Case, **event: Unpack[NewEvent]) -> CaseEvent:
    """Record a status change; a family-visible one queues a discreet notice per follower."""
    recorded = record_event(db, vault, case, **event)
    if recorded.family_visible:
        queue_event_notices(db, vault, case, recorded, event["now"])
    return recorded
