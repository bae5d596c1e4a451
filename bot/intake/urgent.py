"""Urgent reports left half-way are filed anyway: a phone taken or a battery gone loses nothing.

The fast path files an urgent report after a few answers; if the person stops answering before
that, the report (its answers are saved as they come) is filed after `ABANDONED_AFTER` and its
owners are alerted. It gets no code: nobody is there to read one. If the person comes back, the
conversation goes on with the same case, and filing it then gives the code.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import alerts
from bot.core.config import Settings
from bot.staff import ownership
from bot.store.models import Case
from bot.store.vault import Vault

log = logging.getLogger(__name__)

ABANDONED_AFTER = timedelta(minutes=10)


def file_abandoned(db: Session, settings: Settings, vault: Vault, now: datetime) -> int:
    """File the urgent drafts nobody has answered for a while; how many."""
    due = db.scalars(
        select(Case).where(
            Case.status == "draft",
            Case.urgent.is_(True),
            Case.updated_at < now - ABANDONED_AFTER,
        )
    ).all()
    for case in due:
        case.status = "submitted"
        case.submitted_at = case.submitted_at or now
        case.updated_at = now
        ownership.assign(db, case)
        alerts.report_urgent(db, settings, vault, case, now)
    if due:
        log.info("abandoned urgent reports filed", extra={"count": len(due)})
    return len(due)
