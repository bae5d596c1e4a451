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
        seeded = seed(old, totp_for_all=False)
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
