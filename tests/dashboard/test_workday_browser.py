"""A caseworker's workday in headless Chromium, against a real `camino serve` and the fake
Twilio, at 23:00 on the organization's clock.

The caseworker keeps the inbox open; a reporter files a complaint by SMS and it appears in the
inbox without a reload (htmx refreshes the list). The case page shows the reporter's own words
above the fold at 1366x768. The reporter chose to be written to "a cualquier hora" (any hour):
the caseworker's message leaves at once, at 23:00, and the thread says it was sent, then, on
Twilio's status callback, delivered. Each page is
saved as a screenshot under test-output/, checked with axe-core, and must not scroll sideways
on a 390 px phone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from bot.store.db import make_engine
from tests.support.backends import CHROMIUM, skip_or_fail
from tests.support.browser.chat import SCREENSHOTS, axe_violations
from tests.support.browser.dashboard import ConsoleWatch, horizontal_overflow, shot, sign_in, submit
from tests.support.complaint_script import VICTIM_IN_MEXICO
from tests.support.dashboard_helpers import PASSWORD, Seeded, SignsIn, seeded_url
from tests.support.factories import camino_env
from tests.support.fakes.fake_twilio import FakeTwilio, Phone, sign
from tests.support.server import running_server
from tests.support.twilio_helpers import ACCOUNT_SID, AUTH_TOKEN, twilio_values
from tests.support.waiting import wait_for

pytestmark = pytest.mark.browser

PUBLIC = "http://camino.test"  # what Twilio signs for; the browser talks to the server itself
SMS_NUMBER = "+5215550001111"
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
WORDS = "Nos bajaron del tren en Tenosique y nos pidieron dinero para dejarnos ir"
TALKBACK = "Buenas noches, somos del albergue La 72. ¿Está en un lugar seguro?"
# A victim in Tabasco (la-72's state) who may be reached at any hour.
CHANGED = {
    "incident_state": "Tabasco",
    "description": WORDS,
    "contact": "1",  # this same chat, at any hour
}
SMS_SCRIPT = [
    ("start", "Hola"),
    *(
        (step, CHANGED.get(step, answer))
        for step, answer in VICTIM_IN_MEXICO
        if step not in ("contact_phone", "reporter_name", "contact_hours")  # for calls only
    ),
]


def night_zone(now: datetime) -> str:
    """A fixed-offset zone where it is 23:00 (to the hour) now."""
    offset = (23 - now.hour) % 24
    if offset > 14:
        offset -= 24
    # POSIX signs: Etc/GMT-5 is five hours ahead of UTC.
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"


@dataclass
class World(SignsIn):
    base: str
    fake: FakeTwilio
    phone: Phone
    seeded: Seeded
    url: str


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    if not CHROMIUM.is_file():
        skip_or_fail(f"Chromium not found at {CHROMIUM}")
    workdir = tmp_path_factory.mktemp("workday")
    url, seeded = seeded_url(workdir)
    with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as fake:
        env = {
            **camino_env(url, workdir),
            "CAMINO_PUBLIC_URL": PUBLIC,
            **twilio_values(fake, sms_from=SMS_NUMBER),
            "TELEGRAM_BOT_TOKEN": "",
            "CAMINO_DEFAULT_TIMEZONE": night_zone(datetime.now(UTC)),
            "CAMINO_OUTBOX_POLL_SECONDS": "0.2",
            "CAMINO_SCHEDULER_ENABLED": "false",
            "CAMINO_LOGIN_FAILURE_DELAY": "0",
        }
        with (
            running_server(env, workdir) as base,
            httpx.Client(base_url=base, timeout=30) as client,
        ):
            phone = Phone(client, fake, public_url=PUBLIC, sender="+5219341234567", to=SMS_NUMBER)
            yield World(base, fake, phone, seeded, url)


def check_page(browser: Any, page: Any, name: str) -> None:
    """axe-core at 1366x768 and on a phone (in contexts that let its script in: CSP stays on in
    the one under test), no sideways scrolling on either, and a phone screenshot."""
    for viewport, suffix in ((LAPTOP, ""), (PHONE, "-phone")):
        context = browser.new_context(
            bypass_csp=True,
            viewport=viewport,
            locale="es-MX",
            storage_state=page.context.storage_state(),
        )
        checked = context.new_page()
        checked.goto(page.url)
        assert horizontal_overflow(checked) == [], (name, viewport)
        if suffix:
            shot(checked, name + suffix)
        assert axe_violations(checked) == [], (name, viewport)
        context.close()


def check_filters(browser: Any, page: Any) -> None:
    """The filters, open, on a phone: each label right above its own field, nothing sideways."""
    context = browser.new_context(
        bypass_csp=True, viewport=PHONE, locale="es-MX", storage_state=page.context.storage_state()
    )
    phone = context.new_page()
    phone.goto(f"{page.url.split('?')[0]}?crime_type=robbery")
    pairs = phone.evaluate(
        """() => [...document.querySelectorAll('form.filters .field')].map(field => {
          const label = field.querySelector('label');
          const control = field.querySelector('input, select');
          if (!label || !control) { return null; }
          const l = label.getBoundingClientRect(), c = control.getBoundingClientRect();
          return {for: label.htmlFor === control.id, above: l.bottom <= c.top + 1,
                  left: Math.abs(l.left - c.left) < 2};
        }).filter(Boolean)"""
    )
    assert len(pairs) == 8 and all(p["for"] and p["above"] and p["left"] for p in pairs), pairs
    assert horizontal_overflow(phone) == []
    assert axe_violations(phone) == []
    shot(phone, "workday-filters-phone")
    context.close()


def test_sms_report_arrives_words_first_and_talk_back_at_23(world: World, browser: Any) -> None:
    context = browser.new_context(viewport=LAPTOP, locale="es-MX")
    page = context.new_page()
    watch = ConsoleWatch(page)
    sign_in(page, world.base, world.email, PASSWORD, world.secret)
    assert page.url == f"{world.base}/dashboard/cases"
    page.evaluate("() => { window.caminoSameDocument = true; }")
    assert "Reportes nuevos" not in page.locator("#inbox-live .arrivals").inner_text()
    shot(page, "workday-inbox-before")

    # A complaint by SMS while the inbox is open: it appears without a reload.
    for _step, answer in SMS_SCRIPT:
        assert world.phone.send(answer).status == 200
    # The reporter chose "Por este chat, a cualquier hora" in the intake itself.
    with make_engine(world.url).begin() as connection:
        sms = text("SELECT contact_hours FROM cases WHERE channel = 'sms'")
        hours = connection.execute(sms).scalars().all()
    assert hours == ["any"]
    page.wait_for_function(
        "() => document.querySelector('#inbox-live .arrivals').innerText"
        ".includes('Reportes nuevos desde que abrió esta página: 1')",
        timeout=45_000,
    )
    assert page.evaluate("() => window.caminoSameDocument === true")  # no reload happened
    first = page.locator("table.inbox tbody tr", has_text="SMS").first
    row = first.inner_text()
    assert "Nuevo" in row and "Sin asignar" in row and "Tabasco" in row and "hace 0 min" in row
    views = page.locator("nav.views").inner_text()
    assert "Sin asignar" in views
    shot(page, "workday-inbox-arrived")
    check_page(browser, page, "workday-inbox")
    check_filters(browser, page)

    # The case page: the reporter's words above the fold at 1366x768.
    with page.expect_navigation():
        first.locator("a").first.click()
    words = page.locator("blockquote.words").first
    assert WORDS in words.inner_text()
    box = words.bounding_box()
    assert box is not None and box["y"] + box["height"] <= LAPTOP["height"], box
    assert page.locator("#assignee").inner_text() == "Sin asignar"
    assert "A cualquier hora" in page.locator("dl.reach").inner_text()
    page.screenshot(path=str(shot_path("workday-case-fold")))  # the first screen only
    shot(page, "workday-case")
    check_page(browser, page, "workday-case")

    # Talk back at 23:00 to a reporter who chose any hour: it goes out now.
    page.fill("#talk-body", TALKBACK)
    submit(page, "#talk-form button[type=submit]")
    sent = wait_for(
        lambda: [m for m in world.fake.sent() if TALKBACK in str(m.get("body"))], "the SMS"
    )
    assert len(sent) == 1

    def shown_as_sent() -> bool:
        page.reload()
        return "Enviado" in page.locator("ol.thread li.out").first.inner_text()

    wait_for(shown_as_sent, "the thread to show the message as sent", timeout=15)
    line = page.locator("ol.thread li.out .muted").first.inner_text()
    # 23:xx, or 00:xx when the run crossed the hour since the zone was chosen: night either way.
    assert re.search(r" (23|00):\d\d", line) and "En cola" not in line, line
    # Twilio says it was delivered (its signed status callback): the thread says so.
    status = {"MessageSid": sent[0]["sid"], "MessageStatus": "delivered", "AccountSid": ACCOUNT_SID}
    signature = sign(AUTH_TOKEN, f"{PUBLIC}/webhooks/twilio/status", status)
    answered = world.phone.client.post(
        "/webhooks/twilio/status", data=status, headers={"X-Twilio-Signature": signature}
    )
    assert answered.status_code == 200
    page.reload()
    assert "Entregado" in page.locator("ol.thread li.out .delivery").first.inner_text()
    shot(page, "workday-case-talkback")
    assert watch.csp == [] and watch.errors == [], (watch.csp, watch.errors)
    context.close()


def shot_path(name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS / f"dashboard-{name}.png"
