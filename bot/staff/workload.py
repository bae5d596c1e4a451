"""A caseworker's views of the inbox, and what is new to them on each case.

Views: "mine" (assigned to me in my organization), "unassigned" (nobody of my organization
works it), "urgent", "waiting" (my organization wrote to the reporter last in an open thread:
waiting for their answer) and "callback" (someone asked to be called and the call is not marked
made: `bot.staff.callbacks`). What is new to a staff member: talk-back messages that came in
(from the reporter, or from a follower with the code and PIN) after they last opened the case
(`CaseRead`); a pending call stays marked until it is made.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, func, not_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from bot.staff import callbacks
from bot.store.models import (
    Case,
    CaseAssignment,
    CaseRead,
    InboxShown,
    Staff,
    TalkbackMessage,
    TalkbackThread,
)

VIEWS = ("mine", "unassigned", "urgent", "waiting", "callback")


def view_condition(view: str | None, org_id: str, staff_id: str | None) -> ColumnElement[bool]:
    """The condition a view adds to the inbox's query (true for no view)."""
    assigned = select(CaseAssignment.case_id).where(
        CaseAssignment.case_id == Case.id, CaseAssignment.org_id == org_id
    )
    if view == "mine":
        return exists(assigned.where(CaseAssignment.staff_id == (staff_id or "")))
    if view == "unassigned":
        return not_(exists(assigned))
    if view == "urgent":
        return Case.urgent.is_(True)
    if view == "waiting":
        return waiting_for_reporter(org_id)
    if view == "callback":
        return callbacks.waiting()
    return and_(True)


def waiting_for_reporter(org_id: str) -> ColumnElement[bool]:
    """An open thread of the organization whose last message is the organization's."""
    later = aliased(TalkbackMessage)
    sent = (
        select(TalkbackMessage.id)
        .join(TalkbackThread, TalkbackThread.id == TalkbackMessage.thread_id)
        .where(
            TalkbackThread.case_id == Case.id,
            TalkbackThread.org_id == org_id,
            TalkbackThread.closed_at.is_(None),
            TalkbackMessage.direction == "out",
            not_(
                exists(
                    select(later.id).where(
                        later.thread_id == TalkbackMessage.thread_id,
                        later.direction == "in",
                        later.created_at > TalkbackMessage.created_at,
                    )
                )
            ),
        )
    )
    return exists(sent)


@dataclass(frozen=True)
class RowMarks:
    """What an inbox row shows besides the case: who works it, what came in unread."""

    assignee: str | None = None
    from_reporter: bool = False
    from_follower: bool = False
    callback: bool = False  # someone waits for a call


def row_marks(
    db: Session, case_ids: Sequence[str], org_id: str, staff_id: str
) -> dict[str, RowMarks]:
    """Assignees and unread incoming messages of these cases, for one staff member."""
    if not case_ids:
        return {}
    assignees = dict(
        db.execute(
            select(CaseAssignment.case_id, Staff.email)
            .join(Staff, Staff.id == CaseAssignment.staff_id)
            .where(CaseAssignment.case_id.in_(case_ids), CaseAssignment.org_id == org_id)
        ).all()
    )
    seen = dict(
        db.execute(
            select(CaseRead.case_id, CaseRead.seen_at).where(
                CaseRead.case_id.in_(case_ids), CaseRead.staff_id == staff_id
            )
        ).all()
    )
    incoming = db.execute(
        select(
            TalkbackThread.case_id,
            TalkbackMessage.sender,
            func.max(TalkbackMessage.created_at),
        )
        .join(TalkbackThread, TalkbackThread.id == TalkbackMessage.thread_id)
        .where(
            TalkbackThread.case_id.in_(case_ids),
            TalkbackThread.org_id == org_id,
            TalkbackMessage.direction == "in",
        )
        .group_by(TalkbackThread.case_id, TalkbackMessage.sender)
    ).all()
    reporter: set[str] = set()
    follower: set[str] = set()
    for case_id, sender, newest in incoming:
        last_seen = seen.get(case_id)
        if last_seen is not None and newest <= last_seen:
            continue
        (follower if sender == "follower" else reporter).add(case_id)
    calls = callbacks.pending_cases(db, list(case_ids))
    return {
        case_id: RowMarks(
            assignee=assignees.get(case_id),
            from_reporter=case_id in reporter,
            from_follower=case_id in follower,
            callback=case_id in calls,
        )
        for case_id in case_ids
    }


def mark_read(db: Session, case_id: str, staff_id: str, now: datetime) -> None:
    """The staff member opened the case now: what came in before is no longer new to them."""
    current = db.get(CaseRead, (case_id, staff_id))
    if current is None:
        db.add(CaseRead(case_id=case_id, staff_id=staff_id, seen_at=now))
    else:
        current.seen_at = now


def note_shown(db: Session, token_hash: str, case_ids: Sequence[str]) -> int:
    """Remember that this session's inbox showed these cases; how many it had not shown before
    (two tabs racing may both count a case: then both requests are audited, never neither)."""
    wanted = list(dict.fromkeys(case_ids))
    if not wanted:
        return 0
    known = set(
        db.scalars(
            select(InboxShown.case_id).where(
                InboxShown.token_hash == token_hash, InboxShown.case_id.in_(wanted)
            )
        )
    )
    new = [case_id for case_id in wanted if case_id not in known]
    if new:
        insert = postgresql.insert if db.get_bind().dialect.name == "postgresql" else sqlite.insert
        rows = [{"token_hash": token_hash, "case_id": case_id} for case_id in new]
        db.execute(insert(InboxShown).values(rows).on_conflict_do_nothing())
    return len(new)
