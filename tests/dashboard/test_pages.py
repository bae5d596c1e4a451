"""The dashboard: sign-in with TOTP and lockout, inbox, case page, talk back, statistics.

Every test runs on SQLite and on PostgreSQL, with Argon2 at its lowest cost and no delay after
a failed sign-in (both only here: the product keeps its defaults).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select

import webhook
from bot import cases
from bot.app.runtime import Runtime
from bot.conversation.messages import InboundEvent, Media
from bot.staff.second_factor import totp_secret
from bot.stats.tables import Filters, raw_counts
from bot.store.contacts import Sender, get_or_create_contact
from bot.store.models import AuditEntry, Case, OutboxMessage, Staff, TalkbackMessage
from tests.support.dashboard_helpers import (
    PASSWORD,
    Seeded,
    dashboard_world,
    file_case,
    login,
)
from tests.support.factories import make_runtime
from tests.support.pages import csrf_of

pytestmark = pytest.mark.usefixtures("cheap_hashing")


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[tuple[Runtime, Seeded, TestClient]]:
    with dashboard_world(database_url, tmp_path) as world:
        yield world


def _caseworker(client: TestClient, s: Seeded, org: str = "la-72") -> None:
    email = s.staff[(org, "caseworker")]
    login(client, email, s.secrets[email])


def test_login_needs_password_and_totp_and_locks(world) -> None:  # type: ignore[no-untyped-def]
    runtime, s, client = world
    email = s.staff[("la-72", "caseworker")]
    page = client.get("/dashboard/login")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    bad = client.post(
        "/dashboard/login",
        data={"email": email, "password": "wrong password!", "csrf": csrf_of(page.text)},
    )
    assert bad.status_code == 401
    no_csrf = client.post(
        "/dashboard/login", data={"email": email, "password": PASSWORD}, follow_redirects=False
    )
    assert no_csrf.status_code == 303 and no_csrf.headers["location"] == "/dashboard/login"
    ok = client.post(
        "/dashboard/login",
        data={"email": email, "password": PASSWORD, "csrf": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert ok.headers["location"] == "/dashboard/login/totp"
    cookie = ok.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert client.get("/dashboard/cases", follow_redirects=False).status_code == 303  # no TOTP yet
    page = client.get("/dashboard/login")
    for _ in range(4):
        client.post(
            "/dashboard/login",
            data={"email": email, "password": "nope nope nope", "csrf": csrf_of(page.text)},
        )
    locked = client.post(
        "/dashboard/login", data={"email": email, "password": PASSWORD, "csrf": csrf_of(page.text)}
    )
    # Locked: the same answer as a wrong password or an unknown email (nothing to enumerate).
    assert locked.status_code == 401 and "hay que esperar unos minutos" in locked.text
    without_csrf = lambda html: re.sub(r'name="csrf" value="\w+"', "", html)  # noqa: E731
    assert without_csrf(locked.text) == without_csrf(bad.text)
    with runtime.sessions() as db:
        outcomes = list(
            db.scalars(select(AuditEntry.outcome).where(AuditEntry.action == "login.password"))
        )
    assert outcomes.count("failure") == 6 and outcomes.count("success") == 1


def _enrol_form(html: str) -> tuple[str, dict[str, str]]:
    """The secret shown on the enrolment page and the form's hidden fields."""
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', html)
    pending = re.search(r'name="pending" value="([^"]+)"', html)
    assert secret and pending
    return secret.group(1), {"csrf": csrf_of(html), "pending": pending.group(1)}


