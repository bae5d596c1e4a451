"""Models of running Camino, with no personal data: which process leads the scheduler, and the
WhatsApp templates Camino made."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.base import Base


class SchedulerLeader(Base):
    """Which process runs the scheduler, and its last heartbeat (one row, for the dashboard).

    The lock decides who leads; this row only reports it (a process id and host, no personal data).
    """

    __tablename__ = "scheduler_leader"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    pid: Mapped[int]
    host: Mapped[str] = mapped_column(String(255))
    started_at: Mapped[datetime]
    heartbeat_at: Mapped[datetime]
    stopped_at: Mapped[datetime | None]


class WhatsappTemplate(Base):
    """A WhatsApp template Camino made through Twilio's Content API, and WhatsApp's verdict.

    One per kind of unprompted message and language (`notice`/`es`...). `body_hash` tells a
    changed text (a new template is then made); `fallback_sid` keeps the previous approved one
    in use until WhatsApp approves the new one. No personal data: the texts are Camino's own.
    """

    __tablename__ = "whatsapp_templates"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    content_sid: Mapped[str] = mapped_column(String(34))
    name: Mapped[str] = mapped_column(String(64))
    body_hash: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    rejection_reason: Mapped[str | None] = mapped_column(String(200))
    fallback_sid: Mapped[str | None] = mapped_column(String(34))
    updated_at: Mapped[datetime]
