"""The case page shows what the intake now records: victims by group, minors flagged, several
nationalities, a date at its precision, and the words sent with a piece of evidence."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import webhook
from bot import cases
from bot.app.runtime import Runtime
from bot.conversation.messages import Media
from bot.store.models import Case
from tests.support.dashboard_helpers import FAST_SETTINGS, Seeded, file_case, login, seed
from tests.support.factories import make_runtime

pytestmark = pytest.mark.usefixtures("cheap_hashing")


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Runtime, Seeded, TestClient]]:
    runtime = make_runtime(
        f"sqlite:///{tmp_path}/d.db",
        tmp_path,
        CAMINO_OUTBOX_ENABLED="false",
        CAMINO_SCHEDULER_ENABLED="false",
        **FAST_SETTINGS,
    )
    seeded = seed(runtime)
    with TestClient(webhook.create_app(runtime)) as client:
        yield runtime, seeded, client
    runtime.close()


def test_the_case_page_shows_victims_minors_dates_and_notes(
    world: tuple[Runtime, Seeded, TestClient],
) -> None:
    runtime, seeded, client = world
    case_id, _ = file_case(
        runtime,
        {
            "who": "witness",
            "reporter_role": "witness",
            "incident_state": "MX-TAB",
            "victim_count": 3,
            "victim_groups": {"women": 2, "men": None, "children": 1},
            "victim_nationality": "HN",
            "victim_nationalities": {"HN": 2, "GT": 1},
            "incident_date": {"precision": "week", "value": "2026-11-07"},
        },
    )
    with runtime.sessions() as db, db.begin():
        case = db.get(Case, case_id)
        assert case is not None
        photo = Media("image/jpeg", b"\xff\xd8\xff" + b"x" * 10)
        cases.attach_evidence(
            db, runtime.vault, case, now=runtime.clock(), media=photo, note="Así quedó mi mochila"
        )
    email = seeded.staff[("la-72", "caseworker")]
    login(client, email, seeded.secrets[email])
    page = client.get(f"/dashboard/cases/{case_id}").text
    assert "Mujeres: 2, Hombres: —, Niñas y niños: 1" in page
    assert "Menores de edad" in page  # flagged beside the case's title
    assert "Honduras (2), Guatemala (1)" in page
    assert "hacia el 7 de noviembre de 2026, aprox." in page
    assert "Escribió con la prueba" in page and "Así quedó mi mochila" in page
    inbox = client.get("/dashboard").text
    assert "Menores de edad" in inbox
