"""What a production installation refuses or keeps private: demo data, a server without its key,
the API schema for strangers, database files others could read."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import text

from bot.staff import tokens
from bot.store.db import make_engine
from bot.store.models import Organization
from tests.support.factories import camino_env, make_runtime
from tests.support.server import CAMINO
from webhook import create_app

PRODUCTION = {"CAMINO_ENV": "production", "CAMINO_PUBLIC_URL": "https://camino.example.org"}


def camino(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("CAMINO_")}
    return subprocess.run(
        [CAMINO, *args],
        cwd=cwd,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_demo_is_refused_in_production(tmp_path: Path) -> None:
    env = camino_env(f"sqlite:///{tmp_path}/camino.db", tmp_path, **PRODUCTION)
    result = camino(["demo"], tmp_path, **env)
    assert result.returncode == 1
    assert "refused when CAMINO_ENV=production" in result.stderr
    assert "password" not in result.stdout


def test_serve_without_its_key_leaves_the_database_untouched(tmp_path: Path) -> None:
    database = tmp_path / "camino.db"
    env = {"CAMINO_DATABASE_URL": f"sqlite:///{database}", **PRODUCTION}
    result = camino(["serve", "--port", "9"], tmp_path, **env)
    assert result.returncode == 1
    assert "CAMINO_DATA_KEY" in result.stderr
    assert not database.exists()


def test_serve_stops_with_sentences_when_the_migrations_fail(tmp_path: Path) -> None:
    # The migrations run in a child process; its failure is said, never shown as a traceback.
    env = camino_env(f"sqlite:///{tmp_path}/missing/camino.db", tmp_path)
    result = camino(["serve", "--port", "9"], tmp_path, **env)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "The database could not be reached" in result.stderr
    assert "The database migrations failed" in result.stderr


def test_serve_refuses_an_http_public_url_in_production(tmp_path: Path) -> None:
    database = tmp_path / "camino.db"
    env = camino_env(f"sqlite:///{database}", tmp_path, **PRODUCTION)
    env["CAMINO_PUBLIC_URL"] = "http://camino.example.org"
    result = camino(["serve", "--port", "9"], tmp_path, **env)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Error: CAMINO_PUBLIC_URL: production needs an https URL (like"
        " https://camino.example.org); the web chat, the dashboard and the webhooks carry"
        " personal data."
    ]
    assert not database.exists()


def test_sqlite_files_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    database = tmp_path / "camino.db"
    engine = make_engine(f"sqlite:///{database}")
    with engine.begin() as connection:
        connection.execute(text("create table t (x integer)"))
        connection.execute(text("insert into t values (1)"))
        files = [database, Path(f"{database}-wal"), Path(f"{database}-shm")]
        modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in files}
    engine.dispose()
    assert all(mode & 0o077 == 0 for mode in modes.values()), modes


def test_the_api_schema_needs_a_token_in_production(tmp_path: Path) -> None:
    runtime = make_runtime(f"sqlite:///{tmp_path}/camino.db", tmp_path, **PRODUCTION)
    with runtime.sessions() as db, db.begin():
        org = Organization(slug="albergue", name="Albergue", created_at=runtime.clock())
        db.add(org)
        db.flush()
        secret, _ = tokens.create_api_token(
            db, org=org, name="analysis", scopes=["cases:read"], now=runtime.clock()
        )
    try:
        with TestClient(create_app(runtime)) as client:
            assert client.get("/openapi.json").status_code == 401
            wrong = client.get("/openapi.json", headers={"authorization": "Bearer cmn_wrong"})
            assert wrong.status_code == 401
            allowed = client.get("/openapi.json", headers={"authorization": f"Bearer {secret}"})
            assert allowed.status_code == 200
            assert allowed.json()["info"]["title"] == "Camino"
    finally:
        runtime.close()


def test_the_api_schema_is_open_outside_production(tmp_path: Path) -> None:
    runtime = make_runtime(f"sqlite:///{tmp_path}/camino.db", tmp_path)
    try:
        with TestClient(create_app(runtime)) as client:
            assert client.get("/openapi.json").status_code == 200
    finally:
        runtime.close()
