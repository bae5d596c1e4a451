"""The shelters' dashboard in headless Chromium, against a real `camino serve` and a fake Telegram.

A reporter files an urgent complaint over Telegram (the real webhook, the fake Bot API). A
caseworker signs in with a password and TOTP, finds the case first in the inbox, opens it,
records a family-visible event and writes to the reporter: the outbox worker inside
`camino serve` delivers the message to the fake Bot API, and the reporter's answer appears in
the thread. An analyst reads the statistics with their charts drawn; an admin sets up TOTP at
the first sign-in; an auditor verifies the chain. A new caseworker must set up TOTP (a QR code
drawn by the app) before anything else; deactivated by an admin, their open session is refused
at its next click and their API token answers 401. Each page is saved as a screenshot under
test-output/, checked with axe-core, and must not scroll sideways on a 390 px phone.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import httpx
import pyotp
import pytest
from PIL import Image

from bot import cases
from bot.privacy import audit
from bot.staff import accounts
from bot.store.models import AuditEntry
from tests.support import telegram_helpers
from tests.support.backends import CHROMIUM, skip_or_fail
from tests.support.browser.chat import axe_violations
from tests.support.browser.dashboard import (
    ConsoleWatch,
    chart_report,
    horizontal_overflow,
    shot,
    sign_in,
    submit,
)
from tests.support.dashboard_helpers import PASSWORD, Seeded, cheap_argon2, file_case, seed
from tests.support.factories import make_runtime
from tests.support.fakes.fake_telegram import FakeTelegram
from tests.support.server import running_server
from tests.support.telegram_helpers import SECRET, replies_sent, run_complaint, telegram_env
from tests.support.waiting import wait_for

pytestmark = pytest.mark.browser

CHAT = 7300001
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
NEW_ADMIN = "nueva-admin@la-72.example.org"
NEW_CASEWORKER = "nuevo-caso@la-72.example.org"
ACCOUNT = "Nos bajaron del tren y nos tienen encerrados"
PLACE = "Cerca de las vías en Tenosique"
EVENT_NOTE = "Denuncia presentada ante la Fiscalía de Tabasco"
TALKBACK = "Hola Ana, somos del albergue La 72. ¿Está en un lugar seguro?"
REPLY = "Sí, gracias, estoy en el albergue"
# An urgent complaint (in danger now) in Tabasco, from a victim who agrees to be written to
# in this same chat: buttons by position, text where typed.
URGENT_IN_TABASCO: list[tuple[str, str]] = [
    ("menu", "1"),
    ("consent_store", "1"),
    ("danger_now", "1"),
    ("danger_state", "Tabasco"),
    ("happening_now", "Nos tienen encerrados en una bodega"),
    ("contact", "1"),
    ("complete", "1"),
    ("who", "1"),
    ("reporter_where", "Tabasco"),
    ("description", ACCOUNT),
    ("crime_types", "1"),
    ("perpetrators", "1"),
    ("officials_colluded", "2"),
    ("incident_place", PLACE),
    ("incident_date", "15/03"),
    ("victim_nationality", "Honduras"),
    ("victim_gender", "2"),
    ("victim_age_group", "25"),
    ("wants", "1"),
    ("summary", "1"),
]


def daytime_zone(now: datetime) -> str:
    """A fixed-offset zone where it is about 14:00 now, inside the reporter's hours (8 to 21)."""
    offset = (14 - now.hour) % 24
    if offset > 14:
        offset -= 24
    # POSIX signs: Etc/GMT-5 is five hours ahead of UTC.
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"


