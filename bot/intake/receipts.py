"""The receipt of a provider's message id, taken in one statement that never waits.

A provider may deliver one message twice at once (a retry racing the first try, or two Camino
processes behind a load balancer). The receipt is an `INSERT ... ON CONFLICT DO NOTHING`: a
delivery recorded before inserts nothing and is answered as a duplicate.

On PostgreSQL an insert that conflicts with a row another transaction has not committed yet
would wait for that transaction to end. So the first delivery also takes a transaction-level
advisory lock named by a hash of the id, and a second delivery that cannot take it returns at
once as a duplicate: if the first then fails, it answers an error, and the provider delivers the
message again. On SQLite writers take turns anyway (`BEGIN IMMEDIATE`), so a second delivery
finds the first one's committed row.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.store.models import InboundReceipt


def lock_key(channel: str, external_id: str) -> int:
    """A signed 64-bit advisory lock id for one delivery (PostgreSQL's bigint)."""
    digest = hashlib.blake2b(f"receipt:{channel}:{external_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def first_delivery(db: Session, channel: str, external_id: str, now: datetime) -> bool:
    """Record a provider's message id; False when it was recorded, or is being recorded, by
    another delivery (a redelivery, answered at once without waiting for the other)."""
    statement: postgresql.Insert | sqlite.Insert
    values = {"channel": channel, "external_id": external_id, "received_at": now}
    if db.get_bind().dialect.name == "postgresql":
        taken = db.scalar(select(func.pg_try_advisory_xact_lock(lock_key(channel, external_id))))
        if not taken:  # the same delivery is being processed right now
            return False
        statement = postgresql.insert(InboundReceipt).values(**values).on_conflict_do_nothing()
    else:
        statement = sqlite.insert(InboundReceipt).values(**values).on_conflict_do_nothing()
    # RETURNING says whether a row went in (rowcount is not reliable through the ORM).
    return db.execute(statement.returning(InboundReceipt.external_id)).first() is not None
