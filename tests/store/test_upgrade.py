"""An upgrade from the previous release: a database at its newest migration, full of cases,
migrated to the new head, every case read back."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from bot import cases
from bot.app.runtime import build_runtime
from bot.cases.service import personal_data
from bot.store import db
from bot.store.models import Case, CaseEvent
from tests.support.dashboard_helpers import cheap_argon2, seed
from tests.support.factories import make_settings

# The newest migration of the previous release (0.1.0): what installations run today.
PREVIOUS_RELEASE_HEAD = "0600"


def test_previous_release_head_is_an_ancestor_of_the_new_head() -> None:
    script = ScriptDirectory.from_config(db.alembic_config("sqlite://"))
    head = script.get_current_head()
    assert head != PREVIOUS_RELEASE_HEAD
    chain = [revision.revision for revision in script.walk_revisions("base", head)]
    assert PREVIOUS_RELEASE_HEAD in chain


def test_upgrade_keeps_every_case_readable(database_url: str, tmp_path: Path) -> None:
    # Seeded through today's models (they name columns the old schema lacks), then taken back
    # to the previous release's schema, which is what the upgrade starts from.
    db.upgrade(database_url)
    old = build_runtime(make_settings(database_url, tmp_path), migrate=False)
    with cheap_argon2():
        seeded = seed(old, staff=False)
    with old.sessions() as session:
        before = {
            case.id: personal_data(old.vault, case)
            for case in session.query(Case).filter(Case.status != "draft")
        }
        events = session.query(CaseEvent).count()
    old.close()
    command.downgrade(db.alembic_config(database_url), PREVIOUS_RELEASE_HEAD)
    assert len(before) >= 4

    db.upgrade(database_url)  # what `camino db upgrade` (and `camino serve`) run
    new = build_runtime(make_settings(database_url, tmp_path))
    with new.sessions() as session:
        after = {
            case.id: personal_data(new.vault, case)
            for case in session.query(Case).filter(Case.status != "draft")
        }
        assert after == before
        for name, code in seeded.codes.items():
            found = cases.find_by_code(session, new.vault, code)
            assert found is not None and found.id == seeded.cases[name]
        assert session.query(CaseEvent).count() == events
    engine = db.make_engine(database_url)
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    engine.dispose()
    script = ScriptDirectory.from_config(db.alembic_config(database_url))
    assert set(current) == set(script.get_heads())
    new.close()


def test_staff_access_migration_keeps_roles_expires_tokens_and_seals_the_old_log(
    database_url: str, tmp_path: Path
) -> None:
    """0810: a single role becomes a list of one, old tokens get an expiry, the old audit log
    is reported unsealed until `camino audit seal`, and the migration goes back down."""
    from sqlalchemy import text

    from bot.privacy import audit
    from bot.store.models import ApiToken, Staff

    command.upgrade(db.alembic_config(database_url), "0800_alerts")
    old = build_runtime(make_settings(database_url, tmp_path), migrate=False)
    now = old.clock()
    with db.make_engine(database_url).begin() as connection:
        connection.execute(
            text(
                "INSERT INTO organizations (id, slug, name, states, created_at) "
                "VALUES ('o1', 'la-72', 'La 72', 'MX-TAB', :now)"
            ),
            {"now": now},
        )
        connection.execute(
            text(
                "INSERT INTO staff (id, org_id, email, password_hash, role, language, wrapped_key,"
                " totp_confirmed, active, failed_logins, created_at) VALUES ('s1', 'o1', "
                "'a@la-72.example.org', 'x', 'analyst', 'es', :key, false, true, 0, :now)"
            ),
            {"key": b"k", "now": now},
        )
        connection.execute(
            text(
                "INSERT INTO api_tokens (id, org_id, name, token_hash, scopes, created_at) "
                "VALUES ('t1', 'o1', 't', 'h', 'stats:read', :now)"
            ),
            {"now": now},
        )
        prev = audit.GENESIS
        for seq in (1, 2):
            fields = {
                "seq": seq,
                "at": audit.timestamp(now),
                "actor": "staff:s1",
                "org_id": "o1",
                "action": "home",
                "target": None,
                "outcome": "ok",
                "detail": "{}",
            }
            digest = audit.chain_hash(prev, fields)
            connection.execute(
                text(
                    "INSERT INTO audit_log (seq, at, actor, org_id, action, target, outcome, "
                    "detail, prev_hash, hash) VALUES (:seq, :at, :actor, :org_id, :action, "
                    ":target, :outcome, :detail, :prev, :hash)"
                ),
                {**fields, "prev": prev, "hash": digest},
            )
            prev = digest
        connection.execute(
            text("UPDATE audit_head SET seq = 2, hash = :hash WHERE id = 1"), {"hash": prev}
        )
    old.close()

    db.upgrade(database_url)
    new = build_runtime(make_settings(database_url, tmp_path))
    with new.sessions() as session:
        staff = session.get(Staff, "s1")
        token = session.get(ApiToken, "t1")
        assert staff is not None and staff.roles == "analyst" and not staff.must_change_password
        assert token is not None and token.expires_at > now and token.staff_id is None
        verification = audit.verify(session, new.vault)
        assert not verification.ok and "entry 1 is not sealed" in verification.problems[0]
    assert audit.reseal(new.sessions, new.vault) == 2
    with new.sessions() as session:
        assert audit.verify(session, new.vault).ok
    with new.sessions() as session, session.begin():
        staff = session.get(Staff, "s1")
        assert staff is not None
        staff.roles = "analyst auditor"
    new.close()
    command.downgrade(db.alembic_config(database_url), "0800_alerts")
    with db.make_engine(database_url).connect() as connection:
        assert connection.execute(text("SELECT role FROM staff")).scalar_one() == "analyst"