def test_admin_must_enrol_totp(database_url: str, tmp_path: Path) -> None:
    runtime = make_runtime(database_url, tmp_path, CAMINO_SCHEDULER_ENABLED="false")
    from bot.staff.demo import load_demo

    with runtime.sessions() as db, db.begin():
        result = load_demo(db, runtime.vault, runtime.clock())
    assert result.admin_password

    def password_step(client: TestClient) -> str:
        page = client.get("/dashboard/login")
        response = client.post(
            "/dashboard/login",
            data={
                "email": result.admin_email,
                "password": result.admin_password,
                "csrf": csrf_of(page.text),
            },
            follow_redirects=False,
        )
        return str(response.headers["location"])

    with TestClient(webhook.create_app(runtime)) as client:
        assert password_step(client) == "/dashboard/enrol"
        assert client.get("/dashboard/staff", follow_redirects=False).status_code == 303
        secret, fields = _enrol_form(client.get("/dashboard/enrol").text)
        wrong = client.post("/dashboard/enrol", data={**fields, "code": "000000"})
        # A wrong code shows the same secret again (it is already in the app) with a reason.
        assert wrong.status_code == 400 and "no es correcto" in wrong.text
        assert _enrol_form(wrong.text)[0] == secret
        done = client.post(
            "/dashboard/enrol",
            data={**fields, "code": pyotp.TOTP(secret).now()},
            follow_redirects=False,
        )
        # Confirmed: ten one-time recovery codes are shown this once.
        assert done.status_code == 200 and done.text.count("<li><code>") == 10
        assert client.get("/dashboard/staff").status_code == 200
        # Opening the enrolment page again and leaving keeps two-factor sign-in as it was.
        other_secret, other_fields = _enrol_form(client.get("/dashboard/enrol").text)
        assert other_secret != secret
        with runtime.sessions() as db:
            staff = db.scalars(select(Staff).where(Staff.email == result.admin_email)).one()
            assert staff.totp_confirmed and totp_secret(runtime.vault, staff) == secret
        forged = client.post(
            "/dashboard/enrol", data={**other_fields, "pending": "AAAA", "code": "123456"}
        )
        assert forged.status_code == 200 and "/dashboard/enrol" in str(forged.url)
        with runtime.sessions() as db:
            staff = db.scalars(select(Staff).where(Staff.email == result.admin_email)).one()
            assert totp_secret(runtime.vault, staff) == secret
    with TestClient(webhook.create_app(runtime)) as again:
        assert password_step(again) == "/dashboard/login/totp"
    runtime.close()


def test_inbox_urgent_first_pages_and_code_search(world) -> None:  # type: ignore[no-untyped-def]
    runtime, s, client = world
    for _ in range(55):
        file_case(runtime, {"incident_state": "MX-CHP", "crime_types": ["robbery"]})
    _caseworker(client, s)
    first = client.get("/dashboard/cases")
    assert first.status_code == 200
    rows = first.text.split("<tbody>")[1]
    assert rows.index(s.cases["tab_urgent"]) < rows.index("/dashboard/cases/") + 40  # urgent first
    assert s.cases["son"] not in first.text
    next_url = first.text.split('class="button" href="')[1].split('"')[0].replace("&amp;", "&")
    second = client.get(next_url)
    ids = lambda html: set(html.split("/dashboard/cases/")[1:])  # noqa: E731
    assert second.status_code == 200 and not (ids(first.text) & ids(second.text))
    filtered = client.get("/dashboard/cases?crime_type=kidnapping")
    assert s.cases["tab_urgent"] in filtered.text and s.cases["tab"] not in filtered.text
    found = client.get(f"/dashboard/cases?code={s.codes['tab'].lower()}", follow_redirects=False)
    assert found.headers["location"] == f"/dashboard/cases/{s.cases['tab']}"
    other = client.get(f"/dashboard/cases?code={s.codes['son']}")
    assert "Ningún caso" in other.text


