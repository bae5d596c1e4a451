"""The REST API: scoped tokens, cases, events and statistics; schemathesis finds no 500.

On SQLite and PostgreSQL (whose drivers refuse some inputs SQLite takes, such as NUL bytes).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import webhook
from bot.staff import accounts, tokens
from tests.support.dashboard_helpers import seed
from tests.support.factories import make_runtime

pytestmark = pytest.mark.usefixtures("cheap_hashing")


@pytest.fixture
def api(database_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    runtime = make_runtime(database_url, tmp_path, CAMINO_SCHEDULER_ENABLED="false")
    s = seed(runtime)
    with runtime.sessions() as db, db.begin():
        org = accounts.find_organization(db, "la-72")
        assert org is not None
        secret, _ = tokens.create_api_token(
            db, org=org, name="all", scopes=list(tokens.SCOPES), now=runtime.clock()
        )
    app = webhook.create_app(runtime)
    with TestClient(app) as client:
        client.headers["authorization"] = f"Bearer {secret}"
        yield client, s, app
    runtime.close()


def test_cases_events_and_stats(api) -> None:  # type: ignore[no-untyped-def]
    client, s, _ = api
    listed = client.get("/api/v1/cases").json()
    ids = [item["id"] for item in listed["items"]]
    assert ids[0] == s.cases["tab_urgent"] and s.cases["son"] not in ids
    assert "description" not in listed["items"][0] and "victim_name" not in str(listed)
    page = client.get("/api/v1/cases?limit=1").json()
    second = client.get(f"/api/v1/cases?limit=1&cursor={page['next_cursor']}").json()
    assert second["items"][0]["id"] != page["items"][0]["id"]
    made = client.post(
        f"/api/v1/cases/{s.cases['tab']}/events",
        json={"status": "referred", "family_visible": True},
    )
    assert made.status_code == 201
    again = client.post(f"/api/v1/cases/{s.cases['tab']}/events", json={"status": "bogus"})
    assert again.status_code == 409
    detail = client.get(f"/api/v1/cases/{s.cases['tab']}").json()
    assert [e["status"] for e in detail["events"]] == ["referred"]
    assert client.get(f"/api/v1/cases/{s.cases['son']}").status_code == 404
    table = client.get("/api/v1/stats/crime_type").json()
    assert all(c["count"] is None or c["count"] >= 5 or c["count"] == 0 for c in table["cells"])
    assert "suppressed" in table["note"]


def test_schemathesis_finds_no_server_error(api) -> None:  # type: ignore[no-untyped-def]
    schemathesis = pytest.importorskip("schemathesis")
    client, _, app = api
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    from hypothesis import HealthCheck, given, settings

    failures = []
    calls = []

    def check(operation) -> None:  # type: ignore[no-untyped-def]
        @settings(
            max_examples=20, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        @given(case=operation.as_strategy())
        def run(case) -> None:  # type: ignore[no-untyped-def]
            calls.append(1)
            response = case.call(headers={"authorization": client.headers["authorization"]})
            if response.status_code >= 500:
                failures.append((operation.label, response.status_code))

        run()

    for result in schema.get_all_operations():
        check(result.ok())
    assert calls and not failures
