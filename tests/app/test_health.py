"""The web app's health check, on a live database and an unreachable one."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from bot.store import db
from tests.support.factories import make_runtime
from webhook import create_app


def test_healthz_ok(tmp_path: Path) -> None:
    runtime = make_runtime(f"sqlite:///{tmp_path}/camino.db", tmp_path)
    with TestClient(create_app(runtime)) as client:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_503_when_the_database_is_unreachable(tmp_path: Path) -> None:
    runtime = make_runtime(f"sqlite:///{tmp_path}/camino.db", tmp_path)
    runtime.engine = db.make_engine(
        "postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 1}
    )
    with TestClient(create_app(runtime)) as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
