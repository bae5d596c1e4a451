"""Model of what each staff member has read: when they last opened a case."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.base import Base
from bot.store.types import UtcDateTime


class CaseRead(Base):
    """When a staff member last opened a case: what came in since is new to them."""

    __tablename__ = "case_reads"

    case_id: Mapped[str] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    staff_id: Mapped[str] = mapped_column(
        ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True
    )
    seen_at: Mapped[datetime] = mapped_column(UtcDateTime())
