"""Retention and erasure: personal data does not outlive its purpose.

- Closed cases (intake `not_actionable`/`duplicate`, or a justice track that ended: a
  sentence, an alternative ending, archivo temporal, no ejercicio de la acción penal; read from
  the corrected track) untouched for the retention period are crypto-shredded: the wrapped
  data key, the personal blob, evidence, event notes, the code index and the PIN hash go, and
  every row about the case in other tables is deleted. The coded, anonymous columns and the
  crime and perpetrator codes stay, so statistics keep counting the case (`erased_at` is set).
  The retention period of a case is the longest among the organizations that see it (each
  organization's own period, or `CAMINO_RETENTION_DAYS` when it sets none), so no organization
  loses a case it must still keep; a case no organization sees uses `CAMINO_RETENTION_DAYS`.
- A case about a disappearance, or whose person is still missing or held, is never shredded
  until staff record the person found (`person_found`) or the family's request to erase it
  (`erasure_requested`): the person may still be missing.
- Abandoned drafts (no activity for `CAMINO_DRAFT_EXPIRY_DAYS`) are deleted with their
  evidence, and so is the conversation that held their answers.
- "Delete my data" (`erase_contact`) removes a contact and everything about it; the reports it
  filed stay filed (they are the complaint itself) without the person's name or phone number.

`run(runtime)` does the periodic part (the scheduler calls it; `camino purge` too).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, Select, Table, delete, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.cases.events import in_effect
from bot.cases.service import case_key, personal_data
from bot.cases.tracks import JUSTICE_ENDINGS
from bot.core.clock import Clock
from bot.core.config import Settings
from bot.store import crypto
from bot.store.models import (
    Base,
    Case,
    CaseCrimeType,
    CaseEvent,
    Contact,
    Conversation,
    Evidence,
    Organization,
    Referral,
)
from bot.store.vault import Vault

log = logging.getLogger(__name__)

CLOSED_INTAKE = ("not_actionable", "duplicate")
CLOSED_JUSTICE = tuple(sorted(JUSTICE_ENDINGS))
# A person who may still be missing: their case is never shredded until staff record them found
# (or the family asks to erase it).
DISAPPEARANCES = ("disappearance", "forced_disappearance")
SEARCH_ENDS = ("person_found", "erasure_requested")
# Rows about a case that statistics need: they hold only codes, statuses and dates.
KEEP_FOR_STATISTICS = frozenset({"case_crime_types", "case_perpetrators", "case_events"})
# Ways to reach the reporter, removed from their filed reports when they erase their data.
CONTACT_FIELDS = ("reporter_name", "contact_phone")
# Case ids per `IN (...)` when looking up referrals (well under every driver's parameter limit).
CHUNK = 500


@dataclass(frozen=True)
class PurgeReport:
    """What a retention run erased (or, in a dry run, would erase)."""

    cases: int
    drafts: int
    dry_run: bool


# -- finding what is due ----------------------------------------------------------------------


@dataclass(frozen=True)
class OrgPeriod:
    """One organization's routing (covered states) and retention period in days."""

    org_id: str
    states: frozenset[str]
    days: int


def _periods(db: Session, default_days: int) -> list[OrgPeriod]:
    """Every organization's covered states and period (the global one when it sets none)."""
    rows = db.execute(select(Organization.id, Organization.states, Organization.retention_days))
    return [
        OrgPeriod(org_id, frozenset(states.split()), days or default_days)
        for org_id, states, days in rows
    ]


def _referrals(db: Session, case_ids: list[str]) -> dict[str, set[str]]:
    """For each case, the organizations it was referred to."""
    found: dict[str, set[str]] = {}
    for start in range(0, len(case_ids), CHUNK):
        chunk = case_ids[start : start + CHUNK]
        rows = db.execute(
            select(Referral.case_id, Referral.to_org_id).where(Referral.case_id.in_(chunk))
        )
        for case_id, org_id in rows:
            found.setdefault(case_id, set()).add(org_id)
    return found


