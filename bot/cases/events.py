"""Case events: every change on a case's tracks, with author, time, a note and visibility."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.cases.service import case_key
from bot.store import crypto
from bot.store.models import Case, CaseEvent, new_id
from bot.store.vault import Vault
from flows.codes import TRACKS
from flows.model import N_, Choice

TRACK_OF = {choice.code: track for track, choices in TRACKS.items() for choice in choices}
ORDER = {choice.code: i for choices in TRACKS.values() for i, choice in enumerate(choices)}
# Justice and migration steps happen in order; intake moves freely between review outcomes.
ORDERED_TRACKS = frozenset({"justice", "migration"})


# What Camino itself records about an urgent report's alerts: not a step staff choose, never
# shown to families, allowed on an urgent draft too ("en curso").
ALERT_TRACK = "alert"
ALERT_STATUSES: tuple[Choice, ...] = (
    Choice("urgent_acknowledged", N_("Reporte urgente atendido")),
    Choice("urgent_escalated", N_("Alerta urgente escalada a la organización de respaldo")),
)


class EventError(ValueError):
    """A status that does not exist, or that would move a track backwards."""


@dataclass(frozen=True)
class TimelineEntry:
    """A case event with its note decrypted."""

    id: str
    track: str
    status: str
    author: str
    note: str | None
    family_visible: bool
    created_at: datetime


class NewEvent(TypedDict):
    """What staff say about a case when they record an event."""

    status: str
    author: str
    note: str | None
    family_visible: bool
    now: datetime


def record_event(
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
    """Record a status change; intake statuses also become the case's status.

    Followers are told by `bot.follow.events.add_event`, which staff actions call.
    """
    track = TRACK_OF.get(status)
    if track is None:
        raise EventError(f"unknown status: {status}")
    if case.status == "draft":
        raise EventError("a draft cannot have events")
    if track in ORDERED_TRACKS:
        latest = latest_status(db, case, track)
        if latest is not None and ORDER[status] < ORDER[latest]:
            raise EventError(f"{status} cannot come after {latest}")
    event_id = new_id()
    note_enc = (
        crypto.encrypt(case_key(vault, case), note.encode(), aad=f"event:{event_id}:note")
        if note
        else None
    )
    seq = (
        db.scalar(
            select(func.coalesce(func.max(CaseEvent.seq), 0)).where(CaseEvent.case_id == case.id)
        )
        or 0
    )
    event = CaseEvent(
        id=event_id,
        case_id=case.id,
        seq=seq + 1,
        track=track,
        status=status,
        author=author[:120],
        note_enc=note_enc,
        family_visible=family_visible,
        created_at=now,
    )
    db.add(event)
    if track == "intake":
        case.status = status
    case.updated_at = now
    db.flush()
    return event


def record_alert_event(
    db: Session, case: Case, *, status: str, author: str, now: datetime
) -> CaseEvent:
    """Record on the timeline that an urgent report was acknowledged or escalated."""
    if status not in {choice.code for choice in ALERT_STATUSES}:
        raise EventError(f"unknown alert status: {status}")
    seq = (
        db.scalar(
            select(func.coalesce(func.max(CaseEvent.seq), 0)).where(CaseEvent.case_id == case.id)
        )
        or 0
    )
    event = CaseEvent(
        id=new_id(),
        case_id=case.id,
        seq=seq + 1,
        track=ALERT_TRACK,
        status=status,
        author=author[:120],
        note_enc=None,
        family_visible=False,
        created_at=now,
    )
    db.add(event)
    case.updated_at = now
    db.flush()
    return event


def latest_status(db: Session, case: Case, track: str) -> str | None:
    """The newest status recorded on a track, if any."""
    return db.scalars(
        select(CaseEvent.status)
        .where(CaseEvent.case_id == case.id, CaseEvent.track == track)
        .order_by(CaseEvent.seq.desc())
        .limit(1)
    ).first()


def timeline(
    db: Session, vault: Vault, case: Case, *, family_only: bool = False
) -> list[TimelineEntry]:
    """A case's events, oldest first; only the family-visible ones when asked."""
    query = select(CaseEvent).where(CaseEvent.case_id == case.id)
    if family_only:
        query = query.where(CaseEvent.family_visible.is_(True))
    key = case_key(vault, case)
    return [
        TimelineEntry(
            id=event.id,
            track=event.track,
            status=event.status,
            author=event.author,
            note=(
                crypto.decrypt(key, event.note_enc, aad=f"event:{event.id}:note").decode()
                if event.note_enc
                else None
            ),
            family_visible=event.family_visible,
            created_at=event.created_at,
        )
        for event in db.scalars(query.order_by(CaseEvent.seq))
    ]