def test_case_page_event_note_and_referral(world) -> None:  # type: ignore[no-untyped-def]
    runtime, s, client = world
    _caseworker(client, s)
    case_id = s.cases["tab_urgent"]
    page = client.get(f"/dashboard/cases/{case_id}")
    assert page.status_code == 200 and "Nombre Secreto" in page.text and "Secuestro" in page.text
    csrf = csrf_of(page.text)
    added = client.post(
        f"/dashboard/cases/{case_id}/events",
        data={
            "status": "complaint_filed",
            "note": "carpeta abierta",
            "family_visible": "1",
            "csrf": csrf,
        },
    )
    # A family-visible justice step is shown back first; nothing is recorded yet.
    assert added.status_code == 200 and 'id="confirm-form"' in added.text
    confirmed = client.post(
        f"/dashboard/cases/{case_id}/events",
        data={
            "status": "complaint_filed",
            "note": "carpeta abierta",
            "family_visible": "1",
            "confirm": "1",
            "csrf": csrf,
        },
    )
    assert confirmed.status_code == 200 and "carpeta abierta" in confirmed.text
    client.post(
        f"/dashboard/cases/{case_id}/events",
        data={"status": "judicialized", "confirm": "1", "csrf": csrf},
    )
    backwards = client.post(
        f"/dashboard/cases/{case_id}/events",
        data={"status": "investigation", "confirm": "1", "csrf": csrf},
        follow_redirects=False,
    )
    assert backwards.headers["location"].endswith("error=event")
    forged = client.post(f"/dashboard/cases/{case_id}/notes", data={"body": "x", "csrf": "0"})
    assert forged.status_code == 400
    client.post(f"/dashboard/cases/{case_id}/notes", data={"body": "nota interna", "csrf": csrf})
    with runtime.sessions() as db:
        case = cases.find_by_code(db, runtime.vault, s.codes["tab_urgent"])
        assert case is not None
        visible = cases.timeline(db, runtime.vault, case, family_only=True)
        assert [e.status for e in visible] == ["complaint_filed"]
    assert "nota interna" in client.get(f"/dashboard/cases/{case_id}").text
    # Kino (Sonora) cannot see it until La 72 refers it.
    kino = TestClient(client.app)
    _caseworker(kino, s, "kino")
    assert kino.get(f"/dashboard/cases/{case_id}").status_code == 404
    client.post(f"/dashboard/cases/{case_id}/refer", data={"organization": "kino", "csrf": csrf})
    assert kino.get(f"/dashboard/cases/{case_id}").status_code == 200


def test_evidence_preview_strips_exif(world) -> None:  # type: ignore[no-untyped-def]
    runtime, s, client = world
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    exif[0x8825] = {2: (19.0, 25.0, 0.0)}  # GPS latitude
    raw = io.BytesIO()
    image.save(raw, format="JPEG", exif=exif)
    with runtime.sessions() as db, db.begin():
        case = cases.find_by_code(db, runtime.vault, s.codes["tab"])
        assert case is not None
        evidence = cases.attach_evidence(
            db,
            runtime.vault,
            case,
            now=runtime.clock(),
            media=Media("image/jpeg", raw.getvalue(), "a.jpg"),
        )
        evidence_id = evidence.id
    _caseworker(client, s)
    preview = client.get(f"/dashboard/cases/{s.cases['tab']}/evidence/{evidence_id}/preview")
    assert preview.status_code == 200 and b"CameraMaker" not in preview.content
    assert not Image.open(io.BytesIO(preview.content)).getexif()
    original = client.get(f"/dashboard/cases/{s.cases['tab']}/evidence/{evidence_id}/original")
    assert original.content == raw.getvalue()
    assert "Foto · image/jpeg" in client.get(f"/dashboard/cases/{s.cases['tab']}").text


def test_case_page_says_everything_in_plain_words(world) -> None:  # type: ignore[no-untyped-def]
    runtime, s, client = world
    typed, _ = file_case(
        runtime, {"incident_state": "MX-TAB", "incident_place": {"text": "Junto a la vía"}}
    )
    shared, _ = file_case(
        runtime, {"incident_state": "MX-TAB", "incident_place": {"lat": 17.47, "lon": -91.42}}
    )
    _caseworker(client, s)
    page = client.get(f"/dashboard/cases/{typed}").text
    assert "Junto a la vía" in page and "&#39;text&#39;" not in page
    assert "<dd>Telegram</dd>" in page and "<dd>Español</dd>" in page
    assert "Ubicación compartida: 17.47, -91.42" in client.get(f"/dashboard/cases/{shared}").text
    inbox = client.get("/dashboard/cases").text
    assert "Telegram · Español" in inbox and "telegram · es" not in inbox
    english = client.post(
        "/dashboard/account/language", data={"language": "en", "csrf": csrf_of(page)}
    )
    assert english.status_code == 200 and "Cases" in english.text
    assert "Shared location: 17.47, -91.42" in client.get(f"/dashboard/cases/{shared}").text
    refused = client.get("/dashboard/stats")  # not a caseworker's page: refused in English
    assert refused.status_code == 403 and "Your account may not see this page." in refused.text
    # Staff may read the dashboard in every language Camino speaks.
    for language, heading in (("fr", "Dossiers"), ("ht", "Dosye yo")):
        chosen = client.post(
            "/dashboard/account/language", data={"language": language, "csrf": csrf_of(page)}
        )
        assert chosen.status_code == 200 and heading in chosen.text, language
        assert f'<option value="{language}" selected>' in chosen.text


