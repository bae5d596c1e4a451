"""The caseworker's workday: inbox views and counts, assignees and what is new, the live
region that refreshes itself, the case page that opens with the reporter's words, and the
talk-back thread that says when each message goes out and who wrote it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from bot.app.runtime import Runtime
from bot.conversation.messages import InboundEvent
from bot.core.clock import FrozenClock
from bot.dashboard.casepage import human_size
from bot.dashboard.routes.inbox import seen_since, shown_count
from bot.staff.access import COUNT_CAP
from bot.store.contacts import Sender, get_or_create_contact
from bot.store.models import CallbackRequest, OutboxMessage, Staff, StaffSession
from tests.support.dashboard_helpers import (
    Seeded,
    dashboard_world,
    file_case,
    login,
)
from tests.support.pages import csrf_of

pytestmark = pytest.mark.usefixtures("cheap_hashing")
# 23:00 in Mexico City (UTC-6).
NIGHT = datetime(2026, 3, 16, 5, 0, tzinfo=UTC)
CASEWORKER = "caseworker@la-72.example.org"

World = tuple[Runtime, Seeded, TestClient, FrozenClock]


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[World]:
    clock = FrozenClock(NIGHT)
    with dashboard_world(database_url, tmp_path, clock=clock) as (runtime, seeded, client):
        login(client, CASEWORKER, seeded.secrets[CASEWORKER])
        yield runtime, seeded, client, clock


def _staff_id(runtime: Runtime, email: str) -> str:
    with runtime.sessions() as db:
        return db.scalars(select(Staff.id).where(Staff.email == email)).one()


def _views(html: str) -> str:
    return html.split('class="views"')[1].split("</nav>")[0]


def test_inbox_rows_views_counts_and_assignment(world: World) -> None:
    runtime, s, client, _ = world
    page = client.get("/dashboard/cases")
    assert page.status_code == 200
    row = page.text.split("<tbody>")[1].split("</tr>")[0]
    urgent = s.cases["tab_urgent"]
    assert urgent[:8].upper() in row and "Urgente" in row and "hace 3 d" in row
    assert "Secuestro" in row and "Tabasco" in row and "Sin asignar" in row
    assert "2026-03-12 23:00" in row  # received, on the organization's clock
    views = _views(page.text)
    # la-72 sees the Tabasco and Chiapas cases: 3, one urgent, none assigned or waiting.
    assert 'Míos <span class="count">0</span>' in views
    assert 'Sin asignar <span class="count">3</span>' in views
    assert 'Urgentes <span class="count">1</span>' in views
    assert 'Esperan respuesta <span class="count">0</span>' in views
    me = _staff_id(runtime, CASEWORKER)
    assigned = client.post(
        f"/dashboard/cases/{s.cases['tab']}/assign",
        data={"staff_id": me, "csrf": csrf_of(page.text)},
    )
    assert assigned.status_code == 200 and f'<strong id="assignee">{CASEWORKER}' in assigned.text
    mine = client.get("/dashboard/cases?view=mine")
    assert s.cases["tab"] in mine.text and urgent not in mine.text.split("<tbody>")[1]
    assert 'aria-current="page">Míos <span class="count">1</span>' in _views(mine.text)
    unassigned = client.get("/dashboard/cases?view=unassigned").text.split("<tbody>")[1]
    assert s.cases["tab"] not in unassigned and urgent in unassigned
    urgent_only = client.get("/dashboard/cases?view=urgent").text.split("<tbody>")[1]
    assert urgent in urgent_only and s.cases["tab"] not in urgent_only
    # An unknown view is no view; the filters keep the view they were chosen in.
    assert s.cases["tab"] in client.get("/dashboard/cases?view=nope").text
    filtered = client.get("/dashboard/cases?view=mine&crime_type=kidnapping")
    assert 'name="view" value="mine"' in filtered.text
    assert "No hay casos en esta vista." in filtered.text


def test_live_region_says_what_arrived_and_keeps_no_session_awake(world: World) -> None:
    runtime, _, client, clock = world
    page = client.get("/dashboard/cases")
    live_url = page.text.split('hx-get="')[1].split('"')[0].replace("&amp;", "&")
    assert live_url.startswith("/dashboard/cases/live?") and 'hx-trigger="every 20s"' in page.text
    assert '<script src="/dashboard/static/htmx.min.js"></script>' in page.text
    assert client.get("/dashboard/static/htmx.min.js").status_code == 200
    quiet = client.get(live_url)
    assert quiet.status_code == 200 and "<html" not in quiet.text
    assert 'id="inbox-live"' in quiet.text and "Reportes nuevos" not in quiet.text
    clock.advance(minutes=4)
    fresh, _ = file_case(runtime, {"incident_state": "MX-CHP", "crime_types": ["robbery"]})
    arrived = client.get(live_url).text
    assert "Reportes nuevos desde que abrió esta página: 1" in arrived
    row = next(r for r in arrived.split("<tr") if fresh in r)
    assert "Nuevo" in row and "hace 0 min" in row
    # Polling is not the person's activity: the session's idle clock does not move.
    with runtime.sessions() as db:
        before = db.scalars(select(StaffSession.last_seen_at)).one()
    clock.advance(minutes=5)
    client.get(live_url)
    with runtime.sessions() as db:
        assert db.scalars(select(StaffSession.last_seen_at)).one() == before
    client.cookies.clear()
    refused = client.get(live_url, follow_redirects=False)
    assert refused.status_code == 303 and refused.headers["location"] == "/dashboard/login"


def test_case_page_starts_with_the_reporters_words(world: World) -> None:
    runtime, _, client, _ = world
    case_id, _ = file_case(
        runtime,
        {
            "incident_state": "MX-TAB",
            "description": "Nos bajaron del tren y pidieron dinero.",
            "wants_complaint": True,
            "wants_contact": True,
            "contact_channel": "phone_call",
            "contact_hours": "any",
            "contact_phone": "+529611234567",
        },
    )
    text = client.get(f"/dashboard/cases/{case_id}").text
    words = text.index("Nos bajaron del tren")
    assert words < text.index("Quiere presentar una denuncia.") < text.index("+529611234567")
    assert text.index("+529611234567") < text.index('id="h-evidence"') < text.index('id="h-fields"')
    assert "A cualquier hora" in text and "Asignado a" in text and "Siguiente paso" in text
    for group in ("Los hechos", "Las víctimas", "Quien reporta"):
        assert f"<h3>{group}</h3>" in text
    # Humane empty states: a sentence, not a numbered list item.
    assert '<p class="muted">Todavía no se ha registrado ningún paso.</p>' in text
    assert "<li>Todavía no" not in text


def test_thread_says_when_a_message_goes_out_and_marks_new_replies(world: World) -> None:
    runtime, _, client, clock = world
    night = Sender("telegram", "555001")
    morning = Sender("telegram", "555002")
    with runtime.sessions() as db, db.begin():
        contacts = [
            get_or_create_contact(db, runtime.vault, who, NIGHT).id for who in (night, morning)
        ]
    wanted = {"incident_state": "MX-TAB", "wants_contact": True, "contact_channel": "this_chat"}
    anytime, _ = file_case(runtime, {**wanted, "contact_hours": "any"}, contact_id=contacts[0])
    mornings, _ = file_case(runtime, {**wanted, "contact_hours": "morning"}, contact_id=contacts[1])
    page = client.get(f"/dashboard/cases/{anytime}")
    for case_id in (anytime, mornings):
        client.post(
            f"/dashboard/cases/{case_id}/messages",
            data={"body": "Hola, somos del albergue", "csrf": csrf_of(page.text)},
        )
    now_thread = client.get(f"/dashboard/cases/{anytime}").text
    assert '<span class="delivery">En cola</span>' in now_thread  # due now, at 23:00
    later = client.get(f"/dashboard/cases/{mornings}").text
    assert '<span class="delivery">En cola hasta 2026-03-16 08:00</span>' in later
    with runtime.sessions() as db, db.begin():  # the provider refused the one due now
        row = db.scalars(select(OutboxMessage).where(OutboxMessage.kind == "talkback")).first()
        assert row is not None
        row.status = "failed"
    assert (
        '<span class="delivery">No se pudo enviar</span>'
        in client.get(f"/dashboard/cases/{anytime}").text
    )
    waiting = client.get("/dashboard/cases?view=waiting").text
    assert 'Esperan respuesta <span class="count">2</span>' in _views(waiting)
    # The reporter answers: the case is new to the caseworker until they open it.
    clock.advance(minutes=2)
    runtime.conversations.handle(night, InboundEvent(text="Gracias, estoy bien"))
    inbox = client.get("/dashboard/cases").text
    row = next(r for r in inbox.split("<tr") if anytime in r)
    assert "Mensaje de quien reportó" in row
    assert anytime not in client.get("/dashboard/cases?view=waiting").text.split("<tbody>")[1]
    clock.advance(minutes=1)
    client.get(f"/dashboard/cases/{anytime}")
    row = next(r for r in client.get("/dashboard/cases").text.split("<tr") if anytime in r)
    assert "Mensaje de quien reportó" not in row


@given(st.integers(min_value=0, max_value=2**50))
def test_sizes_read_as_people_say_them(size: int) -> None:
    shown = human_size(size)
    number, unit = shown.split(" ")
    assert unit in ("B", "KB", "MB", "GB")
    assert float(number) < 1024 or unit == "GB"
    assert human_size(15096) == "15 KB" and human_size(512) == "512 B"
    assert human_size(1_500_000) == "1.4 MB"


def test_counts_stop_at_the_cap() -> None:
    assert shown_count(None) is None and shown_count(0) == "0" and shown_count(999) == "999"
    assert shown_count(COUNT_CAP) == "1000+"


@given(st.text(max_size=40))
def test_the_live_regions_seen_time_is_never_after_now(text: str) -> None:
    now = datetime(2026, 3, 16, tzinfo=UTC)
    assert seen_since(text, now) <= now
    assert seen_since((now - timedelta(hours=1)).isoformat(), now) == now - timedelta(hours=1)


def test_a_relatives_call_back_request_stays_marked_until_the_call_is_made(world: World) -> None:
    runtime, s, client, clock = world
    case_id = s.cases["tab"]
    with runtime.sessions() as db, db.begin():
        db.add(CallbackRequest(case_id=case_id, created_at=runtime.clock()))
    row = next(r for r in client.get("/dashboard/cases").text.split("<tr") if case_id in r)
    assert "Espera una llamada" in row
    clock.advance(minutes=1)
    page = client.get(f"/dashboard/cases/{case_id}").text
    assert "Un familiar pidió que le llamen · 2026-03-15 23:00" in page
    row = next(r for r in client.get("/dashboard/cases").text.split("<tr") if case_id in r)
    assert "Espera una llamada" in row  # opened is not called (see test_calls_and_next)
