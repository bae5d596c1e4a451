"""Web chat sessions: only server-issued tokens, a new token at filing and at quick exit, limits
that junk cannot spend, HSTS and Secure cookies behind an https public URL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.app.runtime import Runtime
from bot.channels.web.security import COOKIE, csrf_token
from bot.core.websecurity import new_signed_token, new_token
from bot.store.contacts import Sender, find_contact
from bot.store.db import transaction
from bot.store.models import Contact
from tests.support.complaint_script import CANARIES, VICTIM_IN_MEXICO
from tests.support.databases import count_rows
from tests.support.factories import make_runtime
from tests.support.web_chat import Chat
from webhook import create_app


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    current = make_runtime(
        f"sqlite:///{tmp_path}/camino.db", tmp_path, CAMINO_WEB_RATE_PER_SESSION=1000
    )
    yield current
    current.close()


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as current:
        yield current


def file_complaint(chat: Chat) -> None:
    for step, answer in VICTIM_IN_MEXICO:
        assert chat.step == step, (step, chat.step)
        chat.say(answer)


def reaches_a_contact(runtime: Runtime, token: str) -> bool:
    with transaction(runtime.sessions) as db:
        return find_contact(db, runtime.vault, Sender("web", token)) is not None


# -- only the server issues tokens ------------------------------------------------------------


@pytest.mark.parametrize(
    "planted",
    [new_token(), new_signed_token(b"another server's key 0123456789ab")],
    ids=["well-formed", "signed-elsewhere"],
)
def test_a_planted_token_is_ignored_and_replaced(
    client: TestClient, runtime: Runtime, planted: str
) -> None:
    client.cookies.set(COOKIE, planted)
    response = client.get("/chat")
    issued = response.cookies.get(COOKIE)
    assert issued and issued != planted
    # Whoever planted it can compute its CSRF token, and still gets nothing done with it.
    client.cookies.clear()
    client.cookies.set(COOKIE, planted)
    posted = client.post(
        "/chat",
        data={"csrf": csrf_token(planted), "choice": "report", "step_id": "menu"},
        follow_redirects=False,
    )
    assert posted.status_code == 403
    assert posted.headers["set-cookie"].startswith(f"{COOKIE}=")
    assert planted not in posted.headers["set-cookie"]
    assert count_rows(runtime, Contact) == 0
    assert not reaches_a_contact(runtime, planted)


def test_filing_gives_the_session_a_new_token(client: TestClient, runtime: Runtime) -> None:
    chat = Chat(client)
    before = client.cookies[COOKIE]
    file_complaint(chat)
    after = client.cookies[COOKIE]
    assert after != before
    assert "código de caso" in chat.page  # the person still sees their receipt
    assert reaches_a_contact(runtime, after) and not reaches_a_contact(runtime, before)
    # Someone holding the old token sees a fresh chat: no receipt, no answers.
    with TestClient(client.app) as other:
        other.cookies.set(COOKIE, before)
        page = other.get("/chat").text
    assert "código de caso" not in page and 'class="msg person' not in page
    assert not any(canary in page for canary in CANARIES)


def test_filing_by_htmx_also_sets_the_new_token(client: TestClient, runtime: Runtime) -> None:
    chat = Chat(client)
    steps = VICTIM_IN_MEXICO[:-1]
    for step, answer in steps:
        assert chat.step == step
        chat.say(answer)
    before = client.cookies[COOKIE]
    step, answer = VICTIM_IN_MEXICO[-1]
    assert chat.step == step
    response = client.post(
        "/chat", data={"csrf": chat.csrf, "text": answer}, headers={"hx-request": "true"}
    )
    assert response.status_code == 200 and "código de caso" in response.text
    after = response.cookies.get(COOKIE)
    assert after and after != before
    assert f'value="{csrf_token(after)}"' in response.text  # the next form is the new session's


def test_quick_exit_after_a_report_leaves_no_token_that_reaches_it(
    client: TestClient, runtime: Runtime
) -> None:
    chat = Chat(client)
    file_complaint(chat)
    token = client.cookies[COOKIE]
    client.get("/chat/exit")
    assert count_rows(runtime, Contact) == 1  # the report stays with the shelter
    assert not reaches_a_contact(runtime, token)
    client.cookies.set(COOKIE, token)
    assert "código de caso" not in client.get("/chat").text


# -- limits -----------------------------------------------------------------------------------


def test_failed_csrf_posts_count_for_their_session(tmp_path: Path) -> None:
    runtime = make_runtime(
        f"sqlite:///{tmp_path}/camino.db", tmp_path, CAMINO_WEB_RATE_PER_SESSION=3
    )
    with TestClient(create_app(runtime)) as client:
        chat = Chat(client)
        for _ in range(3):
            wrong = client.post("/chat", data={"csrf": "0" * 64}, follow_redirects=False)
            assert wrong.status_code == 403
        assert "Espere un minuto" in chat.post({"command": "help"}, status=429)
    runtime.close()


def test_junk_posts_do_not_shut_the_chat_for_everyone(tmp_path: Path) -> None:
    runtime = make_runtime(f"sqlite:///{tmp_path}/camino.db", tmp_path, CAMINO_WEB_RATE_GLOBAL=3)
    with TestClient(create_app(runtime)) as client:
        for i in range(40):  # made-up tokens, and issued sessions without their CSRF token
            junk = TestClient(client.app)
            if i % 2:
                junk.cookies.set(COOKIE, new_token())
            else:
                junk.get("/chat")
            response = junk.post("/chat", data={"text": "x"}, follow_redirects=False)
            assert response.status_code == 403
        person = Chat(TestClient(client.app))
        for _ in range(3):
            person.post({"command": "help"})
        # The process's cap is still the last line.
        assert "mucha gente" in person.post({"command": "help"}, status=429)
    runtime.close()


# -- https ------------------------------------------------------------------------------------


def test_an_https_public_url_brings_hsts_and_secure_cookies(tmp_path: Path) -> None:
    runtime = make_runtime(
        f"sqlite:///{tmp_path}/camino.db", tmp_path, CAMINO_PUBLIC_URL="https://camino.example.org"
    )
    with TestClient(create_app(runtime)) as client:  # the proxy speaks plain http to Camino
        response = client.get("/chat")
        assert response.headers["strict-transport-security"] == "max-age=31536000"
        assert "secure" in response.headers["set-cookie"].lower()
        exit_response = client.get("/chat/exit", follow_redirects=False)
        assert "secure" in exit_response.headers["set-cookie"].lower()
    runtime.close()


def test_plain_http_sends_no_hsts(client: TestClient) -> None:
    response = client.get("/chat")
    assert "strict-transport-security" not in response.headers
    assert "secure" not in response.headers["set-cookie"].lower()
