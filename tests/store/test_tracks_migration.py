"""0860: existing cases' events move to the new codes, and the migration goes back down."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import text

from bot.store import db
from tests.support.factories import make_runtime

OLD_EVENTS = (
    ("referred", "justice"),
    ("complaint_filed", "justice"),
    ("evidence_taken", "justice"),
    ("charges_filed", "justice"),
    ("sentence", "justice"),
    ("closed_without_result", "justice"),
    ("humanitarian_visa_granted", "migration"),
    ("in_review", "intake"),
)


def test_existing_cases_move_to_the_new_codes(database_url: str, tmp_path: Path) -> None:
    config = db.alembic_config(database_url)
    command.upgrade(config, "0850_shared_rates")
    engine = db.make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO cases (id, wrapped_key, status, urgent, channel, language, "
                "already_reported, created_at, updated_at) VALUES "
                "('c1', :key, 'in_review', false, 'sms', 'es', false, :now, :now), "
                "('c2', :key, 'in_review', false, 'sms', 'es', true, :now, :now)"
            ),
            {"key": b"k", "now": "2026-01-01 00:00:00+00:00"},
        )
        for seq, (status, track) in enumerate(OLD_EVENTS, start=1):
            connection.execute(
                text(
                    "INSERT INTO case_events (id, case_id, seq, track, status, author, "
                    "family_visible, created_at) VALUES (:id, 'c1', :seq, :track, :status, "
                    "'ana', false, :now)"
                ),
                {
                    "id": f"e{seq}",
                    "seq": seq,
                    "track": track,
                    "status": status,
                    "now": "2026-01-01 00:00:00+00:00",
                },
            )
    command.upgrade(config, "head")
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT track, status, body FROM case_events ORDER BY seq")
        ).all()
        prior = dict(connection.execute(text("SELECT id, prior_reports FROM cases")).all())
    assert [tuple(row) for row in rows] == [
        ("referral", "referred", "state_prosecutor"),
        ("justice", "complaint_filed", "state_prosecutor"),
        ("justice", "early_testimony_taken", "state_prosecutor"),
        ("justice", "judicialized", "state_prosecutor"),
        ("justice", "sentence_unrecorded", "state_prosecutor"),
        ("justice", "archived", "state_prosecutor"),
        ("migration", "humanitarian_visa_granted", None),
        ("intake", "in_review", None),
    ]
    assert prior == {"c1": "none", "c2": None}  # "yes" says not where: staff code it
    runtime = make_runtime(database_url, tmp_path)  # today's models read the migrated rows
    runtime.close()
    command.downgrade(config, "0850_shared_rates")
    with engine.connect() as connection:
        statuses = connection.execute(text("SELECT status FROM case_events ORDER BY seq"))
        assert [row[0] for row in statuses] == [status for status, _ in OLD_EVENTS]
    engine.dispose()