def test_talkback_queues_and_reply_bypasses_the_flow(world) -> None:  # type: ignore[no-untyped-def]
    runtime, s, client = world
    sender = Sender("telegram", "555123")
    with runtime.sessions() as db, db.begin():
        contact = get_or_create_contact(db, runtime.vault, sender, runtime.clock())
        contact_id = contact.id
    consenting, _ = file_case(
        runtime,
        {
            "incident_state": "MX-TAB",
            "wants_contact": True,
            "contact_channel": "this_chat",
            "contact_hours": "any",
        },
        contact_id=contact_id,
    )
    silent, _ = file_case(
        runtime, {"incident_state": "MX-TAB", "wants_contact": False}, contact_id=contact_id
    )
    _caseworker(client, s)
    page = client.get(f"/dashboard/cases/{silent}")
    refused = client.post(
        f"/dashboard/cases/{silent}/messages",
        data={"body": "hola", "csrf": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert refused.headers["location"].endswith("error=no_consent")
    sent = client.post(
        f"/dashboard/cases/{consenting}/messages",
        data={"body": "Hola, somos del albergue", "csrf": csrf_of(page.text)},
    )
    assert sent.status_code == 200
    with runtime.sessions() as db:
        queued = db.scalars(select(OutboxMessage).where(OutboxMessage.kind == "talkback")).all()
        assert len(queued) == 1 and queued[0].contact_id == contact_id
    reply = runtime.conversations.handle(sender, InboundEvent(text="Gracias, estoy bien"))
    assert reply is not None and "albergue" in reply.messages[0].text
    menu = runtime.conversations.handle(sender, InboundEvent(text="menu"))
    assert menu is not None and "albergue lo va a leer" not in menu.messages[0].text
    with runtime.sessions() as db:
        assert db.scalars(select(TalkbackMessage).where(TalkbackMessage.direction == "in")).all()
    thread = client.get(f"/dashboard/cases/{consenting}")
    assert "Gracias, estoy bien" in thread.text
    # Who wrote and where the message is, in plain words (the outbox is off here: queued).
    assert "Quien reportó ·" in thread.text
    assert '<span class="delivery">En cola</span>' in thread.text
    client.post(f"/dashboard/cases/{consenting}/thread/close", data={"csrf": csrf_of(page.text)})
    after = runtime.conversations.handle(sender, InboundEvent(text="hola otra vez"))
    assert after is not None and "albergue lo va a leer" not in after.messages[0].text


def test_stats_page_and_exports(world) -> None:  # type: ignore[no-untyped-def]
    runtime, s, client = world
    for _ in range(8):
        file_case(
            runtime,
            {"incident_state": "MX-TAB", "crime_types": ["robbery"], "perpetrators": ["gang"]},
        )
    email = s.staff[("la-72", "analyst")]
    login(client, email, s.secrets[email])
    page = client.get("/dashboard/stats")
    assert page.status_code == 200 and "chart.umd.min.js" in page.text
    assert client.get("/dashboard/static/chart.umd.min.js").status_code == 200
    data = client.get("/dashboard/stats/export?format=json").json()
    assert "suppressed" in data["note"]
    for row in data["rows"]:  # hidden, or rounded to base 5 from 10 up
        assert row["count"] is None or (row["count"] >= 10 and row["count"] % 5 == 0)
    robbery = [r for r in data["rows"] if r["value"] == "robbery"]
    with runtime.sessions() as db:
        counts, _ = raw_counts(db, select(Case), Filters(), "crime_type")
    assert robbery[0]["count"] in (None, 10, 15) and robbery[0]["unit"] == "cases"
    assert robbery[0]["count"] is None or abs(robbery[0]["count"] - counts["robbery"]) <= 4
    assert {r["unit"] for r in data["rows"]} == {"cases", "victims"}
    assert {"gender_x_crime_type", "funnel"} <= {r["dimension"] for r in data["rows"]}
    # The funnel's first stage, as a share of the reported.
    assert re.search(r"\d+ \(100 %\)", page.text)
    assert ">Víctimas</th>" in page.text
    csv_text = client.get("/dashboard/stats/export?format=csv").text
    assert csv_text.startswith("dimension,unit,value,count,suppressed") and "note," in csv_text
