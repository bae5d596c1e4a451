"""Calls and the next step in headless Chromium, against a real `camino serve`.

On a phone (390x844) a caseworker opens the inbox's "Piden llamada" view, taps the number of a
reporter who preferred to tell it to a person, and marks the call made with a note: it goes to
the timeline and the case leaves the view. At 1366x768 the next step sits beside the reporter's
words, above the fold, and moves a new case on with one button at a time (take it, start the
review, verify it). Each page is saved as a screenshot under test-output/, checked with
axe-core, and must not scroll sideways.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.store.models import CallbackRequest
from tests.support.backends import CHROMIUM, skip_or_fail
from tests.support.browser.chat import SCREENSHOTS, axe_violations
from tests.support.browser.dashboard import ConsoleWatch, horizontal_overflow, shot, sign_in, submit
from tests.support.dashboard_helpers import PASSWORD, Seeded, SignsIn, file_case, seeded_database
from tests.support.factories import camino_env
from tests.support.server import running_server

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
NUMBER = "+529341112233"
NOTE = "Contó que la policía le quitó el dinero; quiere denunciar."


@dataclass
class World(SignsIn):
    base: str
    seeded: Seeded
    call_case: str
    new_case: str
    # The caseworker's signed-in browser state: a TOTP code is accepted once, so the second
    # test goes on in the first one's session.
    signed_in: Any = None


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    if not CHROMIUM.is_file():
        skip_or_fail(f"Chromium not found at {CHROMIUM}")
    workdir = tmp_path_factory.mktemp("calls")
    with seeded_database(workdir) as (url, runtime, seeded):
        call_case, _ = file_case(
            runtime,
            {
                "incident_state": "MX-TAB",
                "crime_types": ["extortion"],
                "description": {"person": True},
                "wants_contact": True,
                "contact_channel": "phone_call",
                "contact_phone": NUMBER,
                "contact_hours": "morning",
            },
        )
        new_case, _ = file_case(
            runtime,
            {"incident_state": "MX-TAB", "description": "Nos asaltaron en el camino a Tenosique."},
        )
        with runtime.sessions() as db, db.begin():  # a relative asked too, on the first case
            db.add(CallbackRequest(case_id=call_case, created_at=runtime.clock()))
    env = {
        **camino_env(url, workdir),
        "TELEGRAM_BOT_TOKEN": "",
        "CAMINO_SCHEDULER_ENABLED": "false",
        "CAMINO_LOGIN_FAILURE_DELAY": "0",
    }
    with running_server(env, workdir) as base:
        yield World(base, seeded, call_case, new_case)


def caseworker_page(world: World, browser: Any, viewport: dict[str, int]) -> Any:
    """A page of the caseworker's signed-in session at this size (signing in the first time)."""
    context = browser.new_context(viewport=viewport, locale="es-MX", storage_state=world.signed_in)
    page = context.new_page()
    if world.signed_in is None:
        sign_in(page, world.base, world.email, PASSWORD, world.secret)
        world.signed_in = context.storage_state()
    return page


def checked(browser: Any, page: Any, viewport: dict[str, int], name: str) -> None:
    """axe-core (in a context that lets its script in) and no sideways scrolling; a screenshot."""
    context = browser.new_context(
        bypass_csp=True,
        viewport=viewport,
        locale="es-MX",
        storage_state=page.context.storage_state(),
    )
    other = context.new_page()
    other.goto(page.url)
    assert horizontal_overflow(other) == [], name
    assert axe_violations(other) == [], name
    context.close()
    shot(page, name)


def test_a_caseworker_on_a_phone_calls_and_marks_the_call_made(world: World, browser: Any) -> None:
    page = caseworker_page(world, browser, PHONE)
    watch = ConsoleWatch(page)
    page.goto(f"{world.base}/dashboard/cases")
    with page.expect_navigation():
        page.click("nav.views >> text=Piden llamada")
    row = page.locator("table.inbox tbody tr", has_text=world.call_case[:8].upper())
    assert "Espera una llamada" in row.inner_text()
    labels = row.evaluate(
        "tr => [...tr.querySelectorAll('td')].map(td => getComputedStyle(td, '::before').content)"
    )
    assert '"Asignado a: "' in labels and '"Lugar: "' in labels  # what each value is, on a phone
    checked(browser, page, PHONE, "calls-inbox-phone")
    with page.expect_navigation():
        row.locator("a").first.click()

    # The number is a link the phone can call; the call is marked made with a note.
    tel = page.locator(f'dl.reach a[href="tel:{NUMBER}"]')
    assert tel.is_visible()
    assert "prefiere contarlo a una persona" in page.locator("#call-reporter").inner_text()
    checked(browser, page, PHONE, "calls-case-phone")
    page.fill("#call-reporter-note", NOTE)
    button = page.locator("#call-reporter button")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    submit(page, "#call-reporter button")
    assert page.locator("p.done").inner_text() == "Llamada registrada en el historial."
    timeline = page.locator("ol.timeline").inner_text()
    assert "Se habló por teléfono con quien reportó" in timeline and NOTE in timeline
    # The relative is still waiting: their call is its own.
    assert page.locator("#call-reporter").count() == 0
    submit(page, "#call-relative button")
    assert "Se llamó al familiar que lo pidió" in page.locator("ol.timeline").inner_text()
    shot(page, "calls-case-called-phone")
    page.goto(f"{world.base}/dashboard/cases?view=callback")
    assert "Piden llamada 0" in page.locator("nav.views").inner_text()
    assert page.locator("table.inbox").count() == 0
    assert watch.csp == [] and watch.errors == [], (watch.csp, watch.errors)
    page.context.close()


def test_the_next_step_is_beside_the_words_and_moves_the_case_on(
    world: World, browser: Any
) -> None:
    page = caseworker_page(world, browser, LAPTOP)
    watch = ConsoleWatch(page)
    page.goto(f"{world.base}/dashboard/cases/{world.new_case}")
    take = page.locator("#next-assign button")
    box = take.bounding_box()
    assert box is not None and box["y"] + box["height"] <= LAPTOP["height"], box
    checked(browser, page, LAPTOP, "next-step-take")
    submit(page, "#next-assign button")
    assert page.locator("#assignee").inner_text() == world.email
    submit(page, "#next-intake button")
    assert page.locator("#next-intake button").inner_text() == "Marcar como verificado"
    submit(page, "#next-intake button")
    assert page.locator("#next-event").is_visible()
    page.screenshot(path=str(_first_screen("next-step-event")))
    assert watch.csp == [] and watch.errors == [], (watch.csp, watch.errors)
    page.context.close()


def _first_screen(name: str) -> Path:
    """Where a screenshot of the first screen only goes."""
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS / f"dashboard-{name}.png"
