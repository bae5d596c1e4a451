"""Staff sessions nobody came back to are ended by the retention job, with their inbox marks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from bot.staff.accounts import (
    close_expired_sessions,
    create_organization,
    create_staff,
    open_session,
)
from bot.staff.workload import note_shown
from bot.store.models import Case, InboxShown, StaffSession, new_id
from tests.support.factories import make_runtime

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def test_expired_and_idle_sessions_end_with_their_inbox_marks(
    database_url: str, tmp_path: Path
) -> None:
    runtime = make_runtime(database_url, tmp_path)
    settings = runtime.settings
    try:
        with runtime.sessions() as db, db.begin():
            org = create_organization(db, slug="shelter", name="S", city=None, states=[], now=NOW)
            staff = create_staff(
                db, runtime.vault, org=org, email="a@example.org", roles="caseworker",
                password="a-long-password-1", now=NOW,
            )  # fmt: skip
            case = Case(
                id=new_id(), wrapped_key=b"", channel="sms", language="es", status="submitted",
                created_at=NOW, updated_at=NOW,
            )  # fmt: skip
            db.add(case)
            db.flush()
            idle_at = NOW - timedelta(minutes=settings.staff_idle_minutes + 1)
            expired_at = NOW - timedelta(hours=settings.staff_session_hours)
            tokens = {}
            for name, opened in (("live", NOW), ("idle", idle_at), ("expired", expired_at)):
                _, session = open_session(db, settings, staff, opened)
                if name == "expired":
                    session.last_seen_at = NOW  # active until the end of its lifetime
                tokens[name] = session.token_hash
                note_shown(db, session.token_hash, [case.id])
        with runtime.sessions() as db, db.begin():
            assert close_expired_sessions(db, settings, NOW) == 2
        with runtime.sessions() as db:
            assert set(db.scalars(select(StaffSession.token_hash))) == {tokens["live"]}
            assert set(db.scalars(select(InboxShown.token_hash))) == {tokens["live"]}
            assert db.scalar(select(func.count()).select_from(Case)) == 1
    finally:
        runtime.close()
