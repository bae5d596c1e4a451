"""The database fixtures themselves: both backends connect, databases are fresh, pg_dump works."""

from __future__ import annotations

import secrets
import subprocess
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, text

from tests.support import pg
from tests.support.databases import connected


def test_select_one(database_url: str) -> None:
    with connected(database_url) as conn:
        assert conn.execute(text("select 1")).scalar_one() == 1


def test_database_url_backend(database_url: str, request: pytest.FixtureRequest) -> None:
    backend = request.node.callspec.params["database_url"]
    if backend == "sqlite":
        assert database_url.startswith("sqlite:///")
        assert database_url.endswith("/camino.db")
    else:
        assert database_url.startswith("postgresql")


def test_writes_a_table(database_url: str) -> None:
    with connected(database_url, begin=True) as conn:
        conn.execute(text("create table leftover (id integer primary key)"))
        conn.execute(text("insert into leftover (id) values (1)"))


def test_database_is_fresh_and_empty(database_url: str) -> None:
    """Runs after `test_writes_a_table`: its table must not be visible here."""
    engine = create_engine(database_url)
    try:
        assert inspect(engine).get_table_names() == []
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_pg_dump_works(postgres_server: pg.PostgresServer) -> None:
    if postgres_server.pg_dump is None:
        pytest.fail("the PostgreSQL server was found but pg_dump was not")
    name = f"camino_dump_{secrets.token_hex(4)}"
    url = postgres_server.create_database(name)
    with connected(url, begin=True) as conn:
        conn.execute(text("create table dumped (note text)"))
        conn.execute(text("insert into dumped (note) values ('dump-me-please')"))
    libpq = url.replace("postgresql+psycopg://", "postgresql://", 1)
    try:
        dump = subprocess.run(
            [postgres_server.pg_dump, "--format=plain", "--dbname", libpq],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout
    finally:
        postgres_server.drop_database(name)
    assert "CREATE TABLE public.dumped" in dump
    assert "dump-me-please" in dump


@pytest.mark.postgres
def test_create_database_is_separate(postgres_server: pg.PostgresServer) -> None:
    name = f"camino_extra_{secrets.token_hex(4)}"
    url = postgres_server.create_database(name)
    try:
        assert url != postgres_server.url
        assert url.endswith(f"/{name}")
        with connected(url) as conn:
            assert conn.execute(text("select current_database()")).scalar_one() == name
    finally:
        postgres_server.drop_database(name)


@pytest.mark.postgres
def test_session_database_is_utf8(postgres_server: pg.PostgresServer) -> None:
    with connected(postgres_server.url) as conn:
        assert conn.execute(text("show server_encoding")).scalar_one() == "UTF8"
        assert conn.execute(text("select 'ñandú'")).scalar_one() == "ñandú"


@pytest.mark.parametrize(("value", "outcome"), [("1", pytest.fail.Exception), ("", None)])
def test_skip_or_fail(
    require_all: Any,
    monkeypatch: pytest.MonkeyPatch,
    value: str,
    outcome: type[BaseException] | None,
) -> None:
    monkeypatch.setenv("CAMINO_REQUIRE_ALL", value)
    expected = outcome or pytest.skip.Exception
    with pytest.raises(expected, match="Widget not found"):
        require_all.skip_or_fail("Widget not found")
    assert require_all.enabled is (value == "1")


def test_camino_data_key(camino_data_key: str) -> None:
    from bot.core.config import get_settings
    from bot.store.crypto import decode_master_key

    assert get_settings().data_key == camino_data_key
    assert len(decode_master_key(camino_data_key)) == 32
