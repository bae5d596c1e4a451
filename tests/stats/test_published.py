"""The same protected tables everywhere: the REST API (one-way in cases and victims, the
funnel with its shares and median days, the two-way tables, every table as CSV and JSON),
`camino stats export` and the dashboard's export give the same figures for the same cases."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import select

import webhook
from bot.app.cli import main
from bot.app.runtime import Runtime
from bot.core.config import get_settings
from bot.staff import accounts, tokens
from bot.staff.access import visible_cases
from bot.stats import tables as stats
from bot.stats.protection import Protection
from bot.stats.publish import every_row
from bot.store.models import Case
from tests.support.dashboard_helpers import file_case, login, seed
from tests.support.factories import TEST_DATA_KEY, make_runtime

pytestmark = pytest.mark.usefixtures("cheap_hashing")
STATES = ("MX-TAB", "MX-CHP")


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Runtime, Any, Any]]:
    url = f"sqlite:///{tmp_path}/p.db"
    for name, value in {
        "CAMINO_DATABASE_URL": url,
        "CAMINO_DATA_KEY": TEST_DATA_KEY,
        "CAMINO_KEY_FILE": str(tmp_path / "camino.key"),
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    runtime = make_runtime(url, tmp_path, CAMINO_SCHEDULER_ENABLED="false")
    seeded = seed(runtime)
    for i in range(36):
        file_case(
            runtime,
            {
                "incident_state": STATES[i % 2],
                "crime_types": ["robbery"] if i % 3 else ["extortion", "robbery"],
                "perpetrators": ["inm_agent"] if i % 4 else ["gang"],
                "victim_gender": "woman" if i % 5 else None,
                "victim_count": 1 + i % 3,
            },
        )
    yield runtime, seeded, webhook.create_app(runtime)
    runtime.close()
    get_settings.cache_clear()


def bearer(runtime: Runtime) -> str:
    with runtime.sessions() as db, db.begin():
        org = accounts.find_organization(db, "la-72")
        assert org is not None
        secret, _ = tokens.create_api_token(
            db, org=org, name="stats", scopes=["stats:read"], now=runtime.clock()
        )
    return f"Bearer {secret}"


def expected(runtime: Runtime, org_slug: str | None) -> list[dict[str, Any]]:
    with runtime.sessions() as db:
        base = select(Case)
        if org_slug:
            org = accounts.find_organization(db, org_slug)
            assert org is not None
            base = visible_cases(org)
        protection = Protection.of(runtime.settings.stats_min_cell, runtime.vault)
        return every_row(db, base, stats.Filters(), protection)


def test_the_api_gives_every_table_as_the_exports(world: tuple[Runtime, Any, Any]) -> None:
    runtime, _, app = world
    rows = expected(runtime, "la-72")
    with TestClient(app) as client:
        client.headers["authorization"] = bearer(runtime)
        as_json = client.get("/api/v1/stats").json()
        assert as_json["rows"] == rows and "c-4" in as_json["note"]
        as_csv = client.get("/api/v1/stats?format=csv")
        assert as_csv.headers["content-type"].startswith("text/csv")
        lines = list(csv.DictReader(io.StringIO(as_csv.text)))[:-1]
        assert [line["count"] for line in lines] == [
            "" if row["count"] is None else str(row["count"]) for row in rows
        ]
        # One table in victims, the same figures as the export's rows.
        gender = client.get("/api/v1/stats/gender?unit=victims").json()
        assert gender["unit"] == "victims"
        published = {
            row["value"]: row["count"]
            for row in rows
            if row["dimension"] == "gender" and row["unit"] == "victims"
        }
        assert {cell["value"]: cell["count"] for cell in gender["cells"]} == {
            key: count for key, count in published.items() if key != "total_victims"
        }
        assert gender["total_cases"] == published["total_victims"]
        assert "unknown" in published  # "no sé" and unanswered: a cell of their own
        # The funnel: stages with their share of the reported cases.
        funnel = client.get("/api/v1/stats/funnel").json()
        reported = funnel["cells"][0]
        assert reported["value"] == "reported" and reported["percent"] == 100
        # A two-way table, cell by cell as exported.
        tab = client.get("/api/v1/stats/crosstabs/state_x_crime_type?unit=victims").json()
        exported = {
            row["value"]: row["count"]
            for row in rows
            if row["dimension"] == "state_x_crime_type" and row["unit"] == "victims"
        }
        for r, state in enumerate(tab["rows"]):
            for c, crime in enumerate(tab["cols"]):
                assert tab["cells"][r][c] == exported[f"{state}|{crime}"]
            assert tab["row_totals"][r] == exported[f"{state}|total"]
        assert tab["total"] == exported["total|total"]
        published_cells = {
            row["dimension"] for row in rows if "_x_" in row["dimension"] and row["count"]
        }
        assert published_cells, "some two-way table must show figures"
        # Bad input is refused as such, never a server error.
        assert client.get("/api/v1/stats/crosstabs/state_x_nothing").status_code == 422
        assert client.get("/api/v1/stats/gender?unit=people").status_code == 422
        assert client.get("/api/v1/stats?format=xml").status_code == 422


def test_a_token_without_the_scope_gets_no_statistics(world: tuple[Runtime, Any, Any]) -> None:
    runtime, _, app = world
    with runtime.sessions() as db, db.begin():
        org = accounts.find_organization(db, "la-72")
        assert org is not None
        secret, _ = tokens.create_api_token(
            db, org=org, name="cases", scopes=["cases:read"], now=runtime.clock()
        )
    with TestClient(app) as client:
        client.headers["authorization"] = f"Bearer {secret}"
        assert client.get("/api/v1/stats").status_code == 403
        assert client.get("/api/v1/stats/crosstabs/gender_x_crime_type").status_code == 403


def test_the_cli_and_the_dashboard_export_the_same_rows(world: tuple[Runtime, Any, Any]) -> None:
    runtime, seeded, app = world
    result = CliRunner().invoke(main, ["stats", "export", "--org", "la-72", "--format", "json"])
    assert result.exit_code == 0, result.output
    from_cli = json.loads(result.output)
    assert from_cli["rows"] == expected(runtime, "la-72")
    result = CliRunner().invoke(main, ["stats", "export", "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = list(csv.DictReader(io.StringIO(result.output)))[:-1]
    everything = expected(runtime, None)
    assert [(line["dimension"], line["unit"], line["value"]) for line in lines] == [
        (row["dimension"], row["unit"], row["value"]) for row in everything
    ]
    with TestClient(app) as client:
        email = seeded.staff[("la-72", "analyst")]
        login(client, email, seeded.secrets[email])
        from_page = client.get("/dashboard/stats/export?format=json").json()
    assert from_page["rows"] == from_cli["rows"]
    # Every dimension and two-way table, in cases and in victims, is there.
    names = {(row["dimension"], row["unit"]) for row in from_cli["rows"]}
    for name in ("funnel", "outcomes", "complaint_wish", "crime_type_x_perpetrator_group"):
        assert {(name, "cases"), (name, "victims")} <= names
