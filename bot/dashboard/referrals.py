"""Referral between organizations: explicit, withdrawable, onward only with consent.

A referral names the receiving organization (nothing is preselected). The referring
organization may withdraw it: the receiving one no longer sees the case (access is computed
from active referrals, `bot.staff.access`). An organization that sees a case only through a
referral may refer it onward only when the organization that referred it consented
(`Referral.onward_allowed`); the onward referral names them both in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.staff.access import owns
from bot.staff.accounts import AccountError
from bot.store.models import Case, Organization, Referral, Staff


class OnwardRefused(AccountError):
    """The organization received the case by referral, without consent to refer it onward."""


@dataclass(frozen=True)
class ReferralRow:
    """A referral as the case page lists it."""

    id: str
    from_org: str
    to_org: str
    created_at: datetime
    withdrawn_at: datetime | None
    onward_allowed: bool
    mine: bool  # made by the organization looking at it: it may withdraw it


def active(db: Session, case: Case, to_org: Organization) -> Referral | None:
    return db.scalars(
        select(Referral).where(
            Referral.case_id == case.id,
            Referral.to_org_id == to_org.id,
            Referral.withdrawn_at.is_(None),
        )
    ).first()


def refer(
    db: Session,
    case: Case,
    *,
    from_org: Organization,
    to_slug: str,
    staff: Staff,
    now: datetime,
    onward_allowed: bool = False,
) -> Organization:
    """Hand a case to another organization explicitly (it then sees it too)."""
    target = db.scalars(select(Organization).where(Organization.slug == to_slug)).first()
    if not to_slug or target is None or target.id == from_org.id:
        raise AccountError("No other organization has that name.")
    if not owns(db, from_org, case):
        received = active(db, case, from_org)
        if received is None or not received.onward_allowed:
            raise OnwardRefused("The referring organization did not consent to an onward referral.")
    if active(db, case, target) is None:
        db.add(
            Referral(
                case_id=case.id,
                from_org_id=from_org.id,
                to_org_id=target.id,
                by_staff_id=staff.id,
                created_at=now,
                onward_allowed=onward_allowed,
            )
        )
        db.flush()
    return target


def made_by(db: Session, case: Case, referral_id: str, org: Organization) -> Referral | None:
    """A referral of the case by its id, when the organization made it."""
    found = db.get(Referral, referral_id) if referral_id.isalnum() else None
    if found is None or found.case_id != case.id or found.from_org_id != org.id:
        return None
    return found


def withdraw(db: Session, case: Case, found: Referral, *, now: datetime) -> None:
    """Withdraw a referral of the case (`made_by` the organization); the receiving one stops
    seeing the case (and the referrals it made onward end with it)."""
    if found.withdrawn_at is None:
        found.withdrawn_at = now
        onward = select(Referral).where(
            Referral.case_id == case.id,
            Referral.from_org_id == found.to_org_id,
            Referral.withdrawn_at.is_(None),
        )
        for further in db.scalars(onward):
            referrer = db.get(Organization, further.from_org_id)
            if referrer is not None and not owns(db, referrer, case):
                further.withdrawn_at = now
        db.flush()


def set_onward(db: Session, found: Referral, *, allowed: bool) -> None:
    """Consent, or not, to the receiving organization of a referral (`made_by` the
    organization) referring the case onward."""
    found.onward_allowed = allowed
    db.flush()


def listed(db: Session, case: Case, org: Organization) -> list[ReferralRow]:
    """The case's referrals that concern the organization (made by it or to it), oldest first."""
    names = {row.id: row.name for row in db.execute(select(Organization.id, Organization.name))}
    rows = db.scalars(
        select(Referral).where(Referral.case_id == case.id).order_by(Referral.created_at)
    )
    return [
        ReferralRow(
            id=r.id,
            from_org=names.get(r.from_org_id, "?"),
            to_org=names.get(r.to_org_id, "?"),
            created_at=r.created_at,
            withdrawn_at=r.withdrawn_at,
            onward_allowed=r.onward_allowed,
            mine=r.from_org_id == org.id,
        )
        for r in rows
        if org.id in (r.from_org_id, r.to_org_id)
    ]
