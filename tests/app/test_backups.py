"""`camino backup` and `camino restore`: what a backup holds before and after an erasure."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from click.testing import CliRunner, Result
from cryptography.exceptions import InvalidTag

from bot.app.cli import main
from bot.app.runtime import Runtime
from bot.cases.service import personal_data
from bot.conversation.messages import InboundEvent
from bot.core.clock import FrozenClock
from bot.core.config import get_settings
from bot.follow.events import add_event
from bot.privacy import retention
from bot.store.contacts import Sender
from bot.store.db import alembic_config
from bot.store.models import Case
from bot.store.vault import Vault
from tests.support.complaint_script import (
    CANARY_NAME,
    CANARY_PHONE,
    CANARY_SENTENCE,
    VICTIM_IN_MEXICO,
)
from tests.support.factories import TEST_DATA_KEY, make_runtime
from tests.support.rawscan import scan_bytes

START = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
CANARIES = [CANARY_NAME, CANARY_SENTENCE, CANARY_PHONE]


def camino(url: str, *args: str) -> Result:
    """Run a `camino` command in this process against the database at `url`."""
    env = {"CAMINO_DATABASE_URL": url, "CAMINO_DATA_KEY": TEST_DATA_KEY}
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    finally:
        get_settings.cache_clear()


def file_closed_case(runtime: Runtime, clock: FrozenClock) -> tuple[str, str]:
    """A complaint full of canaries, then closed as not actionable; returns its id and code."""
    sender = Sender("sms", "+525511112222")
    runtime.conversations.handle(sender, InboundEvent(language_hint="es"))
    for _step, answer in VICTIM_IN_MEXICO:
        runtime.conversations.handle(sender, InboundEvent(text=answer))
    with runtime.sessions() as db, db.begin():
        case = db.query(Case).filter(Case.status != "draft").one()
        add_event(
            db,
            runtime.vault,
            case,
            status="not_actionable",
            author="staff",
            note=f"Llamar a {CANARY_NAME}",
            family_visible=False,
            now=clock(),
        )
        assert personal_data(runtime.vault, case)
        return case.id, case.wrapped_key.hex()


def test_a_backup_after_an_erasure_holds_nothing_of_the_case(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/live.db"
    clock = FrozenClock(START)
    runtime = make_runtime(url, tmp_path, clock=clock, CAMINO_RETENTION_DAYS="365")
    case_id, wrapped_hex = file_closed_case(runtime, clock)

    before = tmp_path / "before.db"
    result = camino(url, "backup", str(before))
    assert result.exit_code == 0, result.output
    assert "Backed up 1 case(s)" in result.output and "365 days" in result.output
    assert (before.stat().st_mode & 0o777) == 0o600

    clock.advance(days=366)
    assert retention.purge(runtime.sessions, runtime.settings, clock).cases == 1
    runtime.close()
    after = tmp_path / "after.db"
    assert camino(url, "backup", str(after)).exit_code == 0

    # Restored from the backup taken after the erasure: the case is counted, nothing else.
    copy_url = f"sqlite:///{tmp_path}/copy.db"
    result = camino(copy_url, "restore", str(after))
    assert result.exit_code == 0, result.output
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    assert result.output.strip().endswith(f"1 case(s), 1 of them erased, at migration {head}.")
    restored = make_runtime(copy_url, tmp_path, clock=clock)
    with restored.sessions() as db:
        case = db.get(Case, case_id)
        assert case is not None and case.erased_at is not None
        assert case.wrapped_key == b"" and case.personal_enc is None
    restored.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("copy.db*"))
    assert bytes.fromhex(wrapped_hex) not in raw
    assert scan_bytes(raw, CANARIES) == []
    assert scan_bytes(after.read_bytes(), CANARIES) == []


def test_a_backup_before_an_erasure_still_holds_the_wrapped_key(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/live.db"
    clock = FrozenClock(START)
    runtime = make_runtime(url, tmp_path, clock=clock, CAMINO_RETENTION_DAYS="365")
    case_id, wrapped_hex = file_closed_case(runtime, clock)
    runtime.close()
    before = tmp_path / "before.db"
    assert camino(url, "backup", str(before)).exit_code == 0
    raw = before.read_bytes()
    assert bytes.fromhex(wrapped_hex) in raw  # what the README warns about
    assert scan_bytes(raw, CANARIES) == []  # personal data only as ciphertext

    copy_url = f"sqlite:///{tmp_path}/copy.db"
    assert camino(copy_url, "restore", str(before)).exit_code == 0
    # With the master key the case opens again; without it, it is ciphertext under a lost key.
    restored = make_runtime(copy_url, tmp_path, clock=clock, CAMINO_RETENTION_DAYS="365")
    with restored.sessions() as db:
        case = db.get(Case, case_id)
        assert case is not None and personal_data(restored.vault, case)
        stranger = Vault(bytes(range(32, 64)), clock)
        with pytest.raises(InvalidTag):
            personal_data(stranger, case)
    # The restored copy is past its retention period: the next purge erases it again.
    clock.advance(days=366)
    assert retention.purge(restored.sessions, restored.settings, clock).cases == 1
    restored.close()


def test_restore_refuses_to_overwrite_data_without_force(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/live.db"
    clock = FrozenClock(START)
    runtime = make_runtime(url, tmp_path, clock=clock)
    file_closed_case(runtime, clock)
    runtime.close()
    copy = tmp_path / "copy.db"
    assert camino(url, "backup", str(copy)).exit_code == 0

    result = camino(url, "backup", str(copy))
    assert result.exit_code == 1 and "already exists" in result.output
    result = camino(url, "restore", str(copy))
    assert result.exit_code == 1
    assert "already holds data; restore over it only with --force" in result.output
    result = camino(url, "restore", "--force", str(copy))
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    result = camino(f"sqlite:///{tmp_path}/other.db", "restore", str(not_a_backup))
    assert result.exit_code == 1 and "is not a Camino backup" in result.output


@pytest.mark.postgres
def test_postgresql_backup_and_restore(postgres_server: object, tmp_path: Path) -> None:
    server = postgres_server
    live = server.create_database("camino_backup_live")  # type: ignore[attr-defined]
    empty = server.create_database("camino_backup_copy")  # type: ignore[attr-defined]
    try:
        clock = FrozenClock(START)
        runtime = make_runtime(live, tmp_path, clock=clock)
        case_id, _wrapped = file_closed_case(runtime, clock)
        runtime.close()
        dump = tmp_path / "camino.dump"
        result = camino(live, "backup", str(dump))
        assert result.exit_code == 0, result.output
        assert scan_bytes(dump.read_bytes(), CANARIES) == []
        result = camino(empty, "restore", str(dump))
        assert result.exit_code == 0, result.output
        assert "1 case(s), 0 of them erased" in result.output
        assert camino(empty, "restore", str(dump)).exit_code == 1
        assert camino(empty, "restore", "--force", str(dump)).exit_code == 0
        restored = make_runtime(empty, tmp_path, clock=clock)
        with restored.sessions() as db:
            case = db.get(Case, case_id)
            assert case is not None and personal_data(restored.vault, case)
        restored.close()
    finally:
        for name in ("camino_backup_live", "camino_backup_copy"):
            server.drop_database(name)  # type: ignore[attr-defined]
