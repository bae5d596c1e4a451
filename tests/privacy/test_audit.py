"""The audit log is hash-chained: verification finds edited, inserted and deleted entries."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import delete, update

from bot.app.cli import main
from bot.privacy import audit
from bot.store.models import AuditEntry
from tests.support.factories import make_runtime


def _fill(runtime, n: int = 5) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        audit.record(
            runtime.sessions,
            audit.Record(actor=f"staff:{i}", action="case.view", outcome="ok", target=f"case{i}"),
            now=runtime.clock(),
        )


def test_chain_verifies_and_detects_edits(database_url: str, tmp_path: Path) -> None:
    runtime = make_runtime(database_url, tmp_path)
    _fill(runtime)
    with runtime.sessions() as db:
        result = audit.verify(db)
    assert result.ok and result.entries == 5
    with runtime.sessions() as db, db.begin():
        db.execute(update(AuditEntry).where(AuditEntry.seq == 3).values(action="case.export"))
    with runtime.sessions() as db:
        result = audit.verify(db)
    assert not result.ok and any("entry 3 was edited" in p for p in result.problems)
    runtime.close()


def test_deleted_entries_are_found(database_url: str, tmp_path: Path) -> None:
    runtime = make_runtime(database_url, tmp_path)
    _fill(runtime)
    with runtime.sessions() as db, db.begin():
        db.execute(delete(AuditEntry).where(AuditEntry.seq == 2))
    with runtime.sessions() as db:
        assert any("missing" in p for p in audit.verify(db).problems)
    with runtime.sessions() as db, db.begin():
        db.execute(delete(AuditEntry).where(AuditEntry.seq == 5))
    with runtime.sessions() as db:
        assert any("head" in p for p in audit.verify(db).problems)
    runtime.close()


def test_cli_verify(database_url: str, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    url = database_url
    runtime = make_runtime(url, tmp_path)
    _fill(runtime, 3)
    monkeypatch.setenv("CAMINO_DATABASE_URL", url)
    from bot.core.config import get_settings

    get_settings.cache_clear()
    ok = CliRunner().invoke(main, ["audit", "verify"])
    assert ok.exit_code == 0 and "intact (3 entries)" in ok.output
    with runtime.sessions() as db, db.begin():
        db.execute(update(AuditEntry).where(AuditEntry.seq == 1).values(actor="staff:x"))
    bad = CliRunner().invoke(main, ["audit", "verify"])
    assert bad.exit_code == 1 and "altered" in bad.output
    get_settings.cache_clear()
    runtime.close()
