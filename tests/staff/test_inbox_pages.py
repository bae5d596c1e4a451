"""The inbox pages through exactly the visible cases, in order, against a plain Python sort:
unfiltered, by status, channel and state, and by crime type or perpetrator (walking the codes'
own rows); a state covered since a date, cases with only a reporter state, the fallback
organization's uncovered cases, referrals, drafts, ties; on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.staff.access import InboxFilters, inbox_page
from bot.staff.accounts import create_organization, set_coverage
from bot.staff.ownership import set_fallback
from bot.store import db as database
from bot.store.models import Case, CaseCrimeType, CasePerpetrator, Organization, Referral

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
COVERED_SINCE = NOW - timedelta(minutes=20)  # MX-TAB: only the reports filed after this
STATES = ["MX-CHP", "MX-TAB", "MX-VER", "MX-SON", None]
CRIMES = ["robbery", "extortion", "kidnapping"]
PERPETRATORS = ["gang", "inm_agent", "smuggler"]


@dataclass(frozen=True)
class Row:
    id: str
    urgent: bool
    submitted_at: datetime | None
    status: str
    channel: str
    incident_state: str | None
    reporter_state: str | None
    uncovered: bool
    crimes: frozenset[str]
    perpetrators: frozenset[str]
    referred: bool


def _store(sessions: sessionmaker[Session]) -> tuple[list[Organization], list[Row]]:
    rng = random.Random(20261202)
    rows: list[Row] = []
    with sessions() as db, db.begin():
        shelter = create_organization(
            db, slug="shelter", name="S", city=None, states=["MX-CHP"], now=NOW
        )
        set_coverage(shelter, ["MX-CHP", "MX-TAB"], COVERED_SINCE)
        other = create_organization(db, slug="other", name="O", city=None, states=[], now=NOW)
        spare = create_organization(db, slug="spare", name="F", city=None, states=[], now=NOW)
        set_fallback(db, spare)
        for number in range(400):
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
                uncovered=rng.random() < 0.2,
                crimes=frozenset(rng.sample(CRIMES, rng.randint(0, 2))),
                perpetrators=frozenset(rng.sample(PERPETRATORS, rng.randint(0, 2))),
                referred=rng.random() < 0.1,
            )
            case = Case(
                id=row.id,
                wrapped_key=b"k",
                status=row.status,
                urgent=row.urgent,
                uncovered=row.uncovered,
                channel=row.channel,
                language="es",
                incident_state=row.incident_state,
                reporter_state=row.reporter_state,
                created_at=NOW - timedelta(days=1),
                submitted_at=row.submitted_at,
                updated_at=NOW,
                crime_types=[CaseCrimeType(code=code) for code in sorted(row.crimes)],
                perpetrators=[CasePerpetrator(code=code) for code in sorted(row.perpetrators)],
            )
            db.add(case)
            if row.referred:
                db.add(
                    Referral(
                        case_id=row.id, from_org_id=other.id, to_org_id=shelter.id, created_at=NOW
                    )
                )
            rows.append(row)
    return [shelter, spare], rows


def _visible(org: str, row: Row, filters: InboxFilters) -> bool:
    route = row.incident_state or row.reporter_state
    if org == "shelter":
        since = {"MX-CHP": None, "MX-TAB": COVERED_SINCE}
        routed = route in since and (
            since[route] is None or (row.submitted_at or NOW) >= (since[route] or NOW)
        )
        seen = routed or row.referred
    else:
        seen = row.uncovered
    return (
        seen
        and row.status != "draft"
        and row.submitted_at is not None
        and (not filters.status or row.status == filters.status)
        and (not filters.state or row.incident_state == filters.state)
        and (not filters.channel or row.channel == filters.channel)
        and (not filters.crime_type or filters.crime_type in row.crimes)
        and (not filters.perpetrator or filters.perpetrator in row.perpetrators)
        and (not filters.date_from or row.submitted_at >= filters.date_from)
    )


@pytest.mark.parametrize("limit", [5, 50])
def test_inbox_pages_match_a_python_sort(database_url: str, limit: int) -> None:
    database.upgrade(database_url)
    engine = database.make_engine(database_url)
    sessions = database.make_sessionmaker(engine)
    orgs, rows = _store(sessions)
    cases = [
        InboxFilters(),
        InboxFilters(status="in_progress", channel="sms"),
        InboxFilters(state="MX-CHP"),
        InboxFilters(state="MX-VER"),  # not covered: only the referred cases of that state
        InboxFilters(crime_type="extortion"),
        InboxFilters(perpetrator="gang"),
        InboxFilters(crime_type="robbery", perpetrator="smuggler"),
        InboxFilters(crime_type="kidnapping", channel="sms"),
        InboxFilters(perpetrator="inm_agent", state="MX-TAB"),
        InboxFilters(crime_type="extortion", state="MX-VER"),  # referred ones only
        InboxFilters(perpetrator="gang", date_from=NOW - timedelta(minutes=25)),
    ]
    for org in orgs:
        for filters in cases:
            expected = sorted(
                (row for row in rows if _visible(org.slug, row, filters)),
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
            assert seen == [row.id for row in expected], (org.slug, filters)
    assert len([row for row in rows if _visible("shelter", row, cases[0])]) > 2 * 50  # pages
    engine.dispose()
