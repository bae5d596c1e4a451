"""Who may do what: role permissions, and which cases an organization sees.

Routing is computed in queries: an organization sees the submitted cases whose incident state
(or, when that is missing, the reporter's state) it covers, and the cases referred to it.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Select, and_, false, or_, select
from sqlalchemy.orm import Session

from bot.dashboard.accounts import aware, org_states
from bot.models import Case, CaseCrimeType, CasePerpetrator, Organization, Referral

# Least privilege: each role holds only the permissions its work needs.
PERMISSIONS: dict[str, frozenset[str]] = {
    "cases:read": frozenset({"caseworker"}),
    "cases:write": frozenset({"caseworker"}),
    "evidence:original": frozenset({"caseworker"}),
    "stats:read": frozenset({"analyst"}),
    "audit:read": frozenset({"auditor"}),
    "staff:manage": frozenset({"admin"}),
}
# API scopes map to the same permissions.
SCOPE_PERMISSIONS: dict[str, frozenset[str]] = {
    "cases:read": frozenset({"cases:read"}),
    "events:write": frozenset({"cases:write"}),
    "stats:read": frozenset({"stats:read"}),
}
HOME = {
    "caseworker": "/dashboard/cases",
    "analyst": "/dashboard/stats",
    "auditor": "/dashboard/audit",
    "admin": "/dashboard/staff",
}


def allowed(role: str, permission: str) -> bool:
    return role in PERMISSIONS.get(permission, frozenset())


def scope_allows(scopes: list[str], permission: str) -> bool:
    return any(permission in SCOPE_PERMISSIONS.get(scope, frozenset()) for scope in scopes)


def visible_cases(org: Organization) -> Select[Case]:
    """Submitted cases routed to the organization, or referred to it."""
    states = org_states(org)
    routed = (
        or_(
            Case.incident_state.in_(states),
            and_(Case.incident_state.is_(None), Case.reporter_state.in_(states)),
        )
        if states
        else false()
    )
    referred = Case.id.in_(select(Referral.case_id).where(Referral.to_org_id == org.id))
    return select(Case).where(
        Case.status != "draft", Case.submitted_at.is_not(None), or_(routed, referred)
    )


def find_visible_case(db: Session, org: Organization, case_id: str) -> Case | None:
    """A case by id, only when the organization may see it."""
    if not case_id.isalnum() or len(case_id) > 32:
        return None
    return db.scalars(visible_cases(org).where(Case.id == case_id)).first()


# --- the inbox --------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxFilters:
    """The inbox's filters; all optional."""

    status: str | None = None
    crime_type: str | None = None
    perpetrator: str | None = None
    state: str | None = None
    channel: str | None = None
    language: str | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None


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


def inbox_query(org: Organization, filters: InboxFilters, after: Cursor | None) -> Select[Case]:
    """Urgent cases first, then newest; filtered; starting after a cursor."""
    query = visible_cases(org)
    if filters.status:
        query = query.where(Case.status == filters.status)
    if filters.state:
        query = query.where(Case.incident_state == filters.state)
    if filters.channel:
        query = query.where(Case.channel == filters.channel)
    if filters.language:
        query = query.where(Case.language == filters.language)
    if filters.date_from is not None:
        query = query.where(Case.submitted_at >= filters.date_from)
    if filters.date_to is not None:
        query = query.where(Case.submitted_at < filters.date_to)
    if filters.crime_type:
        query = query.where(
            select(CaseCrimeType.case_id)
            .where(CaseCrimeType.case_id == Case.id, CaseCrimeType.code == filters.crime_type)
            .exists()
        )
    if filters.perpetrator:
        query = query.where(
            select(CasePerpetrator.case_id)
            .where(CasePerpetrator.case_id == Case.id, CasePerpetrator.code == filters.perpetrator)
            .exists()
        )
    if after is not None:
        # Urgent sorts first: after an urgent case come the rest, after a non-urgent one none.
        less_urgent = Case.urgent.is_(False) if after.urgent else false()
        same = Case.urgent.is_(after.urgent)
        query = query.where(
            or_(
                less_urgent,
                and_(same, Case.submitted_at < after.submitted_at),
                and_(same, Case.submitted_at == after.submitted_at, Case.id < after.case_id),
            )
        )
    return query.order_by(Case.urgent.desc(), Case.submitted_at.desc(), Case.id.desc())


def inbox_page(
    db: Session, org: Organization, filters: InboxFilters, after: Cursor | None, limit: int = 50
) -> tuple[list[Case], Cursor | None]:
    """One page of the inbox and the cursor of the next page (None on the last)."""
    rows = list(db.scalars(inbox_query(org, filters, after).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    if not more or not rows:
        return rows, None
    last = rows[-1]
    when = aware(last.submitted_at)
    assert when is not None
    return rows, Cursor(bool(last.urgent), when, last.id)
