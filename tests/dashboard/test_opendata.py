"""The public open data page /datos, the map, and the municipality of a case."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.app.runtime import Runtime
from bot.core.config import SettingsError, load_settings
from bot.store.models import AuditEntry, Case
from tests.support.dashboard_helpers import (
    Seeded,
    dashboard_world,
    file_case,
    login,
)
from tests.support.pages import csrf_of

pytestmark = pytest.mark.usefixtures("cheap_hashing")
TABASCO = {"incident_state": "MX-TAB", "crime_types": ["robbery"], "perpetrators": ["gang"]}


def make_world(
    database_url: str, tmp_path: Path, **settings: str
) -> Iterator[tuple[Runtime, Seeded, TestClient]]:
    with dashboard_world(database_url, tmp_path, **settings) as world:
        yield world


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[tuple[Runtime, Seeded, TestClient]]:
    yield from make_world(database_url, tmp_path)


@pytest.fixture
def open_world(database_url: str, tmp_path: Path) -> Iterator[tuple[Runtime, Seeded, TestClient]]:
    yield from make_world(
        database_url, tmp_path, CAMINO_OPEN_DATA="true", CAMINO_OPEN_DATA_PER_MINUTE="12"
    )


def drawn(page: str, state: str) -> tuple[str, str]:
    """A state's fill and published count on the map."""
    found = re.search(
        rf'id="map-{state}" class="state" d="[^"]*" fill="([^"]*)"[^>]*data-count="([^"]*)"', page
    )
    assert found is not None
    return found.group(1), found.group(2)


def audit_entries(runtime: Runtime) -> int:
    with runtime.sessions() as db:
        return int(db.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def test_open_data_is_off_by_default(world) -> None:  # type: ignore[no-untyped-def]
    _, _, client = world
    for path in ("/datos", "/datos/camino.csv", "/datos/csv/state.csv"):
        assert client.get(path).status_code == 404


def test_open_data_page(open_world) -> None:  # type: ignore[no-untyped-def]
    runtime, _, client = open_world
    for _ in range(12):
        file_case(runtime, {**TABASCO, "incident_place": "Tenosique, Tabasco"})
    for _ in range(2):  # small, and beside Sonora's: hidden together
        file_case(
            runtime, {**TABASCO, "incident_state": "MX-VER", "incident_place": "Coatzacoalcos"}
        )
    file_case(runtime, {**TABASCO, "victim_nationality": "ER"})  # the only one from Eritrea
    before = audit_entries(runtime)
    page = client.get("/datos")
    assert page.status_code == 200
    assert "set-cookie" not in page.headers
    assert "public" in page.headers["cache-control"] and "max-age=" in page.headers["cache-control"]
    assert "default-src 'self'" in page.headers["content-security-policy"]
    text = page.text
    assert 'id="state-map"' in text and 'id="map-MX-TAB"' in text
    # Tabasco's cases are rounded and shaded; a state with few or no cases is hatched.
    tabasco = drawn(text, "MX-TAB")
    assert tabasco[1] and int(tabasco[1]) % 5 == 0 and tabasco[0].startswith("#")
    assert drawn(text, "MX-SON") == ("url(#hatch)", "")
    assert drawn(text, "MX-YUC") == ("url(#hatch)", "")
    assert "Tenosique, Tabasco (27017)" in text  # the municipality's row
    # A hidden municipality is not even named: that would say something was reported there.
    assert "Coatzacoalcos" not in text and "30039" not in text
    assert "Eritrea" not in text
    assert "múltiplo de 5" in text and 'id="citation"' in text
    # Anonymous requests are not audited.
    assert audit_entries(runtime) == before
    # The figures are cached: a new case does not show until the cache is stale.
    for _ in range(4):
        file_case(runtime, TABASCO)
    assert drawn(client.get("/datos").text, "MX-TAB") == tabasco
    csv_text = client.get("/datos/camino.csv")
    assert csv_text.status_code == 200 and "set-cookie" not in csv_text.headers
    assert csv_text.text.startswith("dimension,unit,value,count,suppressed")
    assert f"state,cases,MX-TAB,{tabasco[1]},no" in csv_text.text
    # 12 cases: drawn to 10 or 15, never hidden.
    assert re.search(r"municipality,cases,27017,1[05],no", csv_text.text)
    assert "30039" not in csv_text.text
    assert "nationality,cases,ER," not in csv_text.text and ",cases,ER|" not in csv_text.text
    assert "nationality,cases,total_cases," in csv_text.text
    one = client.get("/datos/csv/crime_type_x_perpetrator_group-victims.csv")
    assert one.status_code == 200 and "crime_type_x_perpetrator_group,victims," in one.text
    assert client.get("/datos/csv/nothing.csv").status_code == 404


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("es", "Cómo citar estos datos"),
        ("en", "How to cite these data"),
        ("fr", "Comment citer ces données"),
        ("ht", "Kijan pou site done sa yo"),
    ],
)
def test_open_data_in_every_language(open_world, lang: str, words: str) -> None:  # type: ignore[no-untyped-def]
    _, _, client = open_world
    page = client.get(f"/datos?lang={lang}")
    assert page.status_code == 200
    assert f'<html lang="{lang}">' in page.text and words in page.text
    assert 'aria-current="page">' in page.text


