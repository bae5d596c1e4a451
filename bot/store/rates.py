"""The shared sending rates: one row per provider rate, read and moved by every process."""

from __future__ import annotations

from sqlalchemy import Float, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.base import Base


class RateSlot(Base):
    """The next free send slot of one rate (seconds since the epoch), for all processes."""

    __tablename__ = "rate_slots"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    next_at: Mapped[float] = mapped_column(Float())
