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
from typing import Any

from sqlalchemy import BigInteger, String, Table, bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.store.models import InboundReceipt
from bot.store.types import UtcDateTime


def lock_key(channel: str, external_id: str) -> int:
    """A signed 64-bit advisory lock id for one delivery (PostgreSQL's bigint)."""
    digest = hashlib.blake2b(f"receipt:{channel}:{external_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


_CHANNEL = bindparam("channel", type_=String())
_EXTERNAL_ID = bindparam("external_id", type_=String())
_RECEIVED_AT = bindparam("received_at", type_=UtcDateTime())
# The Core table, not the ORM entity: the statement needs no ORM bookkeeping.
_TABLE: Table = InboundReceipt.__table__  # type: ignore[assignment]
_COLUMNS = [_TABLE.c.channel, _TABLE.c.external_id, _TABLE.c.received_at]
# Built once (see `bot.intake.loading`); RETURNING says whether a row went in. On PostgreSQL the
# row is inserted only if this delivery's advisory lock could be taken: one round trip for both.
_INSERT: dict[str, Any] = {
    "postgresql": postgresql.insert(_TABLE)
    .from_select(
        _COLUMNS,
        select(_CHANNEL, _EXTERNAL_ID, _RECEIVED_AT).where(
            func.pg_try_advisory_xact_lock(bindparam("key", type_=BigInteger))
        ),
    )
    .on_conflict_do_nothing()
    .returning(_TABLE.c.external_id),
    "sqlite": sqlite.insert(_TABLE)
    .values(channel=_CHANNEL, external_id=_EXTERNAL_ID, received_at=_RECEIVED_AT)
    .on_conflict_do_nothing()
    .returning(_TABLE.c.external_id),
}


def first_delivery(db: Session, channel: str, external_id: str, now: datetime) -> bool:
    """Record a provider's message id; False when it was recorded, or is being recorded, by
    another delivery (a redelivery, answered at once without waiting for the other)."""
    dialect = db.get_bind().dialect.name
    values: dict[str, Any] = {"channel": channel, "external_id": external_id, "received_at": now}
    if dialect == "postgresql":
        values["key"] = lock_key(channel, external_id)
    return db.execute(_INSERT[dialect], values).first() is not None
