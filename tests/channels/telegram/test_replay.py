"""Item: a corpus of real-world Telegram updates (tests/corpus/telegram/, each with its origin)
and the cases of issue 17, replayed through the real webhook and python-telegram-bot's parser
against the fake Bot API: no 5xx, an answer for everything a person can send (or a documented
silence), and no traceback in the log."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.fakes.fake_telegram import FakeTelegram
from tests.support.telegram_helpers import JPEG
from tests.support.traffic import TelegramBot, all_logs, telegram_bot

CORPUS = Path(__file__).parents[2] / "corpus" / "telegram" / "updates.json"
CASES: list[dict[str, Any]] = json.loads(CORPUS.read_text())["cases"]


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


@pytest.fixture(scope="module")
def bot(fake: FakeTelegram, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TelegramBot]:
    path = tmp_path_factory.mktemp("replay") / "camino.db"
    with telegram_bot(f"sqlite:///{path}", fake) as app:
        app.runtime_handlers().file_retry_pauses = (0.0, 0.0)
        yield app


def _chat(update: dict[str, Any]) -> int | None:
    for kind in ("message", "edited_message"):
        if kind in update:
            return int(update[kind]["chat"]["id"])
    if "callback_query" in update:
        return int(update["callback_query"]["from"]["id"])
    return None


def replay(bot: TelegramBot, update: dict[str, Any], expect: str) -> None:
    """Post one update and check the answer `expect` names."""
    update = copy.deepcopy(update)
    update["update_id"] = bot.fake.new_update_id()
    chat = _chat(update)
    before = len(bot.texts(chat)) if chat is not None else 0
    with all_logs() as logs:
        status = bot.raw(json.dumps(update).encode())
    assert status == 200, status
    assert not logs.tracebacks(), logs.tracebacks()
    said = bot.texts(chat)[before:] if chat is not None else []
    if expect == "answer":
        assert said and all(text.strip() for text in said)
    elif expect == "edit_notice":
        assert len(said) == 1
    else:  # silence, ignored
        assert said == []


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_the_corpus_replays_cleanly(bot: TelegramBot, case: dict[str, Any]) -> None:
    assert case["origin"]
    replay(bot, case["update"], case["expect"])


def test_the_corpus_replays_again_mid_complaint(bot: TelegramBot) -> None:
    """The same traffic, now with a complaint under way: every message is still answered."""
    chat = 12345678
    for answer in ("/start", "1", "1"):
        replay(
            bot,
            {
                "message": {
                    "message_id": 1,
                    "date": 0,
                    "chat": {"id": chat, "type": "private"},
                    "text": answer,
                }
            },
            "answer",
        )
    for case in CASES:
        if _chat(case["update"]) == chat:
            replay(bot, case["update"], case["expect"])


def test_the_cases_of_the_issue_replay_cleanly(bot: TelegramBot, fake: FakeTelegram) -> None:
    chat = 8800001
    replay(bot, fake.text(chat, "/start"), "answer")
    for how in ("error", "empty", "no_path", "error_body", "not_json", "server_error", "gone"):
        update = fake.photo(chat, JPEG)
        fake.break_file(update["message"]["photo"][-1]["file_id"], how)
        replay(bot, update, "answer")
    replay(bot, fake.contact(chat, "50499887766"), "answer")
    for content in (fake.sticker(chat), fake.dice(chat), fake.poll(chat)):
        replay(bot, content, "answer")
    replay(bot, fake.edit(fake.text(chat, "hola"), "adiós"), "edit_notice")
    with all_logs() as logs:
        assert bot.raw(b"[" * 50_000 + b"]" * 50_000) == 400
    assert not logs.tracebacks()