def photo_with_gps() -> bytes:
    """A JPEG whose EXIF names a camera and a GPS position (the preview must drop both)."""
    image = Image.new("RGB", (64, 48), (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "CanaryCam"
    exif[0x8825] = {1: "N", 2: (17.0, 28.0, 0.0), 3: "W", 4: (91.0, 25.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


@dataclass
class World:
    """The running server, the fake Bot API, the accounts, and what the tests learn."""

    base: str
    fake: FakeTelegram
    seeded: Seeded
    database_url: str
    workdir: Path
    case_id: str = ""
    logins: dict[str, Any] = field(default_factory=dict)  # role -> Playwright storage state

    def email(self, role: str) -> str:
        return self.seeded.staff[("la-72", role)]

    def secret(self, role: str) -> str:
        return self.seeded.secrets[self.email(role)]

    def deliver(self, update: dict[str, Any]) -> None:
        response = self.fake.post(f"{self.base}/webhooks/telegram", update, SECRET)
        assert response.status_code == 200, response.text
        wait_for(lambda: replies_sent(self.database_url), "the replies")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Accounts and earlier cases made through the services, then `camino serve` on them."""
    if not CHROMIUM.is_file():
        skip_or_fail(f"Chromium not found at {CHROMIUM}")
    workdir = tmp_path_factory.mktemp("dashboard")
    url = f"sqlite:///{workdir}/camino.db"
    runtime = make_runtime(url, workdir)
    with cheap_argon2():  # the server rehashes with its own parameters at each first sign-in
        seeded = seed(runtime)
        with runtime.sessions() as db, db.begin():
            org = accounts.find_organization(db, "la-72")
            assert org is not None
            for email, role in ((NEW_ADMIN, "admin"), (NEW_CASEWORKER, "caseworker")):
                accounts.create_staff(
                    db,
                    runtime.vault,
                    org=org,
                    email=email,
                    roles=[role],
                    password=PASSWORD,
                    now=runtime.clock(),
                )
    # Enough cases for charts with published bars: ten, a multiple of 5, read 10 whatever
    # the rounding draws (counts under 10 may be hidden).
    for months in range(10):
        file_case(
            runtime,
            {
                "incident_state": "MX-TAB",
                "crime_types": ["robbery"],
                "perpetrators": ["gang"],
                "victim_gender": "woman",
                "victim_nationality": "HN",
                "victim_age_group": "18_29",
            },
            when=runtime.clock() - timedelta(days=30 * months + 1),
        )
    runtime.close()
    with FakeTelegram() as fake:
        env = {
            **telegram_env(url, fake),
            "CAMINO_KEY_FILE": str(workdir / "camino.key"),
            "CAMINO_DEFAULT_TIMEZONE": daytime_zone(datetime.now(UTC)),
            "CAMINO_OUTBOX_POLL_SECONDS": "0.2",
            "CAMINO_SCHEDULER_ENABLED": "false",
            "CAMINO_LOGIN_FAILURE_DELAY": "0",
        }
        with running_server(env, workdir) as base:
            yield World(base, fake, seeded, url, workdir)


def file_urgent_complaint(world: World) -> str:
    """The reporter's whole complaint over the Telegram webhook; returns the case code."""
    with mock.patch.object(telegram_helpers, "JPEG", photo_with_gps()):
        run_complaint(world.fake, world.deliver, URGENT_IN_TABASCO, chat=CHAT, share_location=False)
    texts = [m["text"] for m in world.fake.bot_messages(CHAT) if m.get("text")]
    receipt = next(text for text in texts if "Su código de caso es" in text)
    found = re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", receipt)
    assert found, receipt
    return found.group(0)


def sent_to_reporter(world: World, text: str) -> list[dict[str, Any]]:
    return [
        call.params
        for call in world.fake.calls_to("sendMessage")
        if str(call.params.get("chat_id")) == str(CHAT) and text in str(call.params.get("text"))
    ]


def test_caseworker_finds_the_urgent_case_records_and_talks_back(
    world: World, browser: Any
) -> None:
    code = file_urgent_complaint(world)
    context = browser.new_context(viewport=DESKTOP, locale="es-MX")
    page = context.new_page()
    watch = ConsoleWatch(page)
    page.goto(f"{world.base}/dashboard/login")
    shot(page, "login")
    page.fill("#email", world.email("caseworker"))
    page.fill("#password", PASSWORD)
    submit(page, "main form button[type=submit]")
    assert page.url.endswith("/dashboard/login/totp")
    shot(page, "totp")
    page.fill("#code", pyotp.TOTP(world.secret("caseworker")).now())
    submit(page, "main form button[type=submit]")
    assert page.url == f"{world.base}/dashboard/cases"
    shot(page, "inbox")

    # Urgent first, then newest: the complaint just filed over Telegram heads the inbox.
    first = page.locator("table.inbox tbody tr").first
    assert "urgent" in (first.get_attribute("class") or "")
    assert "Telegram" in first.inner_text() and "Urgente" in first.inner_text()
    with page.expect_navigation():
        first.locator("a").click()
    world.case_id = page.url.rsplit("/", 1)[1]
    page.goto(f"{world.base}/dashboard/cases?code={code.lower()}")
    assert page.url == f"{world.base}/dashboard/cases/{world.case_id}"  # the code finds it too
    assert page.locator("h1 .badge").inner_text() == "Urgente"
    words = " ".join(page.locator("blockquote.words").all_inner_texts())
    assert ACCOUNT in words and "Nos tienen encerrados en una bodega" in words  # on top
    assert "Por este mismo chat" in page.locator("dl.reach").inner_text()  # how to reach them
    grouped = page.locator("section:has(#h-fields)").inner_text()
    assert PLACE in grouped and "Tabasco" in grouped and "{" not in grouped  # plain words

    # The photo's preview is drawn, and it carries no EXIF (no camera, no GPS).
    preview = page.locator("figure img").first
    preview.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('figure img').naturalWidth > 0")
    image = page.request.get(world.base + (preview.get_attribute("src") or ""))
    assert image.ok and b"CanaryCam" not in image.body() and b"Exif" not in image.body()
    shot(page, "case")

    # A mis-click: a conviction as the first justice step. It is shown back for confirmation.
    page.select_option("#event-status", "conviction")
    submit(page, "#event-form button[type=submit]")
    assert page.locator("h1").inner_text() == "Confirme el paso"
    shot(page, "case-confirm")
    submit(page, "#confirm-form button[type=submit]")
    assert page.locator("p.done").inner_text() == "Evento registrado."
    # Corrected by the family-visible denuncia it should have been; both stay in the timeline.
    page.select_option("#event-status", "complaint_filed")
    wrong = page.locator("#event-corrects option", has_text="Sentencia condenatoria")
    page.select_option("#event-corrects", wrong.get_attribute("value") or "")
    page.select_option("#event-kind", "carpeta")
    page.fill("#event-note", EVENT_NOTE)
    page.check("#event-family")
    submit(page, "#event-form button[type=submit]")
    submit(page, "#confirm-form button[type=submit]")
    assert page.locator("p.done").inner_text().startswith("Corrección registrada")
    # And the justice track goes on.
    page.select_option("#event-status", "investigation")
    submit(page, "#event-form button[type=submit]")
    submit(page, "#confirm-form button[type=submit]")
    assert page.locator("p.done").inner_text() == "Evento registrado."
    timeline = page.locator("ol.timeline").inner_text()
    assert EVENT_NOTE in timeline and "Visible para la familia" in timeline
    assert "En investigación" in timeline and "Corregido" in timeline
    assert page.locator("ol.timeline li.superseded del").inner_text() == "Sentencia condenatoria"
    shot(page, "case-event")

    # Talk back: queued, then delivered by the outbox worker inside `camino serve`.
    page.fill("#talk-body", TALKBACK)
    submit(page, "#talk-form button[type=submit]")
    assert page.locator("p.done").inner_text() == "Mensaje en la cola de envío."
    delivered = wait_for(lambda: sent_to_reporter(world, TALKBACK), "the talk-back message")
    assert len(delivered) == 1

    def shown_as_sent() -> bool:
        page.reload()
        return "Enviado" in page.locator("ol.thread li.out").first.inner_text()

    wait_for(shown_as_sent, "the thread to show the message as sent", timeout=10)

    # The reporter answers in the chat: it goes to the thread, not to the bot's flow.
    world.deliver(world.fake.text(CHAT, REPLY))
    ack = world.fake.last_bot_message(CHAT)["text"]
    assert "Una persona del albergue lo va a leer" in ack
    page.reload()
    reply = page.locator("ol.thread li.in").inner_text()
    assert REPLY in reply and "Quien reportó" in reply
    shot(page, "case-talkback")
    assert watch.csp == [] and watch.errors == [], (watch.csp, watch.errors)
    world.logins["caseworker"] = context.storage_state()
    context.close()

    # What the browser did is in the database: the event is shown to families, all audited.
    runtime = make_runtime(world.database_url, world.workdir)
    with runtime.sessions() as db:
        case = cases.find_by_code(db, runtime.vault, code)
        assert case is not None and case.id == world.case_id and case.urgent
        family = cases.timeline(db, runtime.vault, case, family_only=True)
        assert [(e.status, e.note) for e in family] == [("complaint_filed", EVENT_NOTE)]
        actions = {e.action for e in audit.recent(db, org_id=world.seeded.org_ids["la-72"])}
        assert {"login.totp", "inbox.view", "case.view", "case.event", "case.talkback"} <= actions
    runtime.close()


def test_analyst_reads_the_statistics_with_charts_drawn(world: World, browser: Any) -> None:
    context = browser.new_context(viewport=DESKTOP, locale="es-MX")
    page = context.new_page()
    watch = ConsoleWatch(page)
    sign_in(page, world.base, world.email("analyst"), PASSWORD, world.secret("analyst"))
    assert page.url == f"{world.base}/dashboard/stats"
    # Tables with something to publish are drawn; the others say there is not enough data:
    # months (one case each), and states (the reports without a state are a cell of one, and
    # the 12 beside it would give it away). Genders are drawn: the 3 men hide beside the
    # hidden empty cells, which could as well hold them.
    page.wait_for_function(
        "() => window.caminoCharts && window.caminoCharts.length"
        " === document.querySelectorAll('canvas[id^=chart-]').length"
    )
    shot(page, "stats")
    report = {chart["id"]: chart for chart in chart_report(page)}
    assert len(report) >= 6
    for name in ("month", "state", "outcomes"):
        assert f"chart-{name}" not in report
        assert page.locator(f"#h-{name} ~ .not-enough").count() == 1
    # The two-way tables, in cases and in victims, rounded: 10 robberies by gangs read 10.
    crime_by_group = page.locator("table#crime_type_x_perpetrator_group-cases")
    assert crime_by_group.count() == 1
    robbed = crime_by_group.locator("tr", has_text="Robo o asalto").locator("td")
    assert robbed.nth(0).inner_text() == "10"  # by criminals: published beside hidden cells
    assert page.locator("table.twoway").count() >= 2
    page.locator("#h-crosstabs").scroll_into_view_if_needed()
    shot(page, "stats-crosstabs")
    for chart in report.values():
        assert chart["chart"] and chart["width"] > 0 and chart["painted"] > 0, chart
    # Robbery and gangs (10 cases each) and the funnel's first stage are published: bars.
    for name in ("chart-crime_type", "chart-perpetrator", "chart-funnel", "chart-gender"):
        assert report[name]["bars"] > 50, report[name]
    export = page.request.get(f"{world.base}/dashboard/stats/export?format=csv")
    assert export.ok and export.text().startswith("dimension,unit,value,count,suppressed")
    # Each one-way table counts cases and victims side by side; "no sé" is a row of its own.
    robbery = page.locator("table#t-crime_type tr", has_text="Robo")
    assert robbery.locator("td").nth(1).inner_text() == "10"
    assert robbery.locator("td").nth(2).inner_text() == "10"  # one person in each report
    assert page.locator("table#t-crime_type th", has_text="Víctimas").count() == 1
    assert page.locator("table#t-crime_type th", has_text="Casos").count() == 1
    assert page.locator("table#t-crime_type td", has_text="Sin dato").count() == 1
    assert watch.csp == [] and watch.errors == [], (watch.csp, watch.errors)
    world.logins["analyst"] = context.storage_state()
    context.close()


def test_admin_enrols_and_auditor_verifies_the_chain(world: World, browser: Any) -> None:
    context = browser.new_context(viewport=DESKTOP, locale="es-MX")
    page = context.new_page()
    watch = ConsoleWatch(page)
    sign_in(page, world.base, NEW_ADMIN, PASSWORD, None)
    assert page.url == f"{world.base}/dashboard/enrol"  # admins set up TOTP first
    shot(page, "enrol")
    secret = page.locator("#totp-secret").inner_text()
    assert (page.locator("#totp-uri").text_content() or "").startswith("otpauth://totp/")
    page.fill("#code", pyotp.TOTP(secret).now())
    submit(page, "main form button[type=submit]")
    assert page.locator("#recovery-codes li").count() == 10
    submit(page, "text=Continuar")
    assert page.url == f"{world.base}/dashboard/staff"
    shot(page, "staff")
    world.logins["admin"] = context.storage_state()
    assert watch.csp == [] and watch.errors == []
    context.close()

    context = browser.new_context(viewport=DESKTOP, locale="es-MX")
    page = context.new_page()
    watch = ConsoleWatch(page)
    sign_in(page, world.base, world.email("auditor"), PASSWORD, world.secret("auditor"))
    assert page.url == f"{world.base}/dashboard/audit"
    assert "login.totp" in page.locator("table.audit").inner_text()
    shot(page, "audit")
    with page.expect_navigation():
        page.click("text=Verificar la cadena")
    assert "La cadena está íntegra." in page.locator("p.done").inner_text()
    shot(page, "audit-verified")
    assert watch.csp == [] and watch.errors == []
    world.logins["auditor"] = context.storage_state()
    context.close()
    runtime = make_runtime(world.database_url, world.workdir)
    with runtime.sessions() as db:
        assert audit.verify(db, runtime.vault).ok
        assert db.query(AuditEntry).filter(AuditEntry.action == "audit.view").count() >= 1
        assert db.query(AuditEntry).filter(AuditEntry.action == "audit.verify").count() == 1
    runtime.close()


def test_new_caseworker_enrols_first_and_deactivation_ends_their_access(
    world: World, browser: Any
) -> None:
    worker = browser.new_context(viewport=DESKTOP, locale="es-MX")
    page = worker.new_page()
    watch = ConsoleWatch(page)
    sign_in(page, world.base, NEW_CASEWORKER, PASSWORD, None)
    # The first sign-in sets up the second factor before anything else, with a QR code.
    assert page.url == f"{world.base}/dashboard/enrol"
    page.goto(f"{world.base}/dashboard/cases")
    assert page.url == f"{world.base}/dashboard/enrol"
    qr = page.locator("#totp-qr svg")
    box = qr.bounding_box()
    assert qr.is_visible() and box is not None and box["width"] >= 150
    shot(page, "enrol-caseworker-qr")
    secret = page.locator("#totp-secret").inner_text()
    page.fill("#code", pyotp.TOTP(secret).now())
    submit(page, "main form button[type=submit]")
    assert page.locator("#recovery-codes li").count() == 10
    shot(page, "enrol-caseworker-recovery-codes")
    submit(page, "text=Continuar")
    assert page.url == f"{world.base}/dashboard/cases"  # the work a caseworker can do

    admin = browser.new_context(viewport=DESKTOP, locale="es-MX")
    admin_page = admin.new_page()
    sign_in(admin_page, world.base, world.email("admin"), PASSWORD, world.secret("admin"))
    assert admin_page.url == f"{world.base}/dashboard/staff"
    admin_page.fill("#tk-name", "hoja de cálculo")
    admin_page.select_option("#tk-holder", label=NEW_CASEWORKER)
    admin_page.check("input[name=scopes][value='cases:read']")
    submit(admin_page, "text=Crear clave")
    token = admin_page.locator("code", has_text="cmn_").inner_text()
    bearer = {"authorization": f"Bearer {token}"}
    assert httpx.get(f"{world.base}/api/v1/cases", headers=bearer).status_code == 200

    admin_page.goto(f"{world.base}/dashboard/staff")
    row = admin_page.locator("tr", has_text=NEW_CASEWORKER)
    row.locator("summary").click()
    shot(admin_page, "staff-member-actions")
    with admin_page.expect_navigation():
        row.locator("text=Desactivar la cuenta").click()
    assert "Desactivada" in admin_page.locator("tr", has_text=NEW_CASEWORKER).inner_text()
    admin.close()

    # The caseworker's open session is refused at its next click; the token answers 401.
    with page.expect_navigation():
        page.click("header nav >> text=Casos")
    assert page.url.startswith(f"{world.base}/dashboard/login")
    shot(page, "deactivated-caseworker-next-click")
    assert httpx.get(f"{world.base}/api/v1/cases", headers=bearer).status_code == 401
    assert watch.csp == [] and watch.errors == [], (watch.csp, watch.errors)
    worker.close()


# Every kind of dashboard page, by the role that opens it (None: signed out).
PAGES: dict[str | None, list[str]] = {
    None: ["/dashboard/login"],
    "caseworker": [
        "/dashboard/cases",
        "/dashboard/cases/{case}",
        "/dashboard/stats",  # refused: the error page
    ],
    "analyst": ["/dashboard/stats"],
    "auditor": ["/dashboard/audit", "/dashboard/account"],
    # Opening the enrolment page again changes nothing until a code confirms the new secret.
    "admin": ["/dashboard/staff", "/dashboard/enrol"],
}


def check_page(page: Any, name: str) -> dict[str, Any]:
    """Screenshot, axe-core's serious and critical findings, and sideways scrolling."""
    if page.locator("details:not([open]) summary").count():
        page.click("details summary")  # the filters, opened as a person would
    shot(page, name)
    return {"axe": axe_violations(page), "overflow": horizontal_overflow(page)}


def test_pages_pass_axe_and_fit_a_phone(world: World, browser: Any) -> None:
    if not world.case_id or len(world.logins) < 4:
        pytest.skip("needs the sign-ins of the tests above")
    found: dict[str, Any] = {}
    for role, paths in PAGES.items():
        # Bypassing CSP lets axe-core's script in; only this test's contexts do that.
        context = browser.new_context(
            bypass_csp=True,
            viewport=PHONE,
            locale="es-MX",
            storage_state=world.logins[role] if role else None,
        )
        page = context.new_page()
        for path in paths:
            page.goto(world.base + path.format(case=world.case_id))
            if path == "/dashboard/stats" and role == "analyst":
                page.wait_for_function("() => window.caminoCharts && window.caminoCharts.length")
            name = f"phone-{role or 'anonymous'}" + re.sub(r"\W+", "-", path).rstrip("-")
            found[name] = check_page(page, name)
        context.close()
    # The TOTP page needs a session half-way through sign-in.
    context = browser.new_context(bypass_csp=True, viewport=PHONE, locale="es-MX")
    page = context.new_page()
    page.goto(f"{world.base}/dashboard/login")
    page.fill("#email", world.email("analyst"))
    page.fill("#password", PASSWORD)
    submit(page, "main form button[type=submit]")
    found["phone-totp"] = check_page(page, "phone-totp")
    context.close()
    problems = {name: got for name, got in found.items() if got["axe"] or got["overflow"]}
    assert problems == {}, problems
    assert httpx.get(f"{world.base}/healthz").status_code == 200
