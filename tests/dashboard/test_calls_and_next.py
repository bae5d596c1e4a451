"""Calls people asked for stay to do until made; the case page's next action is a form; the
inbox's refresh is audited when it shows cases the session had not been shown."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.app.runtime import Runtime
from bot.core.clock import FrozenClock
from bot.privacy import audit
from bot.store.contacts import Sender, get_or_create_contact
from bot.store.models import AuditEntry, CallbackRequest, Case, CaseEvent, FollowSubscription
from tests.support.alerting import file_and_alert, set_destinations
from tests.support.dashboard_helpers import (
    Seeded,
    dashboard_world,
    file_case,
    login,
)
from tests.support.pages import csrf_of

pytestmark = pytest.mark.usefixtures("cheap_hashing")
NOW = datetime(2026, 3, 16, 17, 0, tzinfo=UTC)
CASEWORKER = "caseworker@la-72.example.org"
RELATIVE = "+50499887766"
TOLD_BY_CALL = {
    "incident_state": "MX-TAB",
    "description": {"person": True},
    "wants_contact": True,
    "contact_channel": "phone_call",
    "contact_phone": "+529611234567",
}

World = tuple[Runtime, Seeded, TestClient, FrozenClock]


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[World]:
    clock = FrozenClock(NOW)
    with dashboard_world(database_url, tmp_path, clock=clock) as (runtime, seeded, client):
        login(client, CASEWORKER, seeded.secrets[CASEWORKER])
        yield runtime, seeded, client, clock


def _row(html: str, case_id: str) -> str:
    return next(r for r in html.split("<tr") if case_id in r)


def _count(html: str, label: str) -> str:
    views = html.split('class="views"')[1].split("</nav>")[0]
    return views.split(f'{label} <span class="count">')[1].split("<")[0]


def _audited(runtime: Runtime, action: str) -> int:
    with runtime.sessions() as db:
        return db.scalar(select(func.count()).where(AuditEntry.action == action)) or 0


def test_a_reporters_call_stays_to_do_until_it_is_made(world: World) -> None:
    runtime, _, client, _ = world
    case_id, _ = file_case(runtime, TOLD_BY_CALL)
    inbox = client.get("/dashboard/cases").text
    assert "Espera una llamada" in _row(inbox, case_id)
    assert _count(inbox, "Piden llamada") == "1"
    page = client.get(f"/dashboard/cases/{case_id}").text
    assert 'id="call-reporter"' in page and "prefiere contarlo a una persona" in page
    # Opening the case does not make the call: it is still to do.
    assert "Espera una llamada" in _row(client.get("/dashboard/cases").text, case_id)
    done = client.post(
        f"/dashboard/cases/{case_id}/called",
        data={"who": "called_reporter", "note": "Contó lo que pasó", "csrf": csrf_of(page)},
    )
    assert "Llamada registrada en el historial." in done.text
    assert "Se habló por teléfono con quien reportó" in done.text
    assert "Contó lo que pasó" in done.text
    assert 'id="call-reporter"' not in done.text
    inbox = client.get("/dashboard/cases?view=callback").text
    assert _count(inbox, "Piden llamada") == "0" and case_id not in inbox.split("<tbody>")[-1]
    assert "Espera una llamada" not in _row(client.get("/dashboard/cases").text, case_id)
    again = client.post(
        f"/dashboard/cases/{case_id}/called",
        data={"who": "called_reporter", "csrf": csrf_of(page)},
    )
    assert "Esa llamada ya estaba registrada" in again.text
    bogus = client.post(
        f"/dashboard/cases/{case_id}/called", data={"who": "nobody", "csrf": csrf_of(page)}
    )
    assert bogus.status_code == 200 and "Esa llamada ya estaba registrada" in bogus.text
    with runtime.sessions() as db:
        events = db.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id)).all()
        assert [(e.track, e.status, e.family_visible) for e in events] == [
            ("callback", "called_reporter", False)
        ]
        outcomes = db.scalars(
            select(AuditEntry.outcome).where(AuditEntry.action == "case.called")
        ).all()
        assert outcomes == ["ok", "rejected", "rejected"]
        assert audit.verify(db, runtime.vault).ok


def test_a_relatives_call_is_marked_made_for_every_request_of_the_case(world: World) -> None:
    runtime, s, client, _ = world
    case_id = s.cases["tab"]
    now = runtime.clock()
    with runtime.sessions() as db, db.begin():
        sms = get_or_create_contact(db, runtime.vault, Sender("sms", RELATIVE), now)
        following = FollowSubscription(
            case_id=case_id,
            contact_id=sms.id,
            channel="sms",
            language="es",
            timezone="America/Tegucigalpa",
            quiet_start="21:00",
            quiet_end="08:00",
            reference="AB12",
            pin_checked_at=now,
            created_at=now,
        )
        db.add(following)
        db.flush()
        db.add(CallbackRequest(case_id=case_id, subscription_id=following.id, created_at=now))
        db.add(CallbackRequest(case_id=case_id, created_at=now))  # its subscription ended
    assert "Espera una llamada" in _row(client.get("/dashboard/cases").text, case_id)
    page = client.get(f"/dashboard/cases/{case_id}").text
    assert "Un familiar pidió que le llamen · 2026-03-16 11:00" in page
    assert f'<a href="tel:{RELATIVE}">{RELATIVE}</a> · SMS' in page
    assert "Espera una llamada" in _row(client.get("/dashboard/cases").text, case_id)
    done = client.post(
        f"/dashboard/cases/{case_id}/called",
        data={"who": "called_relative", "csrf": csrf_of(page)},
    )
    assert "Se llamó al familiar que lo pidió" in done.text
    assert 'id="call-relative"' not in done.text
    with runtime.sessions() as db:
        assert set(db.scalars(select(CallbackRequest.handled_at))) == {NOW}
    assert "Espera una llamada" not in _row(client.get("/dashboard/cases").text, case_id)


def test_the_next_step_is_a_form_that_moves_the_case_on(world: World) -> None:
    runtime, s, client, _ = world
    case_id = s.cases["tab"]
    page = client.get(f"/dashboard/cases/{case_id}").text
    assert 'id="next-assign"' in page and "Me lo asigno" in page
    me = page.split('name="staff_id" value="')[1].split('"')[0]
    taken = client.post(
        f"/dashboard/cases/{case_id}/assign", data={"staff_id": me, "csrf": csrf_of(page)}
    )
    assert f'<strong id="assignee">{CASEWORKER}' in taken.text
    assert 'id="next-intake"' in taken.text and "Empezar la revisión" in taken.text
    reviewed = client.post(
        f"/dashboard/cases/{case_id}/events", data={"status": "in_review", "csrf": csrf_of(page)}
    )
    assert "Marcar como verificado" in reviewed.text
    verified = client.post(
        f"/dashboard/cases/{case_id}/events", data={"status": "verified", "csrf": csrf_of(page)}
    )
    assert 'id="next-event"' in verified.text and 'id="next-intake"' not in verified.text
    with runtime.sessions() as db:
        assert db.get(Case, case_id).status == "verified"  # type: ignore[union-attr]


def test_an_urgent_report_nobody_attends_comes_first_in_the_next_step(world: World) -> None:
    runtime, _, client, _ = world
    set_destinations(runtime, "la-72", sms=["+5219341112233"])
    case_id = file_and_alert(runtime, {"incident_state": "MX-TAB"}, when=runtime.clock())
    page = client.get(f"/dashboard/cases/{case_id}").text
    assert 'id="next-attend"' in page and 'id="next-assign"' not in page
    attended = client.post(f"/dashboard/cases/{case_id}/acknowledge", data={"csrf": csrf_of(page)})
    assert "Usted atiende este reporte urgente" in attended.text
    assert 'id="next-attend"' not in attended.text and 'id="next-assign"' in attended.text


def test_a_refresh_is_audited_only_when_it_shows_cases_not_shown_before(world: World) -> None:
    runtime, _, client, clock = world
    page = client.get("/dashboard/cases")
    live_url = page.text.split('hx-get="')[1].split('"')[0].replace("&amp;", "&")
    assert _audited(runtime, "inbox.view") == 1
    for _ in range(3):  # what the audited page showed, again and again: no entries
        clock.advance(seconds=20)
        assert client.get(live_url).status_code == 200
    assert _audited(runtime, "inbox.refresh") == 0
    fresh, _ = file_case(runtime, {"incident_state": "MX-CHP"})
    clock.advance(seconds=20)
    assert fresh in client.get(live_url).text
    assert _audited(runtime, "inbox.refresh") == 1
    clock.advance(seconds=20)
    client.get(live_url)
    assert _audited(runtime, "inbox.refresh") == 1
    # Another view of cases the session was already shown: quiet too.
    client.get(live_url.replace("live?", "live?view=urgent&"))
    assert _audited(runtime, "inbox.refresh") == 1
    with runtime.sessions() as db:
        detail = db.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == "inbox.refresh")
        ).first()
        assert detail is not None and '"shown":1' in detail
        assert audit.verify(db, runtime.vault).ok


def test_a_phone_call_reporter_is_a_tap_away_and_times_are_local(world: World) -> None:
    runtime, _, client, _ = world
    case_id, _ = file_case(runtime, TOLD_BY_CALL)
    page = client.get(f"/dashboard/cases/{case_id}").text
    assert '<a href="tel:+529611234567">+529611234567</a>' in page
    assert "Prefiere contarlo a una persona: todavía no lo ha contado." in page
    assert "Pidió que le llamen por teléfono, no que le escriban" in page  # not "anónimo"
    done = client.post(
        f"/dashboard/cases/{case_id}/called",
        data={"who": "called_reporter", "csrf": csrf_of(page)},
    ).text
    assert "registrado 2026-03-16 11:00" in done  # 17:00 UTC on Mexico City's clock
    assert "Lo contó por teléfono: la nota de la llamada está en el historial." in done


def test_the_team_page_names_states_and_token_permissions(world: World) -> None:
    _, s, client, _ = world
    admin = "admin@la-72.example.org"
    login(client, admin, s.secrets[admin])
    page = client.get("/dashboard/staff").text
    assert "ISO 3166-2" not in page
    assert "> cases:read" not in page and "· cases:read" not in page
    assert 'value="MX-TAB" checked> Tabasco' in page and 'value="MX-VER"> Veracruz' in page
    assert "Leer los casos" in page and "Leer las estadísticas" in page
    saved = client.post(
        "/dashboard/settings",
        data={"states": ["MX-TAB", "MX-VER"], "csrf": csrf_of(page)},
    ).text
    assert 'value="MX-VER" checked> Veracruz' in saved
    assert 'value="MX-CHP"> Chiapas' in saved


@pytest.mark.parametrize("role", ["analyst", "auditor", "admin"])
def test_only_caseworkers_mark_a_call_made(world: World, role: str) -> None:
    runtime, s, client, _ = world
    case_id, _ = file_case(runtime, TOLD_BY_CALL)
    email = f"{role}@la-72.example.org"
    login(client, email, s.secrets[email])
    page = client.get("/dashboard/account").text
    refused = client.post(
        f"/dashboard/cases/{case_id}/called",
        data={"who": "called_reporter", "csrf": csrf_of(page)},
        follow_redirects=False,
    )
    assert refused.status_code == 403
    with runtime.sessions() as db:
        assert db.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id)).all() == []
        outcome = db.scalars(
            select(AuditEntry.outcome).where(AuditEntry.action == "case.called")
        ).one()
        assert outcome != "ok"


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(who=st.text(max_size=20), note=st.text(max_size=300))
def test_any_call_form_gets_an_answer_not_an_error(world: World, who: str, note: str) -> None:
    _, s, client, _ = world
    case_id = s.cases["tab"]
    page = client.get(f"/dashboard/cases/{case_id}").text
    answer = client.post(
        f"/dashboard/cases/{case_id}/called",
        data={"who": who, "note": note, "csrf": csrf_of(page)},
        follow_redirects=False,
    )
    assert answer.status_code in (303, 422), answer.status_code
    if answer.status_code == 303:
        assert answer.headers["location"].startswith(f"/dashboard/cases/{case_id}?")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(states=st.lists(st.text(max_size=12), max_size=5))
def test_any_coverage_form_gets_an_answer_not_an_error(world: World, states: list[str]) -> None:
    _, s, client, _ = world
    admin = "admin@la-72.example.org"
    if "Equipo" not in client.get("/dashboard/account").text:
        login(client, admin, s.secrets[admin])
    page = client.get("/dashboard/staff").text
    answer = client.post(
        "/dashboard/settings",
        data={"states": states, "csrf": csrf_of(page)},
        follow_redirects=False,
    )
    assert answer.status_code in (303, 422), answer.status_code
