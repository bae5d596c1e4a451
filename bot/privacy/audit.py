"""The audit log: append-only, hash-chained, sealed records of sign-ins, views and changes.

Each entry stores sha256(previous hash + canonical JSON of the entry), and a seal: an HMAC of
its sequence number and hash under a key derived from the master key (`Vault.derived`), which is
never stored. Someone who edits the database can delete an entry and recompute the hashes, but
not the seals: `verify` names the first entry whose link, hash or seal does not hold, and the
head row (the chain's end) is sealed too. Appends are serialized through the single
`audit_head` row (a row lock on PostgreSQL, the write lock on SQLite), so the chain never forks.
Entries hold ids and action codes only, never personal data. Verification walks the whole
chain: it is a command (`camino audit verify`) and a dashboard action, never per request.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.store.models import AuditEntry, AuditHead
from bot.store.vault import Vault

GENESIS = "0" * 64
HEAD_ID = 1
MAX_DETAIL = 1000
PURPOSE = "audit-chain"


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


def seal(key: bytes, seq: int, hash_: str, *, head: bool = False) -> str:
    """The HMAC of an entry (or of the head) under the audit key."""
    message = f"{'head' if head else 'entry'}:{seq}:{hash_}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def append(db: Session, vault: Vault, record: Record, *, now: datetime) -> AuditEntry:
    """Append one entry inside the caller's transaction (the head row is locked until commit)."""
    key_id, key = vault.derived(PURPOSE)
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
    entry.mac, entry.key_id = seal(key, entry.seq, entry.hash), key_id
    head.hash = entry.hash
    head.mac, head.key_id = seal(key, head.seq, head.hash, head=True), key_id
    db.add(entry)
    db.flush()
    return entry


def record(sessions: sessionmaker[Session], vault: Vault, item: Record, *, now: datetime) -> None:
    """Append one entry in its own transaction (for attempts that change nothing else)."""
    with sessions() as db, db.begin():
        append(db, vault, item, now=now)


@dataclass(frozen=True)
class Verification:
    """The result of walking the chain: how many entries, and the problems found."""

    entries: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def _seal_problem(
    keys: dict[str, bytes], key_id: str, mac: str, seq: int, hash_: str, *, head: bool = False
) -> bool:
    key = keys.get(key_id)
    return key is None or not hmac.compare_digest(seal(key, seq, hash_, head=head), mac)


def verify_entries(
    entries: Iterable[AuditEntry], head: AuditHead | None, keys: dict[str, bytes]
) -> Verification:
    """Check sequence numbers, links, hashes and seals of entries given in seq order."""
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
        elif _seal_problem(keys, entry.key_id, entry.mac, entry.seq, entry.hash):
            problems.append(
                f"entry {entry.seq} is not sealed by this installation's key "
                "(it was rewritten, or the chain recomputed, outside Camino)"
            )
        expected_prev, expected_seq = entry.hash, entry.seq + 1
    if head is not None and (head.seq != expected_seq - 1 or head.hash != expected_prev):
        problems.append(f"the log ends at entry {expected_seq - 1} but the head says {head.seq}")
    elif (
        head is not None
        and head.seq
        and _seal_problem(keys, head.key_id, head.mac, head.seq, head.hash, head=True)
    ):
        problems.append("the head of the log is not sealed by this installation's key")
    return Verification(entries=count, problems=problems)


def _stream(db: Session, batch: int) -> Iterable[AuditEntry]:
    """Every entry in seq order, in batches (constant memory)."""
    last = 0
    while True:
        rows: Sequence[AuditEntry] = db.scalars(
            select(AuditEntry).where(AuditEntry.seq > last).order_by(AuditEntry.seq).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq
        db.expunge_all()


def verify(db: Session, vault: Vault, batch: int = 5000) -> Verification:
    """Walk the whole chain and report what is wrong."""
    head = db.get(AuditHead, HEAD_ID)
    return verify_entries(_stream(db, batch), head, vault.derived_all(PURPOSE))


def reseal(sessions: sessionmaker[Session], vault: Vault, batch: int = 1000) -> int:
    """Seal again, under the master key that now wraps new keys, every entry sealed under
    another key or not at all (written before seals existed, or before a key rotation); how
    many. Only an intact chain is resealed: a problem stops it, so tampering is never laundered.
    """
    key_id, key = vault.derived(PURPOSE)
    keys = vault.derived_all(PURPOSE)
    done, expected_prev, last = 0, GENESIS, 0
    while True:
        with sessions() as db, db.begin():
            rows = list(
                db.scalars(
                    select(AuditEntry)
                    .where(AuditEntry.seq > last)
                    .order_by(AuditEntry.seq)
                    .limit(batch)
                )
            )
            if not rows:
                break
            for entry in rows:
                intact = (
                    entry.seq == last + 1
                    and entry.prev_hash == expected_prev
                    and chain_hash(entry.prev_hash, entry_fields(entry)) == entry.hash
                    and (
                        not entry.mac
                        or not _seal_problem(keys, entry.key_id, entry.mac, entry.seq, entry.hash)
                    )
                )
                if not intact:
                    raise ValueError(f"The audit log is broken at entry {entry.seq}; not resealed.")
                if entry.key_id != key_id:
                    entry.mac, entry.key_id = seal(key, entry.seq, entry.hash), key_id
                    done += 1
                expected_prev, last = entry.hash, entry.seq
    with sessions() as db, db.begin():
        db.execute(update(AuditHead).where(AuditHead.id == HEAD_ID).values(seq=AuditHead.seq))
        head = db.get(AuditHead, HEAD_ID)
        if (
            head is not None
            and head.key_id != key_id
            and head.seq == last
            and head.hash == expected_prev
        ):
            head.mac, head.key_id = seal(key, head.seq, head.hash, head=True), key_id
    return done


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
