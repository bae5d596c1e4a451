"""Who may do what: role permissions, and which cases an organization sees.

Routing is computed in queries: an organization sees the submitted cases whose incident state
(or, when that is missing, the reporter's state) it covered when they were filed (a state added
to its coverage reaches later reports only; older ones move by referral), and the cases
referred to it and not withdrawn.
Besides, the network's fallback organization sees the cases no organization covers
(`Case.uncovered`, see `bot.staff.ownership`), and an organization an unacknowledged urgent
alert escalated to sees that case (an `Alert` with reason "escalation": granted like a
referral, case by case). A draft is seen only once it became urgent (it then has
`submitted_at`: "en curso", in progress); statistics, retention and exports keep to filed cases.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    false,
    literal,
    or_,
    select,
    true,
    tuple_,
    union,
)
from sqlalchemy.orm import InstrumentedAttribute, Session

from bot.cases.filters import CaseFilters
from bot.staff.accounts import coverage
from bot.staff.roles import roles_of
from bot.staff.workload import VIEWS, view_condition
from bot.store.models import (
    Alert,
    Case,
    CaseCrimeType,
    CasePerpetrator,
    Organization,
    Referral,
    Staff,
)

# Least privilege: each role holds only the permissions its work needs; a person with several
# roles holds the union of theirs.
PERMISSIONS: dict[str, frozenset[str]] = {
    "cases:read": frozenset({"caseworker"}),
    "cases:write": frozenset({"caseworker"}),
    "evidence:original": frozenset({"caseworker"}),
    "stats:read": frozenset({"analyst"}),
    "audit:read": frozenset({"auditor"}),
    "audit:verify": frozenset({"auditor", "admin"}),
    "staff:manage": frozenset({"admin"}),
}
# API scopes map to the same permissions.
SCOPE_PERMISSIONS: dict[str, frozenset[str]] = {
    "cases:read": frozenset({"cases:read"}),
    "events:write": frozenset({"cases:write"}),
    "stats:read": frozenset({"stats:read"}),
}
# The first screen after sign-in: the first page of this list the person may open.
HOME = (
    ("cases:read", "/dashboard/cases"),
    ("stats:read", "/dashboard/stats"),
    ("audit:read", "/dashboard/audit"),
    ("staff:manage", "/dashboard/staff"),
)


def allowed(roles: str | Iterable[str], permission: str) -> bool:
    """Whether one of these roles (a role, or several) holds the permission."""
    held = {roles} if isinstance(roles, str) else set(roles)
    return not held.isdisjoint(PERMISSIONS.get(permission, frozenset()))


def home(roles: Iterable[str]) -> str | None:
    """Where a person with these roles starts: the work they can do."""
    held = tuple(roles)
    return next((path for permission, path in HOME if allowed(held, permission)), None)


def scope_allows(scopes: list[str], permission: str) -> bool:
    return any(permission in SCOPE_PERMISSIONS.get(scope, frozenset()) for scope in scopes)


def shown() -> list[ColumnElement[bool]]:
    """Filed cases, and drafts that became urgent (they have `submitted_at` then)."""
    return [
        Case.submitted_at.is_not(None),
        or_(Case.status != "draft", Case.urgent.is_(True)),
    ]


def escalated_to(org: Organization) -> Select[str]:
    """The cases whose unacknowledged urgent alert escalated to the organization."""
    return select(Alert.case_id).where(Alert.org_id == org.id, Alert.reason == "escalation")


def usable_scopes(scopes: list[str], holder: Staff | None) -> list[str]:
    """A token's scopes that its holder's roles still allow (all of them for an older token
    without a holder)."""
    if holder is None:
        return scopes
    held = roles_of(holder)
    return [
        scope
        for scope in scopes
        if all(allowed(held, name) for name in SCOPE_PERMISSIONS.get(scope, frozenset()))
    ]


def _since(when: datetime | None) -> ColumnElement[bool]:
    """Filed once the state was covered (coverage reaches only later reports)."""
    return true() if when is None else Case.submitted_at >= when


def routed_to(org: Organization) -> ColumnElement[bool]:
    """Cases whose incident state (else the reporter's state) the organization covered when
    they were filed."""
    covered = coverage(org)
    if not covered:
        return false()
    return or_(
        *(and_(Case.incident_state == state, _since(when)) for state, when in covered.items()),
        *(
            and_(Case.incident_state.is_(None), Case.reporter_state == state, _since(when))
            for state, when in covered.items()
        ),
    )


def referred_to(org: Organization) -> Select[str]:
    """The cases referred to the organization and not withdrawn."""
    return select(Referral.case_id).where(
        Referral.to_org_id == org.id, Referral.withdrawn_at.is_(None)
    )


def visible_cases(org: Organization) -> Select[Case]:
    """Submitted (or urgent draft) cases routed to the organization, referred or escalated to
    it, and, for the fallback organization, the cases no organization covers."""
    referred = Case.id.in_(referred_to(org))
    escalated = Case.id.in_(escalated_to(org))
    uncovered = Case.uncovered.is_(True) if org.is_fallback else false()
    return select(Case).where(*shown(), or_(routed_to(org), referred, escalated, uncovered))


def owns(db: Session, org: Organization, case: Case) -> bool:
    """Whether the organization sees the case by its own right (routing, the fallback, an
    escalation), not only through a referral."""
    uncovered = Case.uncovered.is_(True) if org.is_fallback else false()
    mine = or_(routed_to(org), Case.id.in_(escalated_to(org)), uncovered)
    return db.scalar(select(Case.id).where(Case.id == case.id, mine)) is not None


def find_visible_case(db: Session, org: Organization, case_id: str) -> Case | None:
    """A case by id, only when the organization may see it."""
    if not case_id.isalnum() or len(case_id) > 32:
        return None
    return db.scalars(visible_cases(org).where(Case.id == case_id)).first()


# --- the inbox --------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxFilters(CaseFilters):
    """The inbox's filters: those of every case list, a case status and a language."""

    status: str | None = None
    language: str | None = None
    view: str | None = None  # one of `workload.VIEWS`
    viewer: str | None = None  # the staff member whose "mine" it is


@dataclass(frozen=True)
class Cursor:
    """Where a page ends: the sort key of its last case (keyset pagination, no OFFSET)."""

    urgent: bool
    submitted_at: datetime
    case_id: str

    def encode(self) -> str:
        raw = json.dumps([int(self.urgent), self.submitted_at.isoformat(), self.case_id])
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @staticmethod
    def decode(text: str | None) -> Cursor | None:
        """A cursor from a query string; None for anything malformed."""
        if not text or len(text) > 200:
            return None
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            urgent, when, case_id = json.loads(raw)
            moment = datetime.fromisoformat(when)
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
            return None
        if urgent not in (0, 1) or not isinstance(case_id, str) or not case_id.isalnum():
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return Cursor(bool(urgent), moment, case_id[:32])


# Where a slice reads the inbox key (urgent, submitted_at, incident_state, reporter_state,
# uncovered, and the case's id): the cases themselves, or one code's rows (`casecodes.InboxKey`).
Keyed = type[Case] | type[CaseCrimeType] | type[CasePerpetrator]
CODE_TABLES = (CaseCrimeType, CasePerpetrator)


def _id(source: Keyed) -> InstrumentedAttribute[str]:
    return source.case_id if issubclass(source, CODE_TABLES) else Case.id


def slice_branches(
    org: Organization, filters: InboxFilters, referred: list[str], source: Keyed = Case
) -> list[ColumnElement[bool]]:
    """Slices of the visible cases; each state slice is one index range in inbox order."""
    covered = coverage(org)
    states = list(covered)
    if filters.state:
        # Only cases whose incident state is the filter's: the reporter-state slices are empty.
        incident = [filters.state] if filters.state in states else []
        reporter: list[str] = []
    else:
        incident = reporter = states

    def since(state: str) -> ColumnElement[bool]:
        # A state covered since a date: its slice starts there (the index range is unchanged).
        when = covered[state]
        return true() if when is None else source.submitted_at >= when

    branches: list[ColumnElement[bool]] = [
        *(and_(source.incident_state == state, since(state)) for state in incident),
        *(
            and_(source.incident_state.is_(None), source.reporter_state == state, since(state))
            for state in reporter
        ),
    ]
    in_state = source.incident_state == filters.state if filters.state else true()
    if org.is_fallback:
        # The bare column, as the partial indexes' condition reads (SQLite matches it as text).
        branches.append(and_(cast("ColumnElement[bool]", source.uncovered), in_state))
    if referred:
        branches.append(and_(_id(source).in_(referred), in_state))
    return branches


def _has(table: type[CaseCrimeType] | type[CasePerpetrator], code: str) -> ColumnElement[bool]:
    """A per-row probe of a case's codes (primary key lookup) while its slice walks in order.

    OFFSET 0 keeps PostgreSQL from turning it into a join over every case with that code.
    """
    probe = select(table.case_id).where(table.case_id == Case.id, table.code == code)
    return probe.offset(0).exists()


def _conditions(
    org: Organization, filters: InboxFilters, after: Cursor | None, source: Keyed
) -> list[ColumnElement[bool]]:
    """The filters, the view and the cursor as conditions every slice applies (a code the
    slice walks is not probed again)."""
    conditions: list[ColumnElement[bool]] = shown()
    if filters.view in VIEWS:
        conditions.append(view_condition(filters.view, org.id, filters.viewer))
    if filters.status:
        conditions.append(Case.status == filters.status)
    if filters.channel:
        conditions.append(Case.channel == filters.channel)
    if filters.language:
        conditions.append(Case.language == filters.language)
    if filters.date_from is not None:
        conditions.append(source.submitted_at >= filters.date_from)
    if filters.date_to is not None:
        conditions.append(source.submitted_at < filters.date_to)
    if filters.crime_type and source is not CaseCrimeType:
        conditions.append(_has(CaseCrimeType, filters.crime_type))
    if filters.perpetrator and source is not CasePerpetrator:
        conditions.append(_has(CasePerpetrator, filters.perpetrator))
    if after is not None:
        # One row-value comparison, so the index range starts right after the cursor.
        conditions.append(
            tuple_(source.urgent, source.submitted_at, _id(source))
            < tuple_(
                literal(after.urgent),
                literal(after.submitted_at, Case.submitted_at.type),
                literal(after.case_id),
            )
        )
    return conditions


def referred_ids(db: Session, org: Organization) -> list[str]:
    """The cases referred or escalated to the organization, looked up first so their slice is
    a key lookup.

    As a subquery, PostgreSQL may instead walk every case in inbox order probing the referrals.
    """
    return sorted(set(db.scalars(referred_to(org))) | set(db.scalars(escalated_to(org))))


INBOX_ORDER = (Case.urgent.desc(), Case.submitted_at.desc(), Case.id.desc())


def _walked(filters: InboxFilters) -> tuple[Keyed, str | None]:
    """What the slices walk: a filtered code's rows (crime type first), else the cases."""
    if filters.crime_type:
        return CaseCrimeType, filters.crime_type
    if filters.perpetrator:
        return CasePerpetrator, filters.perpetrator
    return Case, None


def inbox_query(
    org: Organization,
    filters: InboxFilters,
    after: Cursor | None,
    limit: int = 50,
    referred: list[str] | None = None,
) -> Select[Case]:
    """Urgent cases first, then newest; filtered; the `limit` cases after a cursor.

    Each slice (one covered state, one reporter state, the uncovered cases for the fallback
    organization, the referrals and escalations) walks its own index in
    inbox order and stops after `limit` rows, so a page costs the same however many cases are
    stored; filtered by a crime type or a perpetrator, it walks that code's rows instead, which
    carry their case's inbox key (`bot.store.casecodes`). The merged slices (UNION drops a case
    both routed and referred) are cut to `limit`.
    `referred` are the ids of the cases referred or escalated to it (`referred_ids`).
    """
    source, walked = _walked(filters)
    conditions = _conditions(org, filters, after, source)
    slices = []
    for branch in slice_branches(org, filters, referred or [], source):
        part = select(_id(source).label("id"), source.urgent, source.submitted_at)
        if issubclass(source, CODE_TABLES):
            part = part.join(Case, Case.id == _id(source)).where(source.code == walked)
        slices.append(
            part.where(branch, *conditions)
            .order_by(source.urgent.desc(), source.submitted_at.desc(), _id(source).desc())
            .limit(limit)
            .subquery()
        )
    if not slices:
        return select(Case).where(false())
    merged = union(*(select(part.c.id, part.c.urgent, part.c.submitted_at) for part in slices))
    top = merged.subquery()
    page = (
        select(top.c.id)
        .order_by(top.c.urgent.desc(), top.c.submitted_at.desc(), top.c.id.desc())
        .limit(limit)
        .subquery()
    )
    return select(Case).join(page, Case.id == page.c.id).order_by(*INBOX_ORDER)


def inbox_page(
    db: Session, org: Organization, filters: InboxFilters, after: Cursor | None, limit: int = 50
) -> tuple[list[Case], Cursor | None]:
    """One page of the inbox and the cursor of the next page (None on the last)."""
    query = inbox_query(org, filters, after, limit + 1, referred_ids(db, org))
    rows = list(db.scalars(query))
    more = len(rows) > limit
    rows = rows[:limit]
    if not more or not rows:
        return rows, None
    last = rows[-1]
    when = last.submitted_at
    assert when is not None
    return rows, Cursor(bool(last.urgent), when, last.id)


# Counts stop here (the inbox shows "1000+"): an open inbox asks for them every few seconds, so
# each costs at most about this many rows however many cases are stored (`inboxcounts`).
COUNT_CAP = 1000
