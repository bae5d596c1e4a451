"""The canary scanners find plaintext that was written and nothing that was not."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.support import pg
from tests.support.databases import connected
from tests.support.rawscan import scan_bytes, scan_pg_dump, scan_sqlite_files, sqlite_path


def _canary() -> str:
    return f"CANARY-{uuid.uuid4().hex}"


def _scan(database_url: str, canaries: list[str], request: pytest.FixtureRequest) -> list[str]:
    if database_url.startswith("sqlite"):
        return scan_sqlite_files(sqlite_path(database_url), canaries)
    server: pg.PostgresServer = request.getfixturevalue("postgres_server")
    assert server.pg_dump is not None, "pg_dump not found"
    return scan_pg_dump(database_url, canaries, server.pg_dump)


def test_written_canary_is_found_and_unwritten_is_not(
    database_url: str, request: pytest.FixtureRequest
) -> None:
    written, absent = _canary(), _canary()
    escaped = f"{_canary()}\tcon\ttab\\y\nsalto"  # pg_dump writes these as COPY escapes
    with connected(database_url, begin=True) as conn:
        conn.execute(text("create table notes (id integer primary key, body text)"))
        conn.execute(
            text("insert into notes (id, body) values (1, :body), (2, :escaped)"),
            {"body": f"Me robaron en Tapachula {written} ayer", "escaped": escaped},
        )
    assert _scan(database_url, [written, absent, escaped], request) == [written, escaped]
    assert _scan(database_url, [absent], request) == []


def test_nothing_written_nothing_found(database_url: str, request: pytest.FixtureRequest) -> None:
    with connected(database_url, begin=True) as conn:
        conn.execute(text("create table notes (id integer primary key, body text)"))
        conn.execute(text("insert into notes (id, body) values (1, 'nada que ver')"))
    assert _scan(database_url, [_canary(), _canary()], request) == []


def test_binary_column_is_found(database_url: str, request: pytest.FixtureRequest) -> None:
    """A plaintext canary in a blob/bytea column (pg_dump shows it as hex) is still found."""
    written, wide = _canary(), _canary()
    blob_type = "blob" if database_url.startswith("sqlite") else "bytea"
    with connected(database_url, begin=True) as conn:
        conn.execute(text(f"create table blobs (id integer primary key, data {blob_type})"))
        conn.execute(
            text("insert into blobs (id, data) values (1, :data), (2, :wide)"),
            {"data": b"\x00\x01" + written.encode(), "wide": wide.encode("utf-16-le")},
        )
    assert _scan(database_url, [_canary(), written, wide], request) == [written, wide]


def test_sqlite_wal_is_scanned(tmp_path: Path) -> None:
    """A row still only in the -wal file (not checkpointed) is found."""
    db = tmp_path / "wal.db"
    canary = _canary()
    conn = sqlite3.connect(db)
    try:
        conn.execute("pragma journal_mode=wal")
        conn.execute("pragma wal_autocheckpoint=0")
        conn.execute("create table t (body text)")
        conn.execute("insert into t values (?)", (canary,))
        conn.commit()
        assert Path(f"{db}-wal").is_file()
        assert canary.encode() not in db.read_bytes()
        assert scan_sqlite_files(db, [canary]) == [canary]
    finally:
        conn.close()


@pytest.mark.parametrize("encoding", ["UTF-16le", "UTF-16be"])
def test_sqlite_utf16_database(tmp_path: Path, encoding: str) -> None:
    db = tmp_path / "wide.db"
    canary, absent = _canary(), _canary()
    conn = sqlite3.connect(db)
    try:
        conn.execute(f"pragma encoding='{encoding}'")
        conn.execute("create table t (body text)")
        conn.execute("insert into t values (?)", (f"¿dónde? {canary}",))
        conn.commit()
    finally:
        conn.close()
    assert canary.encode() not in db.read_bytes()  # really stored as UTF-16
    assert scan_sqlite_files(db, [absent, canary]) == [canary]


def test_scan_bytes_and_arguments(tmp_path: Path) -> None:
    assert scan_bytes("xx€yy".encode("utf-16-be"), ["€y", "z", "€y"]) == ["€y"]
    with pytest.raises(ValueError, match="empty"):
        scan_bytes(b"abc", [""])
    with pytest.raises(FileNotFoundError):
        scan_sqlite_files(tmp_path / "missing.db", ["x"])
