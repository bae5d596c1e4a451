"""The statistics page and the public open data page in headless Chromium, against a real
`camino serve` with `CAMINO_OPEN_DATA=true`.

An analyst reads the statistics: the two-way tables, the funnel with its percentages and the
map of Mexico drawn (every state filled: shaded, or hatched when hidden), the map's table
beside it. A visitor with no account reads /datos in each language, with the map, and the
browser keeps no cookie. Each page is saved as a screenshot under test-output/ (at 1366x768 and
on a phone), checked with axe-core, and must not scroll sideways.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.support.backends import CHROMIUM, skip_or_fail
from tests.support.browser.chat import axe_violations
from tests.support.browser.dashboard import ConsoleWatch, horizontal_overflow, shot, sign_in
from tests.support.dashboard_helpers import PASSWORD, Seeded, SignsIn, file_case, seeded_database
from tests.support.factories import camino_env
from tests.support.server import running_server

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
# Enough cases that some states, crimes and funnel stages are published.
CASES = [
    ("MX-TAB", "Tenosique, Tabasco", 14),
    ("MX-CHP", "En un retén cerca de Huixtla, Chiapas", 12),
    ("MX-VER", "Coatzacoalcos", 3),
    ("MX-TAM", "Reynosa, Tamaulipas", 3),
]
MAP_REPORT = """() => [...document.querySelectorAll('#state-map path.state')].map(p => ({
  id: p.id, fill: getComputedStyle(p).fill, count: p.dataset.count,
  box: p.getBBox().width * p.getBBox().height
}))"""


@dataclass
class World(SignsIn):
    base: str
    seeded: Seeded

    role = "analyst"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    if not CHROMIUM.is_file():
        skip_or_fail(f"Chromium not found at {CHROMIUM}")
    workdir = tmp_path_factory.mktemp("opendata")
    with seeded_database(workdir) as (url, runtime, seeded):
        for state, place, count in CASES:
            for _ in range(count):
                file_case(
                    runtime,
                    {
                        "incident_state": state,
                        "incident_place": place,
                        "crime_types": ["robbery"],
                        "perpetrators": ["gang"],
                        "victim_gender": "woman",
                        "victim_nationality": "HN",
                    },
                )
    env = {
        **camino_env(url, workdir),
        "TELEGRAM_BOT_TOKEN": "",
        "CAMINO_OUTBOX_ENABLED": "false",
        "CAMINO_SCHEDULER_ENABLED": "false",
        "CAMINO_LOGIN_FAILURE_DELAY": "0",
        "CAMINO_OPEN_DATA": "true",
    }
    with running_server(env, workdir) as base:
        yield World(base, seeded)


def check_map(page: Any) -> list[dict[str, Any]]:
    """Every state of the map is drawn and filled: a shade for a published count, the hatch
    for a hidden one."""
    states = page.evaluate(MAP_REPORT)
    assert len(states) == 32, states
    for state in states:
        assert state["box"] > 0, state
        assert state["fill"] not in ("", "none", "rgb(0, 0, 0)"), state
        if state["count"]:
            assert state["fill"].startswith("rgb("), state
        else:
            assert "hatch" in state["fill"], state
    return [s for s in states if s["count"]]


def check_layout(browser: Any, url: str, name: str, storage: Any = None) -> None:
    """No sideways scrolling and no axe violation at 1366x768 and on a phone; screenshots."""
    for viewport, suffix in ((LAPTOP, ""), (PHONE, "-phone")):
        context = browser.new_context(
            bypass_csp=True, viewport=viewport, locale="es-MX", storage_state=storage
        )
        page = context.new_page()
        page.goto(url)
        assert horizontal_overflow(page) == [], (name, viewport)
        shot(page, name + suffix)
        assert axe_violations(page) == [], (name, viewport)
        context.close()


def test_statistics_page_draws_the_map_the_funnel_and_two_way_tables(
    world: World, browser: Any
) -> None:
    context = browser.new_context(viewport=LAPTOP, locale="es-MX")
    page = context.new_page()
    watch = ConsoleWatch(page)
    sign_in(page, world.base, world.email, PASSWORD, world.secret)
    page.goto(f"{world.base}/dashboard/stats")
    shaded = check_map(page)
    # Tabasco is published; Chiapas is hidden with the one case of no state beside it (else
    # the total would give that case away): the map says what the table says.
    assert {s["id"] for s in shaded} == {"map-MX-TAB"}, shaded
    assert page.locator("#state-table tbody tr").count() == 32
    rows = page.locator("#state-table tbody tr").all_inner_texts()
    assert "Chiapas\toculto" in rows and any(r.startswith("Tabasco\t") for r in rows), rows
    assert (page.locator("#map-title").text_content() or "").startswith("Mapa de México")
    # The funnel's stages with their share of the reported cases.
    funnel = page.locator("section[aria-labelledby=h-funnel] table").inner_text()
    assert "(100 %)" in funnel
    assert page.locator("table.twoway").count() >= 4
    assert page.locator("table#state_x_crime_type-cases").count() == 1
    page.locator("#h-map").scroll_into_view_if_needed()
    shot(page, "stats-map")
    # The filters reach the map: only Chiapas's cases, so Tabasco is hatched.
    page.goto(f"{world.base}/dashboard/stats?state=MX-CHP")
    filtered = {s["id"] for s in check_map(page)}
    assert filtered == {"map-MX-CHP"}, filtered
    assert watch.csp == [] and watch.errors == [], (watch.csp, watch.errors)
    check_layout(browser, f"{world.base}/dashboard/stats", "stats-map", context.storage_state())
    context.close()


def test_open_data_page_in_every_language_without_cookies(world: World, browser: Any) -> None:
    context = browser.new_context(viewport=LAPTOP, locale="es-MX")
    page = context.new_page()
    watch = ConsoleWatch(page)
    response = page.goto(f"{world.base}/datos")
    assert response is not None and response.ok
    assert "set-cookie" not in response.headers
    assert {s["id"] for s in check_map(page)} >= {"map-MX-TAB", "map-MX-CHP"}
    shot(page, "datos")
    for lang, heading in (
        ("en", "How to cite these data"),
        ("fr", "Comment citer ces données"),
        ("ht", "Kijan pou site done sa yo"),
    ):
        page.click(f"nav.languages a[hreflang={lang}]")
        page.wait_for_url(f"**/datos?lang={lang}")
        assert page.locator("html").get_attribute("lang") == lang
        assert page.locator("#h-cite").inner_text() == heading
        check_map(page)
    download = page.request.get(f"{world.base}/datos/camino.csv")
    assert download.ok and download.text().startswith("dimension,unit,value,count,suppressed")
    assert context.cookies() == []
    assert watch.csp == [] and watch.errors == [], (watch.csp, watch.errors)
    context.close()
    check_layout(browser, f"{world.base}/datos", "datos")