def applicable_days(
    incident_state: str | None,
    reporter_state: str | None,
    referred_to: set[str],
    periods: list[OrgPeriod],
    default_days: int,
) -> int:
    """The longest period among the organizations that see a case (routed as the dashboard
    routes it: incident state, else reporter state, or a referral); the default if none do."""
    routing_state = incident_state if incident_state is not None else reporter_state
    seen = [
        period.days
        for period in periods
        if period.org_id in referred_to
        or (routing_state is not None and routing_state in period.states)
    ]
    return max(seen, default=default_days)


def closed_cases_due(db: Session, *, now: datetime, retention_days: int) -> list[str]:
    """Ids of closed cases whose last activity is older than their retention period.

    `retention_days` is the global period; organizations may set their own. SQL narrows the
    search to closed cases past the shortest period anywhere (few, as they are erased as soon
    as they are due); each one's own period is then worked out here.
    """
    periods = _periods(db, retention_days)
    shortest = min([period.days for period in periods] + [retention_days])
    cutoff = now - timedelta(days=shortest)
    justice_closed = select(CaseEvent.case_id).where(
        CaseEvent.status.in_(CLOSED_JUSTICE), in_effect()
    )
    query = (
        select(Case.id, Case.incident_state, Case.reporter_state, Case.updated_at)
        .where(
            Case.erased_at.is_(None),
            Case.status != "draft",
            or_(Case.status.in_(CLOSED_INTAKE), Case.id.in_(justice_closed)),
            Case.updated_at < cutoff,  # every case event bumps it: the clock restarts
            Case.id.not_in(may_be_missing()),
        )
        .order_by(Case.updated_at)
    )
    candidates = db.execute(query).all()
    referred = _referrals(db, [row.id for row in candidates])
    due = []
    for case_id, incident_state, reporter_state, updated_at in candidates:
        days = applicable_days(
            incident_state, reporter_state, referred.get(case_id, set()), periods, retention_days
        )
        if updated_at < now - timedelta(days=days):
            due.append(case_id)
    return due


def may_be_missing() -> Select[str]:
    """Cases about a person who disappeared or is still missing or held, not yet found."""
    found = select(CaseEvent.case_id).where(CaseEvent.status.in_(SEARCH_ENDS), in_effect())
    disappeared = select(CaseCrimeType.case_id).where(CaseCrimeType.code.in_(DISAPPEARANCES))
    return select(Case.id).where(
        or_(Case.still_missing_or_held.is_(True), Case.id.in_(disappeared)),
        Case.id.not_in(found),
    )


def drafts_due(db: Session, *, now: datetime, expiry_days: int) -> list[str]:
    """Ids of conversations idle for longer than the draft expiry (their answers go too)."""
    cutoff = now - timedelta(days=expiry_days)
    return list(db.scalars(select(Conversation.id).where(Conversation.updated_at < cutoff)))


# -- erasing ----------------------------------------------------------------------------------


def _referencing(target: str) -> list[tuple[Table, str, str | None]]:
    """(table, column, ondelete) for every foreign key to `target` ("cases.id"...)."""
    found = []
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.target_fullname == target:
                found.append((table, fk.parent.name, fk.ondelete))
    return found


def _clear_references(db: Session, target: str, row_id: str, *, skip: frozenset[str]) -> None:
    """Delete the rows that point at a row (or detach them, where the link is optional)."""
    for table, column, ondelete in _referencing(target):
        if table.name in skip:
            continue
        where = table.c[column] == row_id
        if (ondelete or "").upper() == "SET NULL":
            db.execute(update(table).where(where).values({column: None}))
        else:
            db.execute(delete(table).where(where))


def erase_case(db: Session, case: Case, *, now: datetime) -> None:
    """Crypto-shred a case: keep its codes for statistics, lose everything else."""
    db.execute(delete(Evidence).where(Evidence.case_id == case.id))
    db.execute(
        update(CaseEvent).where(CaseEvent.case_id == case.id).values(note_enc=None, number_enc=None)
    )
    _clear_references(db, "cases.id", case.id, skip=KEEP_FOR_STATISTICS | {"evidence"})
    case.wrapped_key = b""  # the data key is gone: any copy of the blobs is unreadable
    case.key_id = None
    case.personal_enc = None
    case.code_index = None
    case.pin_hash = None
    case.reply_pin_hash = None
    case.contact_id = None
    case.erased_at = now
    db.flush()


