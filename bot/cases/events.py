"""Case events: every change on a case's tracks, with author, time, a note and visibility."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import NotRequired, TypedDict, Unpack

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from bot.cases.service import case_key
from bot.cases.tracks import BODY_TRACKS, DEFAULT_BODY, TRACK_OF, may_follow, step, valid_body
from bot.store import crypto
from bot.store.models import Case, CaseEvent, new_id
from bot.store.vault import Vault
from flows.codes import COMPLAINT_RECORDS, ENTERED_IN_ERROR
from flows.model import N_, Choice

# What Camino itself records about an urgent report's alerts: not a step staff choose, never
# shown to families, allowed on an urgent draft too ("en curso").
ALERT_TRACK = "alert"
ALERT_STATUSES: tuple[Choice, ...] = (
    Choice("urgent_acknowledged", N_("Reporte urgente atendido")),
    Choice("urgent_escalated", N_("Alerta urgente escalada a la organización de respaldo")),
)
# Calls staff made because someone asked to be called (`bot.cases.callbacks`): a task done,
# not a step of procedure; never shown to families, not corrected.
CALLBACK_TRACK = "callback"
CALLBACK_STATUSES: tuple[Choice, ...] = (
    Choice("called_reporter", N_("Se habló por teléfono con quien reportó")),
    Choice("called_relative", N_("Se llamó al familiar que lo pidió")),
)
RECORD_KINDS = frozenset(choice.code for choice in COMPLAINT_RECORDS)


class EventError(ValueError):
    """A status that does not exist, or that would move a track backwards."""


@dataclass(frozen=True)
class TimelineEntry:
    """A case event with its note (and a denuncia's record number) decrypted."""

    id: str
    track: str
    status: str
    author: str
    note: str | None
    family_visible: bool
    created_at: datetime
    body: str | None = None
    record_kind: str | None = None
    number: str | None = None
    occurred_on: date | None = None
    corrects_id: str | None = None
    superseded_by_id: str | None = None

    @property
    def effective(self) -> bool:
        """Part of the case's track: not superseded, and not itself a withdrawal."""
        return self.superseded_by_id is None and self.status != ENTERED_IN_ERROR.code

    @property
    def day(self) -> date:
        """When it happened: the day staff gave, else the day it was recorded."""
        return self.occurred_on or self.created_at.date()


class NewEvent(TypedDict):
    """What staff say about a case when they record an event."""

    status: str
    author: str
    note: str | None
    family_visible: bool
    now: datetime
    body: NotRequired[str | None]
    record_kind: NotRequired[str | None]
    number: NotRequired[str | None]
    occurred_on: NotRequired[date | None]
    corrects: NotRequired[str | None]


def in_effect() -> ColumnElement[bool]:
    """Events that make up the corrected track (statistics and retention read only these)."""
    return and_(CaseEvent.superseded_by_id.is_(None), CaseEvent.status != ENTERED_IN_ERROR.code)


def _next_seq(db: Session, case: Case) -> int:
    return (
        db.scalar(
            select(func.coalesce(func.max(CaseEvent.seq), 0)).where(CaseEvent.case_id == case.id)
        )
        or 0
    ) + 1


def _check_order(
    db: Session, case: Case, track: str, status: str, body: str | None, ignoring: str | None
) -> None:
    """Refuse a status that would come after a later step on its line (and body)."""
    line = step(status).line
    rows = db.execute(
        select(CaseEvent.id, CaseEvent.status)
        .where(
            CaseEvent.case_id == case.id,
            CaseEvent.track == track,
            CaseEvent.body.is_(None) if body is None else CaseEvent.body == body,
            in_effect(),
        )
        .order_by(CaseEvent.seq.desc())
    ).all()
    previous = next(
        (
            old
            for event_id, old in rows
            if event_id != ignoring and step(old).line == line and step(old).rank is not None
        ),
        None,
    )
    if not may_follow(status, previous):
        raise EventError(f"{status} cannot come after {previous}")


def _encrypt(vault: Vault, case: Case, text: str | None, aad: str) -> bytes | None:
    return crypto.encrypt(case_key(vault, case), text.encode(), aad=aad) if text else None


def _decrypt(key: bytes, sealed: bytes | None, aad: str) -> str | None:
    return crypto.decrypt(key, sealed, aad=aad).decode() if sealed else None


def record_event(db: Session, vault: Vault, case: Case, **event: Unpack[NewEvent]) -> CaseEvent:
    """Record a status change; intake statuses also become the case's status.

    `corrects`: the id of a wrong event this one supersedes (both stay in the timeline); its
    status may be `entered_in_error` to withdraw the wrong one without a replacement.
    Followers are told by `bot.follow.events.add_event`, which staff actions call.
    """
    status, now = event["status"], event["now"]
    wrong = _corrected(db, case, event.get("corrects"))
    if wrong is not None and status == ENTERED_IN_ERROR.code:
        track, body = wrong.track, wrong.body
    else:
        track = TRACK_OF.get(status) or ""
        if not track:
            raise EventError(f"unknown status: {status}")
        body = event.get("body") or (wrong.body if wrong is not None else DEFAULT_BODY.get(track))
        if not valid_body(track, body):
            raise EventError(f"{track} events name their body")
        if wrong is not None and wrong.track != track:
            raise EventError("a correction stays on the track of the event it corrects")
    if case.status == "draft":
        raise EventError("a draft cannot have events")
    if step(status).rank is not None:
        _check_order(db, case, track, status, body, wrong.id if wrong else None)
    kind = event.get("record_kind")
    if kind is not None and (status != "complaint_filed" or kind not in RECORD_KINDS):
        raise EventError("only a denuncia opens a carpeta or an acta")
    event_id = new_id()
    recorded = CaseEvent(
        id=event_id,
        case_id=case.id,
        seq=_next_seq(db, case),
        track=track,
        status=status,
        author=event["author"][:120],
        note_enc=_encrypt(vault, case, event["note"], f"event:{event_id}:note"),
        family_visible=event["family_visible"],
        created_at=now,
        body=body if track in BODY_TRACKS else None,
        record_kind=kind,
        number_enc=_encrypt(vault, case, event.get("number"), f"event:{event_id}:number"),
        occurred_on=event.get("occurred_on"),
        corrects_id=wrong.id if wrong is not None else None,
    )
    db.add(recorded)
    if wrong is not None:
        wrong.superseded_by_id = event_id
    if track == "intake":
        case.status = status if status != ENTERED_IN_ERROR.code else _intake_status(db, case)
    case.updated_at = now
    db.flush()
    return recorded


def _corrected(db: Session, case: Case, event_id: str | None) -> CaseEvent | None:
    """The event a correction supersedes: one of this case's, still in effect."""
    if event_id is None:
        return None
    wrong = db.get(CaseEvent, event_id) if event_id.isalnum() else None
    own = (ALERT_TRACK, CALLBACK_TRACK)
    if wrong is None or wrong.case_id != case.id or wrong.track in own:
        raise EventError("no such event on this case")
    if wrong.superseded_by_id is not None or wrong.status == ENTERED_IN_ERROR.code:
        raise EventError("that event was already corrected")
    return wrong


def _intake_status(db: Session, case: Case) -> str:
    """The case's status once a wrong intake event is withdrawn: the newest left in effect."""
    db.flush()
    latest = db.scalars(
        select(CaseEvent.status)
        .where(CaseEvent.case_id == case.id, CaseEvent.track == "intake", in_effect())
        .order_by(CaseEvent.seq.desc())
        .limit(1)
    ).first()
    return latest or "submitted"


def record_alert_event(
    db: Session, case: Case, *, status: str, author: str, now: datetime
) -> CaseEvent:
    """Record on the timeline that an urgent report was acknowledged or escalated."""
    if status not in {choice.code for choice in ALERT_STATUSES}:
        raise EventError(f"unknown alert status: {status}")
    return _own_event(db, case, ALERT_TRACK, status, author, now)


def record_callback_event(
    db: Session,
    vault: Vault,
    case: Case,
    *,
    status: str,
    author: str,
    note: str | None,
    now: datetime,
) -> CaseEvent:
    """Record on the timeline that staff made a call someone asked for (with a note)."""
    if status not in {choice.code for choice in CALLBACK_STATUSES}:
        raise EventError(f"unknown call status: {status}")
    event = _own_event(db, case, CALLBACK_TRACK, status, author, now)
    event.note_enc = _encrypt(vault, case, note, f"event:{event.id}:note")
    return event


def _own_event(
    db: Session, case: Case, track: str, status: str, author: str, now: datetime
) -> CaseEvent:
    """An event Camino or staff record outside the tracks of procedure (never family-visible)."""
    event = CaseEvent(
        id=new_id(),
        case_id=case.id,
        seq=_next_seq(db, case),
        track=track,
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
    """The newest status in effect on a track, if any."""
    return db.scalars(
        select(CaseEvent.status)
        .where(CaseEvent.case_id == case.id, CaseEvent.track == track, in_effect())
        .order_by(CaseEvent.seq.desc())
        .limit(1)
    ).first()


def timeline(
    db: Session, vault: Vault, case: Case, *, family_only: bool = False
) -> list[TimelineEntry]:
    """A case's events, oldest first, corrected ones too (`TimelineEntry.effective`); only
    the family-visible ones when asked."""
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
            note=_decrypt(key, event.note_enc, f"event:{event.id}:note"),
            family_visible=event.family_visible,
            created_at=event.created_at,
            body=event.body,
            record_kind=event.record_kind,
            number=_decrypt(key, event.number_enc, f"event:{event.id}:number"),
            occurred_on=event.occurred_on,
            corrects_id=event.corrects_id,
            superseded_by_id=event.superseded_by_id,
        )
        for event in db.scalars(query.order_by(CaseEvent.seq))
    ]
