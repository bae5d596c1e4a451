"""Model of a referral: a case handed explicitly from one organization to another."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, text
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.base import Base, new_id


class Referral(Base):
    """An explicit hand-over of a case to another organization."""

    __tablename__ = "referrals"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    from_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    to_org_id: Mapped[str] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    by_staff_id: Mapped[str | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    # Withdrawn by the referring organization: the receiving one no longer sees the case.
    withdrawn_at: Mapped[datetime | None]
    # The referring organization consents to the receiving one referring the case onward.
    onward_allowed: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
