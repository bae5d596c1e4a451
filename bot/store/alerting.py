"""Models of on-call alerts: where an organization's alerts go, and the alerts sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.base import Base, new_id


class AlertDestination(Base):
    """Where an organization's on-call alerts go: an SMS or WhatsApp number or a Telegram chat.

    Staff numbers are not victims' data, but they say who is on call for a shelter that
    criminals may target: the address is encrypted under a data key of its own (wrapped by
    the master key, re-wrapped by key rotation) and found by a blind index, like a contact's.
    """

    __tablename__ = "alert_destinations"
    __table_args__ = (UniqueConstraint("org_id", "channel", "address_index"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    address_index: Mapped[str] = mapped_column(String(64), index=True)
    address_enc: Mapped[bytes]
    wrapped_key: Mapped[bytes]
    key_id: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime]
    # When it last wrote to Camino (WhatsApp takes free text for 24 hours after that).
    last_inbound_at: Mapped[datetime | None]


class Alert(Base):
    """An organization alerted about a case: urgent (to acknowledge) or a new report.

    `reason` is "owner" (the organization owns the case) or "escalation" (the fallback
    organization, after nobody acknowledged in time: this grants it sight of the case).
    """

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("case_id", "org_id", "kind"),
        Index("ix_alerts_open", "acknowledged_at", "kind", "last_sent_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[str] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(8))  # "urgent" or "new"
    reason: Mapped[str] = mapped_column(String(12))  # "owner" or "escalation"
    created_at: Mapped[datetime]
    last_sent_at: Mapped[datetime]
    rounds: Mapped[int] = mapped_column(default=1)  # times sent (first + repeats)
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str | None] = mapped_column(String(80))  # staff:<id>, oncall:<id>
