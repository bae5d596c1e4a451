"""The audit log is hash-chained and sealed: verification finds edited, inserted and deleted
entries, and a chain recomputed with SQL alone (without the master key)."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, select, text, update

from bot.app.cli import main
from bot.privacy import audit
from bot.store import crypto
from bot.store.models import AuditEntry, AuditHead
from bot.store.vault import Vault
from tests.support.databases import connected
from tests.support.factories import TEST_DATA_KEY, make_runtime


def _fill(runtime, n: int = 5) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        audit.record(
            runtime.sessions,
            runtime.vault,
            audit.Record(actor=f"staff:{i}", action="case.view", outcome="ok", target=f"case{i}"),
            now=runtime.clock(),
        )


def test_chain_verifies_and_detects_edits(database_url: str, tmp_path: Path) -> None:
    runtime = make_runtime(database_url, tmp_path)
    _fill(runtime)
    with runtime.sessions() as db:
        result = audit.verify(db, runtime.vault)
    assert result.ok and result.entries == 5
    with runtime.sessions() as db, db.begin():
        db.execute(update(AuditEntry).where(AuditEntry.seq == 3).values(action="case.export"))
    with runtime.sessions() as db:
        result = audit.verify(db, runtime.vault)
    assert not result.ok and any("entry 3 was edited" in p for p in result.problems)
    runtime.close()


def test_deleted_entries_are_found(database_url: str, tmp_path: Path) -> None:
    runtime = make_runtime(database_url, tmp_path)
    _fill(runtime)
    with runtime.sessions() as db, db.begin():
        db.execute(delete(AuditEntry).where(AuditEntry.seq == 2))
    with runtime.sessions() as db:
        assert any("missing" in p for p in audit.verify(db, runtime.vault).problems)
    with runtime.sessions() as db, db.begin():
        db.execute(delete(AuditEntry).where(AuditEntry.seq == 5))
    with runtime.sessions() as db:
        assert any("head" in p for p in audit.verify(db, runtime.vault).problems)
    runtime.close()


def test_cli_verify(database_url: str, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    url = database_url
    runtime = make_runtime(url, tmp_path)
    _fill(runtime, 3)
    monkeypatch.setenv("CAMINO_DATABASE_URL", url)
    monkeypatch.setenv("CAMINO_DATA_KEY", TEST_DATA_KEY)
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


def _recompute_with_sql(url: str) -> None:
    """What someone with only database access does after deleting entries: rewrite every
    entry's link and SHA-256 hash, renumber, and fix the head (a MAC they cannot make)."""
    with connected(url, begin=True) as conn:
        rows = conn.execute(text("SELECT * FROM audit_log ORDER BY seq")).mappings().all()
        conn.execute(text("DELETE FROM audit_log"))
        prev = audit.GENESIS
        for seq, row in enumerate(rows, start=1):
            fields = {
                "seq": seq,
                "at": row["at"],
                "actor": row["actor"],
                "org_id": row["org_id"],
                "action": row["action"],
                "target": row["target"],
                "outcome": row["outcome"],
                "detail": row["detail"],
            }
            digest = hashlib.sha256((prev + audit.canonical(fields)).encode()).hexdigest()
            conn.execute(
                text(
                    "INSERT INTO audit_log (seq, at, actor, org_id, action, target, outcome, "
                    "detail, prev_hash, hash, mac, key_id) VALUES (:seq, :at, :actor, :org_id, "
                    ":action, :target, :outcome, :detail, :prev, :hash, :mac, :key_id)"
                ),
                {
                    **fields,
                    "prev": prev,
                    "hash": digest,
                    "mac": row["mac"],
                    "key_id": row["key_id"],
                },
            )
            prev = digest
        conn.execute(
            text("UPDATE audit_head SET seq = :seq, hash = :hash WHERE id = 1"),
            {"seq": len(rows), "hash": prev},
        )


