"""The counts an open inbox polls (each view's, the reports that arrived since it was opened),
each stopping at `COUNT_CAP` and each reading a bounded number of rows however many cases are
stored.

A count walks what is small: a view that only some cases are in starts from its own rows (the
staff member's assignments, the organization's open talk-back threads, the pending call-back
requests and the reporters who asked for a person) and checks that each case is visible; a
view of most cases walks the inbox's slices (`access.slice_branches`), which stop after
`COUNT_CAP` rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, false, or_, select, true
from sqlalchemy.orm import Session

from bot.staff import callbacks
from bot.staff.access import COUNT_CAP, InboxFilters, referred_ids, routed_to, shown, slice_branches
from bot.staff.workload import VIEWS, view_condition
from bot.store.models import CallbackRequest, Case, CaseAssignment, Organization, TalkbackThread


def _visible(org: Organization, referred: list[str]) -> list[ColumnElement[bool]]:
    """`access.visible_cases`'s conditions, with the referrals and escalations as ids."""
    uncovered = Case.uncovered.is_(True) if org.is_fallback else false()
    mine = Case.id.in_(referred) if referred else false()
    return [*shown(), or_(routed_to(org), mine, uncovered)]


def _count(db: Session, queries: list[Select[Any]]) -> int:
    """How many distinct cases the queries find together, up to `COUNT_CAP`: each reads at
    most that many ids, and none runs once the cap is reached."""
    seen: set[str] = set()
    for query in queries:
        if len(seen) >= COUNT_CAP:
            break
        seen.update(db.scalars(query.limit(COUNT_CAP)))
    return min(len(seen), COUNT_CAP)


def _by_slices(
    org: Organization,
    referred: list[str],
    condition: ColumnElement[bool],
    urgencies: tuple[ColumnElement[bool], ...] = (true(), false()),
) -> list[Select[Any]]:
    """One query per inbox slice and urgency, so that each is one index range."""
    return [
        select(Case.id.label("id")).where(branch, *shown(), Case.urgent == urgent, condition)
        for branch in slice_branches(org, InboxFilters(), referred)
        for urgent in urgencies
    ]


def _view(org: Organization, view: str, staff_id: str, referred: list[str]) -> list[Select[Any]]:
    condition = view_condition(view, org.id, staff_id)
    visible = _visible(org, referred)
    if view == "mine":
        assigned = select(Case.id.label("id")).join(
            CaseAssignment, CaseAssignment.case_id == Case.id
        )
        return [
            assigned.where(
                CaseAssignment.staff_id == staff_id, CaseAssignment.org_id == org.id, *visible
            )
        ]
    if view == "waiting":
        threads = select(Case.id.label("id")).join(
            TalkbackThread, TalkbackThread.case_id == Case.id
        )
        return [
            threads.where(
                TalkbackThread.org_id == org.id,
                TalkbackThread.closed_at.is_(None),
                condition,
                *visible,
            )
        ]
    if view == "callback":
        asked = select(Case.id.label("id")).join(
            CallbackRequest, CallbackRequest.case_id == Case.id
        )
        return [
            asked.where(CallbackRequest.handled_at.is_(None), *visible),
            select(Case.id.label("id")).where(
                Case.prefers_person == true(), callbacks.reporter_waits(), *visible
            ),
        ]
    if view == "urgent":
        return _by_slices(org, referred, condition, (true(),))
    return _by_slices(org, referred, condition)


def view_counts(db: Session, org: Organization, staff_id: str) -> dict[str, int]:
    """How many visible cases each inbox view holds for this staff member (up to
    `COUNT_CAP`)."""
    referred = referred_ids(db, org)
    return {view: _count(db, _view(org, view, staff_id, referred)) for view in VIEWS}


def newest_after(db: Session, org: Organization, since: datetime) -> int:
    """How many visible cases arrived after `since` (the inbox says so while it is open; up to
    `COUNT_CAP`)."""
    return _count(db, _by_slices(org, referred_ids(db, org), Case.submitted_at > since))
