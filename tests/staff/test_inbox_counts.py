"""The inbox's counts (each view's, the reports that arrived since the page was opened), which
start from what is small, equal the plain count of the visible cases in each view, capped: on
random cases, assignments, talk-back threads, call-back requests, referrals, an escalation and
a fallback organization's uncovered cases, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.cases.events import CALLBACK_TRACK
from bot.staff import inboxcounts
from bot.staff.access import COUNT_CAP, visible_cases
from bot.staff.accounts import create_organization, set_coverage
from bot.staff.callbacks import REPORTER
from bot.staff.ownership import set_fallback
from bot.staff.workload import VIEWS, view_condition
from bot.store import db as database
from bot.store.models import (
    Alert,
    CallbackRequest,
    Case,
    CaseAssignment,
    CaseEvent,
    Contact,
    Organization,
    Referral,
    Staff,
    TalkbackMessage,
    TalkbackThread,
)

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
STATES = ["MX-CHP", "MX-TAB", "MX-SON", None]


def _staff(db: Session, org: Organization, name: str) -> Staff:
    staff = Staff(
        org_id=org.id,
        email=f"{name}@example.org",
        password_hash="-",
        roles="caseworker",
        wrapped_key=b"k",
        created_at=NOW,
    )
    db.add(staff)
    db.flush()
    return staff


def _world(db: Session) -> tuple[list[Organization], list[Staff]]:
    rng = random.Random(20261203)
    shelter = create_organization(db, slug="shelter", name="S", city=None, states=[], now=NOW)
    set_coverage(shelter, ["MX-CHP"], NOW - timedelta(days=30))
    set_coverage(shelter, ["MX-CHP", "MX-TAB"], NOW - timedelta(minutes=30))
    spare = create_organization(db, slug="spare", name="F", city=None, states=[], now=NOW)
    set_fallback(db, spare)
    ana, bea = _staff(db, shelter, "ana"), _staff(db, shelter, "bea")
    fer = _staff(db, spare, "fer")
    contact = Contact(
        channel="sms", address_index="a" * 64, address_enc=b"x", wrapped_key=b"k", created_at=NOW
    )
    db.add(contact)
    db.flush()
    for number in range(300):
        draft = rng.random() < 0.05
        case = Case(
            id=f"{rng.getrandbits(64):016x}{number:04d}",
            wrapped_key=b"k",
            status="draft" if draft else "submitted",
            urgent=rng.random() < 0.2,
            uncovered=rng.random() < 0.2,
            channel="sms",
            language="es",
            incident_state=rng.choice(STATES),
            reporter_state=rng.choice(STATES),
            prefers_person=rng.choice([True, None, None]),
            created_at=NOW - timedelta(days=1),
            submitted_at=None if draft else NOW - timedelta(minutes=rng.randrange(60)),
            updated_at=NOW,
        )
        db.add(case)
        db.flush()
        for org, people in ((shelter, [ana, bea]), (spare, [fer])):
            if rng.random() < 0.3:
                db.add(
                    CaseAssignment(
                        case_id=case.id,
                        org_id=org.id,
                        staff_id=rng.choice(people).id,
                        assigned_at=NOW,
                    )
                )
            if rng.random() < 0.15:
                thread = TalkbackThread(
                    case_id=case.id,
                    contact_id=contact.id,
                    org_id=org.id,
                    opened_at=NOW,
                    last_activity_at=NOW,
                    closed_at=NOW if rng.random() < 0.3 else None,
                )
                db.add(thread)
                db.flush()
                for minute, direction in enumerate(rng.choices(["in", "out"], k=2)):
                    db.add(
                        TalkbackMessage(
                            thread_id=thread.id,
                            direction=direction,
                            body_enc=b"x",
                            created_at=NOW + timedelta(minutes=minute),
                        )
                    )
        if rng.random() < 0.1:
            db.add(
                CallbackRequest(
                    case_id=case.id,
                    created_at=NOW,
                    handled_at=NOW if rng.random() < 0.5 else None,
                )
            )
        if case.prefers_person and rng.random() < 0.5:
            db.add(
                CaseEvent(
                    case_id=case.id,
                    seq=1,
                    track=CALLBACK_TRACK,
                    status=REPORTER,
                    author="ana",
                    created_at=NOW,
                )
            )
        if rng.random() < 0.1:
            db.add(
                Referral(
                    case_id=case.id, from_org_id=spare.id, to_org_id=shelter.id, created_at=NOW
                )
            )
        if rng.random() < 0.05:
            db.add(
                Alert(
                    case_id=case.id,
                    org_id=shelter.id,
                    kind="urgent",
                    reason="escalation",
                    created_at=NOW,
                    last_sent_at=NOW,
                )
            )
    return [shelter, spare], [ana, bea, fer]


def _plain(db: Session, org: Organization, view: str, staff: Staff) -> int:
    query = visible_cases(org).where(view_condition(view, org.id, staff.id))
    rows = query.with_only_columns(Case.id).subquery()
    return min(int(db.scalar(select(func.count()).select_from(rows)) or 0), inboxcounts.COUNT_CAP)


@pytest.mark.parametrize("cap", [7, COUNT_CAP])
def test_counts_match_a_plain_count(
    database_url: str, cap: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inboxcounts, "COUNT_CAP", cap)
    database.upgrade(database_url)
    engine = database.make_engine(database_url)
    sessions = database.make_sessionmaker(engine)
    with sessions() as db, db.begin():
        orgs, people = _world(db)
        seen: list[int] = []
        for org in orgs:
            for staff in people:
                counts = inboxcounts.view_counts(db, org, staff.id)
                assert counts == {view: _plain(db, org, view, staff) for view in VIEWS}
                seen += counts.values()
            since = NOW - timedelta(minutes=20)
            plain = _plain_since(db, org, since)
            assert inboxcounts.newest_after(db, org, since) == plain > 0
        # Every view holds some case for someone, and some reach the small cap.
        assert len([count for count in seen if count]) > len(VIEWS)
        assert cap in seen or cap == COUNT_CAP
    engine.dispose()


def _plain_since(db: Session, org: Organization, since: datetime) -> int:
    rows = visible_cases(org).where(Case.submitted_at > since).with_only_columns(Case.id)
    found = db.scalar(select(func.count()).select_from(rows.subquery())) or 0
    return min(int(found), inboxcounts.COUNT_CAP)
