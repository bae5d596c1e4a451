"""Who owns a report: the organizations covering its place, else the network's fallback.

A case is routed by its incident state, else the reporter's state (the rule of
`bot.staff.access`). When no organization covers that state (a state nobody covers yet, a
report from abroad about no known state), the fallback organization owns it: `assign` marks
such a case `uncovered`, and `bot.staff.access` shows every uncovered case to the fallback
organization, and only those (a covered case stays with the organizations covering it).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.staff.accounts import org_states
from bot.store.models import Case, Organization


def routing_state(case: Case) -> str | None:
    """The state a case is routed by: where it happened, else where the reporter is."""
    return case.incident_state or case.reporter_state


def covering(db: Session, state: str | None) -> list[Organization]:
    """The organizations whose covered states include `state` (none for no state)."""
    if not state:
        return []
    # Few organizations, each with a short list: read them rather than match inside a string.
    orgs = db.scalars(select(Organization).order_by(Organization.slug))
    return [org for org in orgs if state in org_states(org)]


def fallback(db: Session) -> Organization | None:
    """The network's fallback organization, if one is set (`camino org fallback SLUG`)."""
    return db.scalars(select(Organization).where(Organization.is_fallback.is_(True))).first()


def owners(db: Session, case: Case) -> list[Organization]:
    """The covering organizations of the case's routing state; else the fallback; else none."""
    found = covering(db, routing_state(case))
    if found:
        return found
    spare = fallback(db)
    return [spare] if spare is not None else []


def assign(db: Session, case: Case) -> list[Organization]:
    """Record whether any organization covers the case (`Case.uncovered`); its owners.

    Called when a case is filed or its answers change.
    """
    found = covering(db, routing_state(case))
    case.uncovered = not found
    if found:  # what `owners` would read again
        return found
    spare = fallback(db)
    return [spare] if spare is not None else []


def set_fallback(db: Session, org: Organization) -> None:
    """Make `org` the network's fallback organization (the previous one stops being it)."""
    for other in db.scalars(select(Organization).where(Organization.is_fallback.is_(True))):
        if other.id != org.id:
            other.is_fallback = False
    db.flush()  # at most one at a time: the unique index must see the old one cleared first
    org.is_fallback = True
    db.flush()
