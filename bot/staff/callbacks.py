"""Requests to be called: a reporter who chose «Prefiero contarlo a una persona», and relatives
following the case who asked to be called back.

Each stays something to do (marked in the inbox, in its own view) until a staff member marks
the call made; that mark is a case event on the timeline (never shown to families) and the
request is audited by the route that makes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, not_, or_, select, update
from sqlalchemy.orm import Session

from bot.cases.events import CALLBACK_TRACK, record_callback_event
from bot.store.contacts import contact_address
from bot.store.models import CallbackRequest, Case, CaseEvent, Contact, FollowSubscription
from bot.store.vault import Vault

REPORTER = "called_reporter"
RELATIVE = "called_relative"


def reporter_waits() -> ColumnElement[bool]:
    """The reporter asked to tell it to a person and nobody has marked that call made."""
    called = select(CaseEvent.id).where(
        CaseEvent.case_id == Case.id,
        CaseEvent.track == CALLBACK_TRACK,
        CaseEvent.status == REPORTER,
    )
    return and_(Case.prefers_person.is_(True), not_(exists(called)))


def relative_waits() -> ColumnElement[bool]:
    """A relative following the case asked to be called back, not yet handled."""
    return exists(
        select(CallbackRequest.id).where(
            CallbackRequest.case_id == Case.id, CallbackRequest.handled_at.is_(None)
        )
    )


def waiting() -> ColumnElement[bool]:
    """Someone waits for a call on this case (the inbox's "Piden llamada" view)."""
    return or_(reporter_waits(), relative_waits())


# Channels whose address is a phone number someone can call.
CALLABLE = frozenset({"sms", "whatsapp"})


@dataclass(frozen=True)
class Relative:
    """A relative waiting for a call: when they asked, their channel, and their number when
    the channel has one."""

    asked_at: datetime
    channel: str | None
    phone: str | None


@dataclass(frozen=True)
class Pending:
    """Who waits for a call on one case."""

    reporter: bool
    relatives: tuple[Relative, ...]

    def __bool__(self) -> bool:
        return self.reporter or bool(self.relatives)


def pending(db: Session, vault: Vault, case: Case) -> Pending:
    """Who waits for a call on this case (relatives' numbers decrypted: the caller audits the
    read as personal data)."""
    reporter = bool(case.prefers_person) and (
        db.scalar(select(Case.id).where(Case.id == case.id, reporter_waits())) is not None
    )
    rows = db.execute(
        select(CallbackRequest.created_at, Contact)
        .outerjoin(FollowSubscription, FollowSubscription.id == CallbackRequest.subscription_id)
        .outerjoin(Contact, Contact.id == FollowSubscription.contact_id)
        .where(CallbackRequest.case_id == case.id, CallbackRequest.handled_at.is_(None))
        .order_by(CallbackRequest.created_at)
    ).all()
    relatives = tuple(
        Relative(
            asked_at=asked,
            channel=contact.channel if contact is not None else None,
            phone=(
                contact_address(vault, contact)
                if contact is not None and contact.channel in CALLABLE
                else None
            ),
        )
        for asked, contact in rows
    )
    return Pending(reporter=reporter, relatives=relatives)


def pending_cases(db: Session, case_ids: list[str]) -> set[str]:
    """Which of these cases someone waits for a call on (for the inbox's rows)."""
    if not case_ids:
        return set()
    return set(db.scalars(select(Case.id).where(Case.id.in_(case_ids), waiting())))


def mark_called(
    db: Session,
    vault: Vault,
    case: Case,
    *,
    who: str,
    author: str,
    note: str | None,
    now: datetime,
) -> bool:
    """Record that the call `who` (`REPORTER` or `RELATIVE`) asked for was made; False when
    nobody of that kind was waiting (a second click, a stale page)."""
    waits = pending(db, vault, case)
    if who == REPORTER and waits.reporter:
        record_callback_event(db, vault, case, status=REPORTER, author=author, note=note, now=now)
        return True
    if who == RELATIVE and waits.relatives:
        db.execute(
            update(CallbackRequest)
            .where(CallbackRequest.case_id == case.id, CallbackRequest.handled_at.is_(None))
            .values(handled_at=now)
        )
        record_callback_event(db, vault, case, status=RELATIVE, author=author, note=note, now=now)
        return True
    return False
