"""Models of talking with the reporter: talk-back threads and their messages; and of what
each staff member has read (when they last opened a case, which cases a signed-in session's
inbox has shown)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.base import Base, new_id


class CaseRead(Base):
    """When a staff member last opened a case: what came in since is new to them."""

    __tablename__ = "case_reads"

    case_id: Mapped[str] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    staff_id: Mapped[str] = mapped_column(
        ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True
    )
    seen_at: Mapped[datetime]


class InboxShown(Base):
    """A case a session's inbox has shown, in an audited request: a refresh that shows only
    such cases adds nothing to the audit log."""

    __tablename__ = "inbox_shown"

    token_hash: Mapped[str] = mapped_column(
        ForeignKey("staff_sessions.token_hash", ondelete="CASCADE"), primary_key=True
    )
    case_id: Mapped[str] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )


class TalkbackThread(Base):
    """A conversation between a caseworker and the reporter, through the reporter's channel."""

    __tablename__ = "talkback_threads"
    # The inbox's "Esperan respuesta" count starts from an organization's open threads.
    __table_args__ = (Index("ix_talkback_threads_open", "org_id", "closed_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[str] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    opened_at: Mapped[datetime]
    last_activity_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class TalkbackMessage(Base):
    """One message of a talk-back thread, encrypted with the case key."""

    __tablename__ = "talkback_messages"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    thread_id: Mapped[str] = mapped_column(
        ForeignKey("talkback_threads.id", ondelete="CASCADE"), index=True
    )
    direction: Mapped[str] = mapped_column(String(4))  # "out" (staff) or "in" (reporter)
    staff_id: Mapped[str | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    body_enc: Mapped[bytes]
    outbox_id: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime]
    # Who wrote an incoming message (migration 0820): "reporter" from the reporter's own chat,
    # "follower" from someone who came back with the case code and PIN (a relative, perhaps).
    # None on older rows: the reporter's chat, or the code and PIN on the web chat.
    sender: Mapped[str | None] = mapped_column(String(10))
