"""Rates shared by every process: one row per rate (a provider's sending rate, a web chat
budget), read and moved by every process in one statement."""

from __future__ import annotations

from sqlalchemy import Float, String, case, delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from bot.store.base import Base


class RateSlot(Base):
    """The next free send slot of one rate (seconds since the epoch), for all processes."""

    __tablename__ = "rate_slots"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    next_at: Mapped[float] = mapped_column(Float())


def admit(db: Session, name: str, interval: float, burst: int, now: float) -> bool:
    """Count one request against the rate `name` (one every `interval` seconds on average, up
    to `burst` at once: a token bucket, kept as its next free slot); False when over it.

    One conditional `UPDATE ... RETURNING`, so every process sharing the database counts
    against the same budget.
    """
    tolerance = (max(burst, 1) - 1) * interval
    moved = db.scalar(
        update(RateSlot)
        .where(RateSlot.name == name, RateSlot.next_at - now <= tolerance)
        .values(next_at=case((RateSlot.next_at < now, now), else_=RateSlot.next_at) + interval)
        .returning(RateSlot.name)
    )
    if moved is not None:
        return True
    insert = postgresql.insert if db.get_bind().dialect.name == "postgresql" else sqlite.insert
    made = db.scalar(
        insert(RateSlot)
        .values(name=name, next_at=now + interval)
        .on_conflict_do_nothing()
        .returning(RateSlot.name)
    )
    return made is not None  # None: the row was there, and over its budget


def forget_idle(db: Session, prefix: str, now: float) -> int:
    """Delete the rates named `prefix...` whose budget is full again (as if never used)."""
    result = db.execute(
        delete(RateSlot).where(RateSlot.name.startswith(prefix), RateSlot.next_at < now)
    )
    return int(getattr(result, "rowcount", 0) or 0)
