"""0900: existing crime type and perpetrator rows get their case's inbox key, the inbox finds
them by code, and the migration goes back down."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import text

from bot.staff.access import InboxFilters, inbox_page
from bot.staff.accounts import create_organization
from bot.store import db

CASES = (
    # id, urgent, incident state, reporter state, uncovered, submitted
    ("c1", True, "MX-CHP", None, False, "2026-01-01 10:00:00+00:00"),
    ("c2", False, None, "MX-CHP", False, "2026-01-02 10:00:00+00:00"),
    ("c3", False, "MX-SON", "MX-SON", True, "2026-01-03 10:00:00+00:00"),
    ("c4", False, "MX-CHP", None, False, None),  # a draft
)


def test_existing_codes_get_their_case_key(database_url: str) -> None:
    config = db.alembic_config(database_url)
    command.upgrade(config, "0890_workday2")
    engine = db.make_engine(database_url)
    with engine.begin() as connection:
        for case_id, urgent, incident, reporter, uncovered, submitted in CASES:
            connection.execute(
                text(
                    "INSERT INTO cases (id, wrapped_key, status, urgent, uncovered, channel, "
                    "language, incident_state, reporter_state, created_at, submitted_at, "
                    "updated_at) VALUES (:id, :key, :status, :urgent, :uncovered, 'sms', 'es', "
                    ":incident, :reporter, :now, :submitted, :now)"
                ),
                {
                    "id": case_id,
                    "key": b"k",
                    "status": "submitted" if submitted else "draft",
                    "urgent": urgent,
                    "uncovered": uncovered,
                    "incident": incident,
                    "reporter": reporter,
                    "now": "2026-01-01 00:00:00+00:00",
                    "submitted": submitted,
                },
            )
            for table in ("case_crime_types", "case_perpetrators"):
                connection.execute(
                    text(f"INSERT INTO {table} (case_id, code) VALUES (:id, 'other')"),
                    {"id": case_id},
                )
    command.upgrade(config, "head")
    with engine.connect() as connection:
        for table in ("case_crime_types", "case_perpetrators"):
            copied = connection.execute(
                text(
                    "SELECT case_id, urgent, incident_state, reporter_state, uncovered, "
                    f"submitted_at FROM {table} ORDER BY case_id"
                )
            ).all()
            stored = connection.execute(
                text(
                    "SELECT id, urgent, incident_state, reporter_state, uncovered, submitted_at "
                    "FROM cases ORDER BY id"
                )
            ).all()
            assert [tuple(row) for row in copied] == [tuple(row) for row in stored]
    sessions = db.make_sessionmaker(engine)
    with sessions() as session, session.begin():
        org = create_organization(
            session, slug="chiapas", name="C", city=None, states=["MX-CHP"], now=datetime.now(UTC)
        )
        for filters in (InboxFilters(crime_type="other"), InboxFilters(perpetrator="other")):
            page, _ = inbox_page(session, org, filters, None)
            assert [case.id for case in page] == ["c1", "c2"]
    command.downgrade(config, "0890_workday2")
    with engine.connect() as connection:
        columns = connection.execute(text("SELECT * FROM case_crime_types")).keys()
        assert sorted(columns) == ["case_id", "code"]
    command.upgrade(config, "head")
    engine.dispose()
