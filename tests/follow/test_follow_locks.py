"""Follow-up locks that a new browser session or a quick exit cannot reset, and answers that
do not tell an existing code from an unknown one (same words, same Argon2 work)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.app.runtime import Runtime
from bot.core.clock import FrozenClock
from bot.follow import subscriptions
from bot.store import crypto
from bot.store.contacts import Sender
from tests.support.chats import filed_case, say, start
from tests.support.factories import make_runtime
from tests.support.web_chat import Chat
from webhook import create_app

NOON_MX = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)
UNKNOWN = "2345-6789-ABCD"  # well formed, and no case has it


@pytest.fixture
def runtime(database_url: str, tmp_path: Path) -> Iterator[Runtime]:
    current = make_runtime(
        database_url, tmp_path, clock=FrozenClock(NOON_MX), CAMINO_WEB_RATE_PER_SESSION=1000
    )
    yield current
    current.close()


def wrong_pin(pin: str) -> str:
    return "000000" if pin != "000000" else "111111"


def try_code(runtime: Runtime, sender: Sender, code: str, pin: str) -> str:
    start(runtime, sender)
    say(runtime, sender, "Seguir un caso")
    say(runtime, sender, code)
    return say(runtime, sender, pin)


def web_try(client: TestClient, code: str, pin: str) -> str:
    chat = Chat(client)
    chat.say("Seguir un caso")
    chat.say(code)
    return chat.say(pin)


def test_new_browser_sessions_and_quick_exits_do_not_reset_the_lock(runtime: Runtime) -> None:
    code, pin = filed_case(runtime)
    with TestClient(create_app(runtime)) as client:
        for _ in range(4):  # four tries, each from a fresh session that then leaves
            assert "una hora" not in web_try(client, code, wrong_pin(pin))
            client.get("/chat/exit")
        assert "una hora" in web_try(client, code, wrong_pin(pin))
        client.get("/chat/exit")
        assert "una hora" in web_try(client, code, pin)  # even the right PIN waits


def test_an_unknown_code_locks_and_answers_like_a_wrong_pin(runtime: Runtime) -> None:
    code, pin = filed_case(runtime)
    known, unknown, wrong = [], [], wrong_pin(pin)
    for attempt in range(5):
        known.append(try_code(runtime, Sender("sms", f"+5049990000{attempt}"), code, wrong))
        unknown.append(try_code(runtime, Sender("sms", f"+5049991000{attempt}"), UNKNOWN, wrong))
    assert known == unknown  # the same words, try after try, the lock included
    assert "una hora" in known[-1] and "una hora" not in known[-2]


def count_argon2(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    checked: list[str] = []
    real: Callable[[str, str], bool] = crypto.verify_pin

    def counting(pin_hash: str, pin: str) -> bool:
        checked.append(pin_hash)
        return real(pin_hash, pin)

    monkeypatch.setattr(crypto, "verify_pin", counting)
    return checked


def pin_step(runtime: Runtime, sender: Sender, code: str, pin: str) -> float:
    """Seconds the PIN answer takes (the code already given)."""
    start(runtime, sender)
    say(runtime, sender, "Seguir un caso")
    say(runtime, sender, code)
    started = time.perf_counter()
    say(runtime, sender, pin)
    return time.perf_counter() - started


def test_an_unknown_code_costs_the_argon2_checks_of_a_wrong_pin(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, pin = filed_case(runtime)
    pin_step(runtime, Sender("sms", "+50499900000"), UNKNOWN, pin)  # warm up both paths
    pin_step(runtime, Sender("sms", "+50499900010"), code, wrong_pin(pin))
    checked = count_argon2(monkeypatch)
    known = pin_step(runtime, Sender("sms", "+50499900001"), code, wrong_pin(pin))
    unknown = pin_step(runtime, Sender("sms", "+50499900002"), UNKNOWN, wrong_pin(pin))
    # The work, counted (not timed: a busy machine would make a timing assertion flaky).
    # Each try checks the reporter's own PIN and the relatives' (a decoy where a case has none).
    assert len(checked) == 4 and all(h.startswith("$argon2id$") for h in checked)
    print(f"PIN answer: wrong PIN {known * 1000:.0f} ms, unknown code {unknown * 1000:.0f} ms")


def test_the_code_lock_holds_whoever_asks(runtime: Runtime) -> None:
    code, pin = filed_case(runtime)
    for attempt in range(5):
        try_code(runtime, Sender("whatsapp", f"+5215500000{attempt}"), UNKNOWN, "123456")
    with runtime.sessions() as db:
        index = subscriptions.code_index(db, runtime.vault, UNKNOWN)
        assert index is not None
        assert subscriptions.code_locked_until(db, index, runtime.clock()) is not None
    # Another code is not locked by it.
    assert "país" in try_code(runtime, Sender("sms", "+50499900009"), code, pin)
