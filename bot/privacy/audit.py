"""The audit log: append-only, hash-chained records of logins, views, exports and changes.

Each entry stores sha256(previous hash + canonical JSON of the entry). Appends are serialized
through the single `audit_head` row (a row lock on PostgreSQL, the write lock on SQLite), so the
chain never forks. `verify` walks the chain and names the first edited, inserted or deleted
entry. Entries hold ids and action codes only, never personal data.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.store.models import AuditEntry, AuditHead

GENESIS = "0" * 64
HEAD_ID = 1
MAX_DETAIL = 1000


@dataclass(frozen=True)
class Record:
    """What to append: who (an id), their organization, the action code, its target, outcome."""

    actor: str
    action: str
    outcome: str
    org_id: str | None = None
    target: str | None = None
    detail: dict[str, Any] | None = None


def timestamp(now: datetime) -> str:
    """UTC ISO 8601 text with microseconds: stored and hashed in exactly this form."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(fields: dict[str, Any]) -> str:
    """The canonical JSON of an entry: sorted keys, no spaces, ASCII only."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def entry_fields(entry: AuditEntry) -> dict[str, Any]:
    """The hashed content of an entry (everything but the hashes themselves)."""
    return {
        "seq": entry.seq,
        "at": entry.at,
        "actor": entry.actor,
        "org_id": entry.org_id,
        "action": entry.action,
        "target": entry.target,
        "outcome": entry.outcome,
        "detail": entry.detail,
    }


def chain_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """sha256(prev_hash + canonical JSON)."""
    return hashlib.sha256((prev_hash + canonical(fields)).encode()).hexdigest()


def append(db: Session, record: Record, *, now: datetime) -> AuditEntry:
    """Append one entry inside the caller's transaction (the head row is locked until commit)."""
    # Writing the head first takes the lock on both databases before anything is read.
    db.execute(update(AuditHead).where(AuditHead.id == HEAD_ID).values(seq=AuditHead.seq + 1))
    head = db.execute(
        select(AuditHead).where(AuditHead.id == HEAD_ID).with_for_update()
    ).scalar_one_or_none()
    if head is None:  # a database created without the migration's seed row
        head = AuditHead(id=HEAD_ID, seq=1, hash=GENESIS)
        db.add(head)
        db.flush()
    db.refresh(head)
    detail = canonical(record.detail or {})
    if len(detail) > MAX_DETAIL:
        detail = canonical({"truncated": True})
    entry = AuditEntry(
        seq=head.seq,
        at=timestamp(now),
        actor=record.actor[:80],
        org_id=record.org_id,
        action=record.action[:60],
        target=record.target[:80] if record.target else None,
        outcome=record.outcome[:16],
        detail=detail,
        prev_hash=head.hash,
        hash="",
    )
    entry.hash = chain_hash(entry.prev_hash, entry_fields(entry))
    head.hash = entry.hash
    db.add(entry)
    db.flush()
    return entry


def record(sessions: sessionmaker[Session], item: Record, *, now: datetime) -> None:
    """Append one entry in its own transaction (for attempts that change nothing else)."""
    with sessions() as db, db.begin():
        append(db, item, now=now)


@dataclass(frozen=True)
class Verification:
    """The result of walking the chain: how many entries, and the problems found."""

    entries: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_entries(entries: Iterable[AuditEntry], head: AuditHead | None) -> Verification:
    """Check sequence numbers, links and hashes of entries given in seq order."""
    problems: list[str] = []
    expected_prev, expected_seq, count = GENESIS, 1, 0
    for entry in entries:
        count += 1
        if entry.seq != expected_seq:
            problems.append(f"entry {expected_seq} is missing (found {entry.seq} next)")
        if entry.prev_hash != expected_prev:
            problems.append(f"entry {entry.seq} does not link to the entry before it")
        if chain_hash(entry.prev_hash, entry_fields(entry)) != entry.hash:
            problems.append(f"entry {entry.seq} was edited (its hash does not match)")
        expected_prev, expected_seq = entry.hash, entry.seq + 1
    if head is not None and (head.seq != expected_seq - 1 or head.hash != expected_prev):
        problems.append(f"the log ends at entry {expected_seq - 1} but the head says {head.seq}")
    return Verification(entries=count, problems=problems)


def verify(db: Session, batch: int = 5000) -> Verification:
    """Walk the whole chain in batches (constant memory) and report what is wrong."""
    head = db.get(AuditHead, HEAD_ID)

    def stream() -> Iterable[AuditEntry]:
        last = 0
        while True:
            rows: Sequence[AuditEntry] = db.scalars(
                select(AuditEntry)
                .where(AuditEntry.seq > last)
                .order_by(AuditEntry.seq)
                .limit(batch)
            ).all()
            if not rows:
                return
            yield from rows
            last = rows[-1].seq
            db.expunge_all()

    return verify_entries(stream(), head)


def recent(
    db: Session,
    *,
    org_id: str,
    before: int | None = None,
    limit: int = 50,
    action: str | None = None,
) -> list[AuditEntry]:
    """An organization's entries, newest first, keyset-paginated by sequence number."""
    query = select(AuditEntry).where(AuditEntry.org_id == org_id)
    if before is not None:
        query = query.where(AuditEntry.seq < before)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(db.scalars(query.order_by(AuditEntry.seq.desc()).limit(limit)))