def expire_draft(db: Session, conversation: Conversation) -> None:
    """Forget an abandoned conversation: its draft case, evidence and answers."""
    if conversation.draft_case_id is not None:
        draft = db.get(Case, conversation.draft_case_id)
        if draft is not None and draft.status == "draft" and not draft.urgent:  # urgent: kept
            db.delete(draft)
    db.delete(conversation)
    db.flush()


def erase_contact(db: Session, vault: Vault, contact: Contact, *, now: datetime) -> int:
    """Erase a contact and everything about it; returns how many filed reports it detached.

    Reports it filed stay filed, because they are the complaint itself, but lose the
    reporter's name and phone number and their link to the contact.
    """
    conversation = contact.conversation
    if conversation is not None and conversation.draft_case_id is not None:
        draft = db.get(Case, conversation.draft_case_id)
        if draft is not None and draft.status == "draft":
            db.delete(draft)
    filed = list(db.scalars(select(Case).where(Case.contact_id == contact.id)))
    for case in filed:
        if case.erased_at is None and case.personal_enc is not None:
            personal = personal_data(vault, case)
            for name in CONTACT_FIELDS:
                personal.pop(name, None)
            case.personal_enc = crypto.encrypt_json(
                case_key(vault, case), personal, aad=f"case:{case.id}:personal"
            )
        case.contact_id = None
        case.updated_at = now
    db.flush()
    _clear_references(db, "contacts.id", contact.id, skip=frozenset({"cases", "conversations"}))
    db.delete(contact)  # the conversation goes with it (ORM cascade)
    db.flush()
    return len(filed)


# -- the periodic run -------------------------------------------------------------------------


def purge(
    sessions: sessionmaker[Session],
    settings: Settings,
    clock: Clock,
    *,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> PurgeReport:
    """Erase what is due, one item per transaction (an interrupted run loses nothing)."""
    now = clock()
    with sessions() as db:
        case_ids = closed_cases_due(db, now=now, retention_days=settings.retention_days)
        draft_ids = drafts_due(db, now=now, expiry_days=settings.draft_expiry_days)
    if on_total is not None:
        on_total(len(case_ids) + len(draft_ids))
    if dry_run:
        return PurgeReport(cases=len(case_ids), drafts=len(draft_ids), dry_run=True)
    cases_done = drafts_done = 0
    for case_id in case_ids:
        with sessions() as db, db.begin():
            case = db.get(Case, case_id)
            if case is not None and case.erased_at is None:
                erase_case(db, case, now=now)
                cases_done += 1
        if progress is not None:
            progress(1)
    for conversation_id in draft_ids:
        with sessions() as db, db.begin():
            conversation = db.get(Conversation, conversation_id)
            cutoff = now - timedelta(days=settings.draft_expiry_days)
            if conversation is not None and conversation.updated_at < cutoff:
                expire_draft(db, conversation)
                drafts_done += 1
        if progress is not None:
            progress(1)
    if cases_done or drafts_done:
        log.info("retention erased data", extra={"cases": cases_done, "drafts": drafts_done})
        checkpoint(sessions)
    return PurgeReport(cases=cases_done, drafts=drafts_done, dry_run=False)


def checkpoint(sessions: sessionmaker[Session]) -> None:
    """On SQLite, move the write-ahead log into the database file (where `secure_delete` has
    zeroed the freed pages) and truncate it, so old page images do not linger in the log."""
    engine = sessions.kw["bind"]
    if not isinstance(engine, Engine) or engine.dialect.name != "sqlite":
        return
    # Outside any transaction (a checkpoint cannot run inside one): the raw connection is in
    # autocommit mode, as bot.store.db sets up every SQLite connection.
    raw = engine.raw_connection()
    try:
        raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
