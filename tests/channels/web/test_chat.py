"""The web chat in process (TestClient): headers, cookie, CSRF, limits, uploads, quick exit."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.app.runtime import Runtime
from bot.channels.web import transcript
from bot.channels.web.security import COOKIE
from bot.store.db import transaction
from bot.store.models import Case, Contact, Conversation, Evidence, RecentMessage
from tests.support.complaint_script import CANARIES, VICTIM_IN_MEXICO
from tests.support.databases import count_rows
from tests.support.factories import make_runtime
from tests.support.people import MAX_QUESTIONS, PEOPLE, Person
from tests.support.rawscan import scan_sqlite_files
from tests.support.web_chat import PNG, Chat
from webhook import create_app

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'"
)


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    current = make_runtime(
        f"sqlite:///{tmp_path}/camino.db", tmp_path, CAMINO_WEB_RATE_PER_SESSION=1000
    )
    yield current
    current.close()


def file_complaint(chat: Chat) -> str:
    """Answer the whole victim script by typing, as the console would."""
    for step, answer in VICTIM_IN_MEXICO:
        assert chat.step == step, (step, chat.step)
        chat.say(answer)
    return chat.page


# -- headers, cookie, pages -----------------------------------------------------------------


@pytest.mark.parametrize("path", ["/chat", "/weather", "/assets/htmx.min.js", "/assets/chat.css"])
def test_every_response_is_private(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["cache-control"].startswith("no-store")
    assert response.headers["pragma"] == "no-cache"
    assert response.headers["content-security-policy"] == CSP
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "camera=()" in response.headers["permissions-policy"]


def test_session_cookie_is_http_only_strict_and_ends_with_the_browser(client: TestClient) -> None:
    cookie = client.get("/chat").headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    lowered = cookie.lower()
    assert "httponly" in lowered and "samesite=strict" in lowered
    assert "max-age" not in lowered and "expires" not in lowered
    assert "secure" not in lowered  # plain http on localhost


def test_cookie_is_secure_over_https(runtime: Runtime) -> None:
    with TestClient(create_app(runtime), base_url="https://testserver") as client:
        assert "secure" in client.get("/chat").headers["set-cookie"].lower()


def test_root_redirects_to_the_chat(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/chat"


def test_pages_have_no_inline_script_or_style_and_no_outside_resource(client: TestClient) -> None:
    for path in ("/chat", "/weather"):
        html = client.get(path).text
        assert "<style" not in html and " style=" not in html
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
        assert not re.search(r'(src|href|action)="(https?:)?//', html)


def test_language_comes_from_accept_language(client: TestClient) -> None:
    french = client.get("/chat", headers={"accept-language": "fr-CA,fr;q=0.9,en;q=0.5"}).text
    assert '<html lang="fr">' in french
    unknown = client.get("/chat", headers={"accept-language": "de-DE"}).text
    assert '<html lang="es">' in unknown
    assert 'name="step_id" value="language"' in unknown  # the engine asks


def test_page_chrome_is_translated(client: TestClient) -> None:
    english = client.get("/chat", headers={"accept-language": "en"}).text
    assert "Quick exit" in english and "Salida rápida" not in english


# -- a whole report -------------------------------------------------------------------------


def test_full_complaint_shows_the_receipt_and_keeps_nothing_readable(
    client: TestClient, runtime: Runtime, tmp_path: Path
) -> None:
    chat = Chat(client)
    page = file_complaint(chat)
    assert re.search(r"Su código de caso es: [A-Z0-9-]{6,}", page)
    assert "PIN" in page
    assert 'class="kept kind-receipt"' in page  # kept in view, next to the question
    assert set(chat.locations) == {"/chat#now"}  # nothing personal in any URL
    assert count_rows(runtime, Case) == 1
    found = scan_sqlite_files(tmp_path / "camino.db", [*CANARIES, "127.0.0.1", "testclient"])
    assert found == []


def test_the_pin_is_shown_once(client: TestClient) -> None:
    chat = Chat(client)
    page = file_complaint(chat)
    pin = re.search(r"PIN para su familiar: (\d{6})", page)
    assert pin is not None and 'class="kept kind-pin"' in page
    again = chat.get()  # a reload, or someone else at the same computer later
    assert pin.group(1) not in again
    assert "Este PIN se mostró una sola vez." in again
    assert re.search(r"Su código de caso es: [A-Z0-9-]{6,}", again)  # the code stays


def test_under_htmx_too_the_pin_is_drawn_once(client: TestClient) -> None:
    chat = Chat(client)
    for step, answer in VICTIM_IN_MEXICO[:-1]:
        assert chat.step == step
        chat.say(answer)
    headers = {"HX-Request": "true"}
    sent = client.post(
        "/chat", data={"csrf": chat.csrf, "choice": "send", "step_id": "summary"}, headers=headers
    )
    pin = re.search(r"PIN para su familiar: (\d{6})", sent.text)
    assert pin is not None
    csrf = re.search(r'name="csrf" value="([^"]+)"', sent.text)
    assert csrf is not None  # the session's new token came with the receipt
    after = client.post(
        "/chat", data={"csrf": csrf.group(1), "command": "menu"}, headers=headers
    ).text
    assert pin.group(1) not in after and "Este PIN se mostró una sola vez." in after
    assert re.search(r"Su código de caso es: [A-Z0-9-]{6,}", after)


def test_the_page_redraws_the_conversation_from_the_database(client: TestClient) -> None:
    chat = Chat(client)
    chat.press("report")
    chat.press("yes")
    page = chat.get()
    assert page.count('class="msg person') == 2
    assert 'name="step_id" value="danger_now"' in page


def test_htmx_gets_the_chat_region_without_a_redirect(client: TestClient) -> None:
    chat = Chat(client)
    response = client.post(
        "/chat",
        data={"csrf": chat.csrf, "choice": "report", "step_id": "menu", "lang": "es"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith("<title>")  # htmx moves it to the page's head
    assert '<section id="chat" lang="es"' in response.text
    assert "<html" not in response.text
    assert 'name="step_id" value="consent_store"' in response.text


def test_changing_the_language_changes_the_whole_page_under_htmx(client: TestClient) -> None:
    chat = Chat(client)
    headers = {"HX-Request": "true"}
    client.post("/chat", data={"csrf": chat.csrf, "command": "language"}, headers=headers)
    swapped = client.post(
        "/chat", data={"csrf": chat.csrf, "choice": "en", "step_id": "language"}, headers=headers
    ).text
    # The quick exit, the skip link and the footer come along, out of band, in English.
    assert '<header id="top" class="top" hx-swap-oob="true">' in swapped
    assert "Quick exit" in swapped and "Salida rápida" not in swapped
    assert '<footer id="foot" class="foot" hx-swap-oob="true">' in swapped
    assert "never ask you for money" in swapped.split('<footer id="foot"')[1]


def test_the_receipt_stays_next_to_the_question_and_prints_alone(client: TestClient) -> None:
    chat = Chat(client)
    file_complaint(chat)
    page = chat.get()
    box = page.split('<section class="receipt-box"')[1].split("</section>")[0]
    assert re.search(r"Su código de caso es: [A-Z0-9-]{6,}", box)
    assert "data-print hidden>Imprimir o guardar</button>" in box  # shown by the script
    # The receipt comes after the conversation and before the menu's buttons: next to it.
    assert page.index('class="receipt-box"') > page.index('class="log"')
    assert page.index('class="receipt-box"') < page.index('class="options"')
    assert page.count("Su código de caso es:") == 1  # not once more in the conversation
    css = client.get("/assets/chat.css").text
    assert "@media print" in css and ".msg .text" in css


def test_back_and_changing_an_answer_at_the_summary(client: TestClient) -> None:
    chat = Chat(client)
    chat.press("report")
    chat.press("yes")
    assert chat.step == "danger_now"
    chat.post({"command": "back"})
    assert chat.step == "consent_store"
    for step, answer in VICTIM_IN_MEXICO[1:-1]:
        assert chat.step == step
        chat.say(answer)
    assert chat.step == "summary"
    chat.press("change")
    chat.press("place_type")
    chat.press("bus")
    assert chat.step == "summary"
    assert "En un autobús" in chat.page


# -- uploads --------------------------------------------------------------------------------


def reach_evidence(chat: Chat) -> None:
    """Up to the account: files are kept at any question, and it is asked again."""
    for step, answer in VICTIM_IN_MEXICO:
        if step == "description":
            return
        chat.say(answer)


def test_a_photo_is_stored_encrypted_with_the_draft(client: TestClient, runtime: Runtime) -> None:
    chat = Chat(client)
    reach_evidence(chat)
    assert 'type="file"' in chat.page and 'enctype="multipart/form-data"' in chat.page
    chat.post({"text": ""}, files={"file": ("foto.png", PNG, "image/png")})
    assert "Archivo enviado" in chat.page and "Pruebas guardadas: 1" in chat.page
    with transaction(runtime.sessions) as db:
        evidence = db.scalars(select(Evidence)).one()
        assert evidence.kind == "photo" and evidence.size == len(PNG)
        assert PNG not in evidence.data_enc


def test_an_oversize_upload_gets_a_kind_page(client: TestClient, runtime: Runtime) -> None:
    chat = Chat(client)
    reach_evidence(chat)
    big = b"\xff\xd8" + b"0" * (runtime.settings.media_max_bytes + 1)
    page = chat.post({}, files={"file": ("big.jpg", big, "image/jpeg")}, status=413)
    assert "muy grande" in page and 'name="step_id" value="description"' in page
    assert count_rows(runtime, Evidence) == 0


def test_an_empty_file_field_is_ignored(client: TestClient, runtime: Runtime) -> None:
    chat = Chat(client)
    reach_evidence(chat)
    chat.post({"text": "Pasó de noche"}, files={"file": ("", b"", "application/octet-stream")})
    assert chat.step == "crime_types"


# -- CSRF and limits ------------------------------------------------------------------------


@pytest.mark.parametrize("csrf", [None, "", "0" * 64])
def test_a_missing_or_wrong_csrf_token_gets_a_kind_403(
    client: TestClient, runtime: Runtime, csrf: str | None
) -> None:
    chat = Chat(client)
    data = {"choice": "report", "step_id": "menu"}
    if csrf is not None:
        data["csrf"] = csrf
    response = client.post("/chat", data=data, follow_redirects=False)
    assert response.status_code == 403
    assert 'role="alert"' in response.text and "intente otra vez" in response.text
    assert count_rows(runtime, Contact) == 0
    assert chat.get().count('class="msg person') == 0


def test_a_post_without_a_session_starts_a_new_one(runtime: Runtime) -> None:
    with TestClient(create_app(runtime)) as client:
        response = client.post("/chat", data={"text": "hola"}, follow_redirects=False)
    assert response.status_code == 403
    assert COOKIE in response.headers["set-cookie"]


def test_a_malformed_body_is_a_kind_400(client: TestClient) -> None:
    Chat(client)
    response = client.post(
        "/chat",
        content=b"--x\r\nbroken",
        headers={"content-type": "multipart/form-data; boundary=x"},
        follow_redirects=False,
    )
    assert response.status_code in (400, 403)
    assert 'role="alert"' in response.text


def test_the_per_session_limit_answers_429_kindly(tmp_path: Path) -> None:
    runtime = make_runtime(
        f"sqlite:///{tmp_path}/camino.db", tmp_path, CAMINO_WEB_RATE_PER_SESSION=3
    )
    with TestClient(create_app(runtime)) as client:
        chat = Chat(client)
        for _ in range(3):
            chat.post({"command": "help"})
        page = chat.post({"command": "help"}, status=429)
        assert "Espere un minuto" in page
        other = Chat(client.__class__(client.app))  # a second browser is not slowed down
        other.post({"command": "help"})
    runtime.close()


def test_the_global_limit_answers_429(tmp_path: Path) -> None:
    runtime = make_runtime(f"sqlite:///{tmp_path}/camino.db", tmp_path, CAMINO_WEB_RATE_GLOBAL=2)
    with TestClient(create_app(runtime)) as client:
        first, second = Chat(client), Chat(TestClient(client.app))
        first.post({"command": "help"})
        second.post({"command": "help"})
        assert "mucha gente" in first.post({"command": "help"}, status=429)
    runtime.close()


# -- quick exit -----------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_quick_exit_forgets_the_session(client: TestClient, runtime: Runtime, method: str) -> None:
    chat = Chat(client)
    reach_evidence(chat)
    old = client.cookies[COOKIE]
    response = client.request(method, "/chat/exit", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/weather"
    assert "Max-Age=0" in response.headers["set-cookie"]
    assert COOKIE not in client.cookies
    assert count_rows(runtime, RecentMessage) == 0
    assert count_rows(runtime, Contact) == 0
    assert count_rows(runtime, Case) == 0  # the unfinished report went with it
    client.cookies.set(COOKIE, old)
    page = client.get("/chat").text
    assert not any(canary in page for canary in CANARIES)
    assert 'class="msg person' not in page


def test_the_weather_page_also_ends_the_session(client: TestClient, runtime: Runtime) -> None:
    chat = Chat(client)
    chat.press("report")
    response = client.get("/weather")
    assert response.status_code == 200 and "Oaxaca" in response.text
    assert "Camino" not in response.text
    assert count_rows(runtime, Contact) == 0


# -- transcript storage ---------------------------------------------------------------------


def test_the_transcript_keeps_the_last_turns_and_prunes_after_48_hours(
    client: TestClient, runtime: Runtime
) -> None:
    chat = Chat(client)
    for _ in range(transcript.MAX_TURNS + 3):
        chat.post({"command": "help"})
    assert count_rows(runtime, RecentMessage) == transcript.MAX_TURNS
    later = runtime.clock() + transcript.KEEP_FOR + timedelta(minutes=1)
    with transaction(runtime.sessions) as db:
        assert transcript.prune(db, later) == transcript.MAX_TURNS
    assert count_rows(runtime, RecentMessage) == 0


def test_quick_exit_after_a_report_keeps_the_report(database_url: str, tmp_path: Path) -> None:
    runtime = make_runtime(database_url, tmp_path, CAMINO_WEB_RATE_PER_SESSION=1000)
    try:
        with TestClient(create_app(runtime)) as client:
            chat = Chat(client)
            file_complaint(chat)
            assert 0 < count_rows(runtime, RecentMessage) <= transcript.MAX_TURNS
            client.get("/chat/exit")
            assert "código de caso" not in client.get("/chat").text
        assert count_rows(runtime, RecentMessage) == 0
        assert count_rows(runtime, Conversation) == 0
        with transaction(runtime.sessions) as db:
            case = db.scalars(select(Case)).one()
            assert case.status != "draft" and case.contact_id is not None
    finally:
        runtime.close()


@pytest.mark.parametrize("person", PEOPLE, ids=lambda p: p.name)
def test_the_three_people_of_issue_14_on_the_web_chat(client: TestClient, person: Person) -> None:
    """At most 15 questions each; the receipt names the code, not a PIN nobody asked for."""
    chat = Chat(client)
    for step, answer in person.script:
        assert chat.step == step, (person.name, step, chat.step)
        chat.say(answer)
    assert "Su código de caso es" in chat.page
    assert "PIN para su familiar" not in chat.page
    print(f"\nWeb chat, {person.name}: {person.questions} questions")
    assert person.questions <= MAX_QUESTIONS
