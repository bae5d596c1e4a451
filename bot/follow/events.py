"""Case events as staff record them: stored on the case, then announced to its followers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.cases.events import record_event
from bot.follow.subscriptions import queue_event_notices
from bot.store.models import Case, CaseEvent
from bot.store.vault import Vault


def add_event(
    db: Session,
    vault: Vault,
    case: Case,
    *,
    status: str,
    author: str,
    note: str | None,
    family_visible: bool,
    now: datetime,
) -> CaseEvent:
    """Record a status change; a family-visible one queues a discreet notice per follower."""
    event = record_event(
        db,
        vault,
        case,
        status=status,
        author=author,
        note=note,
        family_visible=family_visible,
        now=now,
    )
    if family_visible:
        queue_event_notices(db, vault, case, event, now)
    return event
