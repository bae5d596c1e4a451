"""The alert settings page and the "Lo atiendo" button in headless Chromium, against a real
`camino serve`: they work, pass axe-core, and do not scroll sideways on a 390 px phone."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from tests.support.alerting import file_and_alert, make_fallback
from tests.support.backends import CHROMIUM, skip_or_fail
from tests.support.browser.chat import axe_violations
from tests.support.browser.dashboard import ConsoleWatch, horizontal_overflow, shot, sign_in, submit
from tests.support.dashboard_helpers import PASSWORD, Seeded, seeded_database
from tests.support.factories import camino_env
from tests.support.server import running_server

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@dataclass
class World:
    base: str
    seeded: Seeded
    case_id: str

    def email(self, role: str) -> str:
        return self.seeded.staff[("la-72", role)]

    def secret(self, role: str) -> str:
        return self.seeded.secrets[self.email(role)]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    if not CHROMIUM.is_file():
        skip_or_fail(f"Chromium not found at {CHROMIUM}")
    workdir = tmp_path_factory.mktemp("alerts")
    with seeded_database(workdir) as (url, runtime, seeded):
        make_fallback(runtime, "la-72")  # its admin is the network's admin
        case_id = file_and_alert(
            runtime, {"incident_state": "MX-TAB"}, when=runtime.clock() - timedelta(minutes=7)
        )
    env = {
        **camino_env(url, workdir),
        "CAMINO_OUTBOX_ENABLED": "false",
        "CAMINO_SCHEDULER_ENABLED": "false",
        "CAMINO_LOGIN_FAILURE_DELAY": "0",
        "TELEGRAM_BOT_TOKEN": "",
    }
    with running_server(env, workdir) as base:
        yield World(base, seeded, case_id)


def check_page(browser: Any, page: Any) -> None:
    """axe-core (in a context of its own that lets its script in: CSP stays on in the one
    under test) and no sideways scrolling on a phone, for the page's address."""
    context = browser.new_context(
        bypass_csp=True,
        viewport=PHONE,
        locale="es-MX",
        storage_state=page.context.storage_state(),
    )
    checked = context.new_page()
    checked.goto(page.url)
    assert axe_violations(checked) == []
    assert horizontal_overflow(checked) == []
    context.close()


def test_admin_sets_where_alerts_go(world: World, browser: Any) -> None:
    context = browser.new_context(locale="es-MX")
    page = context.new_page()
    watch = ConsoleWatch(page)
    sign_in(page, world.base, world.email("admin"), PASSWORD, world.secret("admin"))
    page.goto(f"{world.base}/dashboard/alerts")
    assert "No hay destinos" in page.inner_text("#destinations")
    page.fill("#al-sms", "+5219341112233")
    page.fill("#al-telegram", "-1001234567890")
    submit(page, "#destinations button[type=submit]")
    shown = page.inner_text("ul.destinations")
    assert "sms ···33" in shown and "telegram ···90" in shown
    page.fill("#al-hours", "24")
    page.fill("#al-line", "+529341234567")
    page.check("input[name=alert_every_report]")
    submit(page, "#response button[type=submit]")
    assert page.input_value("#al-hours") == "24"
    assert page.is_checked("input[name=alert_every_report]")
    assert page.locator("#al-fallback option:checked").inner_text() == "LA-72"
    shot(page, "alerts-settings")
    check_page(browser, page)
    assert watch.csp == [] and watch.errors == [], (watch.csp, watch.errors)
    context.close()


def test_caseworker_attends_the_waiting_urgent_report(world: World, browser: Any) -> None:
    context = browser.new_context(locale="es-MX")
    page = context.new_page()
    watch = ConsoleWatch(page)
    sign_in(page, world.base, world.email("caseworker"), PASSWORD, world.secret("caseworker"))
    page.goto(f"{world.base}/dashboard/cases")
    waiting = page.locator("section.waiting")
    assert "espera 7 min" in waiting.inner_text()
    shot(page, "alerts-inbox-waiting")
    check_page(browser, page)
    with page.expect_navigation():
        waiting.locator("a").first.click()
    assert page.url.endswith(world.case_id)
    button = page.locator("#attend")
    assert button.is_visible() and button.inner_text() == "Lo atiendo"
    shot(page, "alerts-case-attend")
    check_page(browser, page)
    submit(page, "#attend")
    assert "Usted atiende este reporte urgente" in page.inner_text("p.done")
    assert page.locator("#attend").count() == 0
    assert "Reporte urgente atendido" in page.inner_text("ol.timeline")
    page.goto(f"{world.base}/dashboard/cases")
    assert page.locator("section.waiting").count() == 0
    assert watch.csp == [] and watch.errors == [], (watch.csp, watch.errors)
    context.close()
