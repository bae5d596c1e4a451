"""The alert settings page, the network's fallback, "Lo atiendo", and the inbox's waiting
list: permissions, CSRF and the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.app.runtime import Runtime
from bot.store.models import (
    Alert,
    AlertDestination,
    AuditEntry,
    CaseEvent,
    Organization,
    Staff,
)
from tests.support.alerting import file_and_alert, make_fallback, org_by_slug, set_destinations
from tests.support.dashboard_helpers import Seeded, dashboard_world, login
from tests.support.pages import csrf_of

pytestmark = pytest.mark.usefixtures("cheap_hashing")
World = tuple[Runtime, Seeded, TestClient]


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[World]:
    with dashboard_world(database_url, tmp_path) as world:
        yield world


def sign_in(client: TestClient, s: Seeded, role: str, org: str = "la-72") -> None:
    email = s.staff[(org, role)]
    login(client, email, s.secrets[email])


def actions(runtime: Runtime, action: str) -> list[AuditEntry]:
    with runtime.sessions() as db:
        return db.query(AuditEntry).filter_by(action=action).order_by(AuditEntry.seq).all()


def test_admins_set_destinations_response_time_and_contact_line(world: World) -> None:
    runtime, s, client = world
    sign_in(client, s, "caseworker")
    assert client.get("/dashboard/alerts").status_code == 403
    client.cookies.clear()
    sign_in(client, s, "admin")
    page = client.get("/dashboard/alerts")
    assert page.status_code == 200 and "No hay destinos" in page.text
    assert 'action="/dashboard/alerts/fallback"' not in page.text  # not the network's admin
    form = {"sms": "+5219341112233\n+5219344445566", "telegram": "-1001234567890"}
    assert client.post("/dashboard/alerts", data=form).status_code == 400  # no CSRF
    csrf = csrf_of(page.text)
    done = client.post("/dashboard/alerts", data={**form, "csrf": csrf}, follow_redirects=False)
    assert done.status_code == 303
    page = client.get("/dashboard/alerts")
    assert "···33" in page.text and "···66" in page.text and "···90" in page.text
    assert "+5219341112233" not in page.text
    with runtime.sessions() as db:
        assert db.query(AlertDestination).count() == 3
    entry = actions(runtime, "org.alerts")[-1]
    assert entry.outcome == "ok" and "9341112233" not in entry.detail
    bad = client.post("/dashboard/alerts", data={"sms": "9341112233", "csrf": csrf})
    assert bad.status_code == 400 and "E.164" not in bad.text and "+52" in bad.text
    settings = {"response_hours": "24", "contact_line": "+529341234567", "csrf": csrf}
    assert client.post("/dashboard/alerts/settings", data=settings).status_code == 200
    with runtime.sessions() as db:
        org = db.get(Organization, s.org_ids["la-72"])
        assert org is not None
        assert (org.response_hours, org.contact_line, org.alert_every_report) == (
            24,
            "+529341234567",
            False,
        )
    off = client.post("/dashboard/alerts", data={"off": "1", "csrf": csrf})
    assert off.status_code == 200
    with runtime.sessions() as db:
        assert db.query(AlertDestination).count() == 0


def test_only_the_network_admin_names_the_fallback(world: World) -> None:
    runtime, s, client = world
    sign_in(client, s, "admin")
    csrf = csrf_of(client.get("/dashboard/alerts").text)
    refused = client.post("/dashboard/alerts/fallback", data={"slug": "kino", "csrf": csrf})
    assert refused.status_code == 403
    make_fallback(runtime, "la-72")
    page = client.get("/dashboard/alerts")
    assert 'action="/dashboard/alerts/fallback"' in page.text
    moved = client.post(
        "/dashboard/alerts/fallback",
        data={"slug": "kino", "csrf": csrf},
        follow_redirects=False,
    )
    assert moved.status_code == 303
    assert (
        org_by_slug(runtime, "kino").is_fallback and not org_by_slug(runtime, "la-72").is_fallback
    )
    assert actions(runtime, "network.fallback")[-1].target == f"org:{s.org_ids['kino']}"


def test_lo_atiendo_acknowledges_once(world: World) -> None:
    runtime, s, client = world
    set_destinations(runtime, "la-72", sms=["+5219341112233"])
    case_id = file_and_alert(
        runtime, {"incident_state": "MX-TAB"}, when=runtime.clock() - timedelta(minutes=12)
    )
    sign_in(client, s, "analyst")
    assert client.post(f"/dashboard/cases/{case_id}/acknowledge", data={}).status_code == 403
    client.cookies.clear()
    sign_in(client, s, "caseworker")
    inbox = client.get("/dashboard/cases")
    waiting = inbox.text.split('class="card waiting"')[1].split("</section>")[0]
    assert case_id in waiting and "espera 12 min" in waiting
    page = client.get(f"/dashboard/cases/{case_id}")
    assert "Lo atiendo" in page.text
    assert client.post(f"/dashboard/cases/{case_id}/acknowledge", data={}).status_code == 400
    csrf = csrf_of(page.text)
    done = client.post(
        f"/dashboard/cases/{case_id}/acknowledge", data={"csrf": csrf}, follow_redirects=False
    )
    assert done.headers["location"].endswith("done=acknowledged")
    page = client.get(f"/dashboard/cases/{case_id}")
    assert "Lo atiendo" not in page.text and "Reporte urgente atendido" in page.text
    assert 'class="card waiting"' not in client.get("/dashboard/cases").text
    again = client.post(
        f"/dashboard/cases/{case_id}/acknowledge", data={"csrf": csrf}, follow_redirects=False
    )
    assert again.headers["location"].endswith("error=acknowledged")
    staff_id = _staff_id(runtime, s)
    with runtime.sessions() as db:
        alert = db.query(Alert).filter_by(case_id=case_id).one()
        assert alert.acknowledged_by == f"staff:{staff_id}"
        assert db.query(CaseEvent).filter_by(case_id=case_id).count() == 1
    outcomes = [e.outcome for e in actions(runtime, "case.acknowledge")]
    assert outcomes == ["denied", "rejected", "ok", "rejected"]
    # Another organization cannot even reach it.
    client.cookies.clear()
    sign_in(client, s, "caseworker", "kino")
    assert client.post(
        f"/dashboard/cases/{case_id}/acknowledge", data={"csrf": csrf}
    ).status_code in (400, 404)


def test_the_fallback_sees_uncovered_reports_marked(world: World) -> None:
    runtime, s, client = world
    make_fallback(runtime, "kino")
    tam = file_and_alert(runtime, {"incident_state": "MX-TAM", "reporter_country": "SV"})
    sign_in(client, s, "caseworker", "kino")
    inbox = client.get("/dashboard/cases")
    assert tam in inbox.text and "Sin cobertura" in inbox.text
    assert s.cases["tab"] not in inbox.text  # covered cases stay with who covers them
    client.cookies.clear()
    sign_in(client, s, "caseworker")
    assert client.get(f"/dashboard/cases/{tam}").status_code == 404


def _staff_id(runtime: Runtime, s: Seeded) -> str:
    with runtime.sessions() as db:
        staff = db.query(Staff).filter_by(email=s.staff[("la-72", "caseworker")]).one()
        return staff.id