def test_open_data_is_rate_limited(open_world) -> None:  # type: ignore[no-untyped-def]
    _, _, client = open_world
    answers = [client.get("/datos/csv/state.csv") for _ in range(13)]
    assert [a.status_code for a in answers[:12]] == [200] * 12
    refused = answers[12]
    assert refused.status_code == 429 and refused.headers["retry-after"] == "60"
    assert "Espere un minuto" in refused.text
    assert "Wait a minute" in client.get("/datos?lang=en").text


def test_municipality_from_the_place_and_corrected_by_staff(world) -> None:  # type: ignore[no-untyped-def]
    runtime, s, client = world
    case_id, _ = file_case(
        runtime,
        {
            "incident_state": "MX-CHP",
            # As the conversation stores a typed place.
            "incident_place": {"text": "En un retén cerca de Huixtla, Chiapas"},
            "crime_types": ["extortion"],
            "perpetrators": ["police"],
        },
    )
    with runtime.sessions() as db:
        case = db.get(Case, case_id)
        assert case is not None and case.incident_municipality == "07040"
    email = s.staff[("la-72", "caseworker")]
    login(client, email, s.secrets[email])
    page = client.get(f"/dashboard/cases/{case_id}")
    assert "Huixtla (07040)" in page.text
    token = csrf_of(page.text)
    wrong = client.post(
        f"/dashboard/cases/{case_id}/municipality",
        data={"csrf": token, "municipality": "28032"},  # Reynosa is not in Chiapas
        follow_redirects=False,
    )
    assert wrong.status_code == 303 and "error=municipality" in wrong.headers["location"]
    right = client.post(
        f"/dashboard/cases/{case_id}/municipality",
        data={"csrf": token, "municipality": "07089"},
        follow_redirects=False,
    )
    assert "done=municipality" in right.headers["location"]
    assert "Tapachula (07089)" in client.get(f"/dashboard/cases/{case_id}").text
    with runtime.sessions() as db:
        case = db.get(Case, case_id)
        assert case is not None and case.municipality_by_staff


def test_any_typed_municipality_gets_an_answer_never_an_error(world) -> None:  # type: ignore[no-untyped-def]
    runtime, s, client = world
    case_id, _ = file_case(runtime, {**TABASCO, "incident_place": "Tenosique"})
    email = s.staff[("la-72", "caseworker")]
    login(client, email, s.secrets[email])
    token = csrf_of(client.get(f"/dashboard/cases/{case_id}").text)

    @settings(
        max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(st.text(max_size=12) | st.sampled_from(["27017", "07040", "99999", " 27004 "]))
    def post(typed: str) -> None:
        answer = client.post(
            f"/dashboard/cases/{case_id}/municipality",
            data={"csrf": token, "municipality": typed},
            follow_redirects=False,
        )
        assert answer.status_code in (303, 422), answer.status_code
        if answer.status_code == 303:
            with runtime.sessions() as db:
                case = db.get(Case, case_id)
                assert case is not None
                found = case.incident_municipality
            assert found is None or found.startswith("27")

    post()


def test_the_open_data_setting_is_validated() -> None:
    assert load_settings(CAMINO_OPEN_DATA="true").open_data is True
    assert load_settings().open_data is False
    with pytest.raises(SettingsError, match="CAMINO_OPEN_DATA"):
        load_settings(CAMINO_OPEN_DATA="maybe")
    with pytest.raises(SettingsError, match="CAMINO_OPEN_DATA_PER_MINUTE"):
        load_settings(CAMINO_OPEN_DATA_PER_MINUTE="0")