def test_a_deleted_row_is_reported_by_the_command(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = make_runtime(database_url, tmp_path)
    _fill(runtime, 6)
    monkeypatch.setenv("CAMINO_DATABASE_URL", database_url)
    monkeypatch.setenv("CAMINO_DATA_KEY", TEST_DATA_KEY)
    from bot.core.config import get_settings

    get_settings.cache_clear()
    with connected(database_url, begin=True) as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq = 3"))
    result = CliRunner().invoke(main, ["audit", "verify"])
    assert result.exit_code == 1
    assert "entry 3 is missing" in result.output and "altered" in result.output
    get_settings.cache_clear()
    runtime.close()


def test_a_chain_recomputed_with_sql_alone_is_reported(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = make_runtime(database_url, tmp_path)
    _fill(runtime, 6)
    with connected(database_url, begin=True) as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq = 4"))
    _recompute_with_sql(database_url)
    with runtime.sessions() as db:
        # The SHA-256 chain alone now holds together: only the seals tell.
        entries = list(db.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
        assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
        assert all(audit.chain_hash(e.prev_hash, audit.entry_fields(e)) == e.hash for e in entries)
    monkeypatch.setenv("CAMINO_DATABASE_URL", database_url)
    monkeypatch.setenv("CAMINO_DATA_KEY", TEST_DATA_KEY)
    from bot.core.config import get_settings

    get_settings.cache_clear()
    result = CliRunner().invoke(main, ["audit", "verify"])
    assert result.exit_code == 1
    # Entries 1-3 are untouched; entry 4 is the first whose seal no longer matches.
    assert "entry 4 is not sealed by this installation's key" in result.output
    assert "entry 3 " not in result.output
    assert "head of the log is not sealed" in result.output
    get_settings.cache_clear()
    runtime.close()


def test_another_master_key_does_not_verify_and_reseal_follows_a_rotation(
    database_url: str, tmp_path: Path
) -> None:
    runtime = make_runtime(database_url, tmp_path)
    _fill(runtime, 4)
    master = crypto.decode_master_key(TEST_DATA_KEY)
    new = crypto.new_data_key()
    with runtime.sessions() as db:
        assert not audit.verify(db, Vault(new)).ok
        assert audit.verify(db, Vault(master, next_key=new)).ok  # during a rotation
    assert audit.reseal(runtime.sessions, Vault(master, next_key=new)) == 4
    with runtime.sessions() as db:
        assert audit.verify(db, Vault(new)).ok
        assert not audit.verify(db, Vault(master)).ok
    runtime.close()


def test_reseal_seals_old_entries_but_never_a_broken_chain(
    database_url: str, tmp_path: Path
) -> None:
    runtime = make_runtime(database_url, tmp_path)
    _fill(runtime, 3)
    with runtime.sessions() as db, db.begin():  # as written before seals existed
        db.execute(update(AuditEntry).values(mac="", key_id=""))
        db.execute(update(AuditHead).values(mac="", key_id=""))
    with runtime.sessions() as db:
        assert not audit.verify(db, runtime.vault).ok
    assert audit.reseal(runtime.sessions, runtime.vault) == 3
    with runtime.sessions() as db:
        assert audit.verify(db, runtime.vault).ok
    with runtime.sessions() as db, db.begin():
        db.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(mac="", actor="staff:x"))
    with pytest.raises(ValueError, match="entry 2"):
        audit.reseal(runtime.sessions, runtime.vault)
    runtime.close()


def test_anonymous_requests_are_counted_not_audited(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    import webhook
    from tests.support.databases import count_rows

    runtime = make_runtime(f"sqlite:///{tmp_path}/c.db", tmp_path, CAMINO_SCHEDULER_ENABLED="false")
    with TestClient(webhook.create_app(runtime)) as client:
        before = count_rows(runtime, AuditEntry)
        for _ in range(20):
            assert client.get("/dashboard/login").status_code == 200
            assert client.get("/dashboard/cases", follow_redirects=False).status_code == 303
            assert client.get("/api/v1/cases").status_code == 401
        assert count_rows(runtime, AuditEntry) == before
        metrics_text = client.get("/metrics").text
    assert 'camino_anonymous_staff_requests_total{outcome="ok",part="dashboard"}' in metrics_text
    assert 'camino_anonymous_staff_requests_total{outcome="denied",part="api"}' in metrics_text
    runtime.close()


def test_two_writers_append_one_unforked_chain(database_url: str, tmp_path: Path) -> None:
    runtime = make_runtime(database_url, tmp_path)
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(15):
                audit.record(
                    runtime.sessions,
                    runtime.vault,
                    audit.Record(
                        actor=f"staff:{n}", action="case.view", outcome="ok", target=str(i)
                    ),
                    now=runtime.clock(),
                )
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    with runtime.sessions() as db:
        result = audit.verify(db, runtime.vault)
    assert result.ok and result.entries == 60, result.problems
    runtime.close()
