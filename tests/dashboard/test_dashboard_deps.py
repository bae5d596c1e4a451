"""The checks a dashboard route declares run in one order, and each leaves its audit entry.

Sign-in (303), then the role's permission (403), then the form's CSRF token (400), then the
case's visibility (404); only then is the form itself read. Security headers come from
`bot.core.websecurity`, HSTS only behind https.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

import webhook
from bot.app.runtime import Runtime
from bot.core.websecurity import HSTS, STAFF_HEADERS
from bot.store.models import AuditEntry
from tests.support.dashboard_helpers import (
    FAST_SETTINGS,
    Seeded,
    cheap_argon2,
    csrf_of,
    login,
    seed,
)
from tests.support.databases import count_rows
from tests.support.factories import make_runtime


@pytest.fixture(autouse=True)
def _fast_hashing() -> Iterator[None]:
    with cheap_argon2():
        yield


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Runtime, Seeded, TestClient]]:
    quiet = {"CAMINO_OUTBOX_ENABLED": "false", "CAMINO_SCHEDULER_ENABLED": "false"}
    runtime = make_runtime(f"sqlite:///{tmp_path}/c.db", tmp_path, **quiet, **FAST_SETTINGS)
    with TestClient(webhook.create_app(runtime)) as client:
        yield runtime, seed(runtime), client
    runtime.close()


def _last_entry(runtime: Runtime) -> AuditEntry:
    with runtime.sessions() as db:
        return db.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).one()


def _signed_in(client: TestClient, s: Seeded, role: str) -> str:
    email = s.staff[("la-72", role)]
    login(client, email, s.secrets[email])
    return csrf_of(client.get("/dashboard/", follow_redirects=True).text)  # the start page


def test_checks_run_in_the_declared_order(world) -> None:  # type: ignore[no-untyped-def]
    runtime, s, client = world
    url = f"/dashboard/cases/{s.cases['tab']}/notes"
    # Nobody signed in: to the sign-in page, even with no form at all; anonymous requests are
    # counted in the metrics, not written to the audit log.
    before = count_rows(runtime, AuditEntry)
    anonymous = client.post(url, follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/dashboard/login"
    assert count_rows(runtime, AuditEntry) == before
    # An analyst may not change cases: refused before the CSRF token is looked at.
    _signed_in(client, s, "analyst")
    refused = client.post(url, data={"body": "x", "csrf": "forged"}, follow_redirects=False)
    assert refused.status_code == 403 and _last_entry(runtime).outcome == "denied"
    client.cookies.clear()
    # A caseworker with a forged token is refused before the case is looked up (even another
    # organization's), and with a good token another organization's case is not found.
    csrf = _signed_in(client, s, "caseworker")
    other = f"/dashboard/cases/{s.cases['son']}/notes"
    forged = client.post(other, data={"body": "x", "csrf": "forged"}, follow_redirects=False)
    assert forged.status_code == 400
    hidden = client.post(other, data={"body": "x", "csrf": csrf}, follow_redirects=False)
    assert hidden.status_code == 404 and _last_entry(runtime).outcome == "not_found"
    done = client.post(url, data={"body": "a note", "csrf": csrf}, follow_redirects=False)
    assert done.headers["location"].endswith("?done=note")
    entry = _last_entry(runtime)
    assert (entry.action, entry.outcome) == ("case.note", "ok")
    assert entry.actor.startswith("staff:") and entry.org_id == s.org_ids["la-72"]


def test_dashboard_and_api_responses_carry_the_staff_headers(world) -> None:  # type: ignore[no-untyped-def]
    _, _, client = world
    for path in ("/dashboard/login", "/dashboard/cases", "/api/v1/cases"):
        response = client.get(path, follow_redirects=False)
        for name, value in STAFF_HEADERS:
            assert response.headers[name.decode()] == value.decode(), (path, name)
        assert HSTS[0].decode() not in response.headers  # http here: no HSTS
