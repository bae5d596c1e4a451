"""The inbox pages through exactly the visible cases, in order, against a plain Python sort.

Random but seeded data: ties in submitted_at, a mix of urgent cases, cases with only a reporter
state, drafts, referrals (some to cases the organization also covers), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.staff.access import InboxFilters, inbox_page
from bot.staff.accounts import create_organization
from bot.store import db as database
from bot.store.models import Case, CaseCrimeType, Organization, Referral

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
STATES = ["MX-CHP", "MX-OAX", "MX-VER", "MX-TAB", None]
CRIMES = ["robbery", "extortion", "kidnapping"]


@dataclass(frozen=True)
class Row:
    """What the test knows of one stored case."""

    id: str
    urgent: bool
    submitted_at: datetime | None
    status: str
    channel: str
    incident_state: str | None
    reporter_state: str | None
    crimes: frozenset[str]
    referred: bool


def _store(sessions: sessionmaker[Session]) -> tuple[Organization, list[Row]]:
    rng = random.Random(20261128)
    rows: list[Row] = []
    with sessions() as db, db.begin():
        org = create_organization(
            db, slug="shelter", name="S", city=None, states=["MX-CHP", "MX-OAX"], now=NOW
        )
        other = create_organization(
            db, slug="other", name="O", city=None, states=["MX-VER"], now=NOW
        )
        for number in range(300):
            draft = rng.random() < 0.05
            submitted = None if draft else NOW - timedelta(minutes=rng.randrange(40))  # ties
            row = Row(
                id=f"{rng.getrandbits(64):016x}{number:04d}",
                urgent=rng.random() < 0.2,
                submitted_at=submitted,
                status="draft" if draft else rng.choice(["submitted", "in_progress"]),
                channel=rng.choice(["sms", "web"]),
                incident_state=rng.choice(STATES),
                reporter_state=rng.choice(STATES),
                crimes=frozenset(rng.sample(CRIMES, rng.randint(0, 2))),
                referred=rng.random() < 0.15,
            )
            db.add(
                Case(
                    id=row.id,
                    wrapped_key=b"k",
                    status=row.status,
                    urgent=row.urgent,
                    channel=row.channel,
                    language="es",
                    incident_state=row.incident_state,
                    reporter_state=row.reporter_state,
                    created_at=NOW - timedelta(days=1),
                    submitted_at=row.submitted_at,
                    updated_at=NOW,
                )
            )
            db.flush()
            db.add_all(CaseCrimeType(case_id=row.id, code=code) for code in row.crimes)
            if row.referred:
                db.add(
                    Referral(case_id=row.id, from_org_id=other.id, to_org_id=org.id, created_at=NOW)
                )
            rows.append(row)
    return org, rows


def _visible(row: Row, filters: InboxFilters) -> bool:
    covered = {"MX-CHP", "MX-OAX"}
    routed = row.incident_state in covered or (
        row.incident_state is None and row.reporter_state in covered
    )
    return (
        row.status != "draft"
        and row.submitted_at is not None
        and (routed or row.referred)
        and (not filters.status or row.status == filters.status)
        and (not filters.state or row.incident_state == filters.state)
        and (not filters.channel or row.channel == filters.channel)
        and (not filters.crime_type or filters.crime_type in row.crimes)
    )


@pytest.mark.parametrize("limit", [7, 50])
def test_inbox_pages_match_a_python_sort(database_url: str, limit: int) -> None:
    database.upgrade(database_url)
    engine = database.make_engine(database_url)
    sessions = database.make_sessionmaker(engine)
    org, rows = _store(sessions)
    cases = [
        InboxFilters(),
        InboxFilters(crime_type="extortion"),
        InboxFilters(status="in_progress", channel="sms"),
        InboxFilters(state="MX-OAX"),
        InboxFilters(state="MX-VER"),  # not covered: only the referred cases of that state
        InboxFilters(state="MX-VER", crime_type="robbery"),
    ]
    for filters in cases:
        expected = sorted(
            (row for row in rows if _visible(row, filters)),
            key=lambda row: (row.urgent, row.submitted_at, row.id),
            reverse=True,
        )
        seen: list[str] = []
        with sessions() as db:
            page, cursor = inbox_page(db, org, filters, None, limit)
            seen += [case.id for case in page]
            while cursor is not None:
                page, cursor = inbox_page(db, org, filters, cursor, limit)
                assert page
                seen += [case.id for case in page]
        assert seen == [row.id for row in expected], filters
    assert len([row for row in rows if _visible(row, InboxFilters())]) > 3 * 50  # many pages
    engine.dispose()
