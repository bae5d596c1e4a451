"""Camino's own routing of updates (no PTB Application in the web app), the webhook Bot's
flood limits and 429 retries, and ids kept for /erase pruned without a DELETE a message."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram import Bot, Update
from telegram.error import RetryAfter

from bot.channels.telegram import CHANNEL
from bot.channels.telegram.limits import MAX_RETRIES, LimitedBot, group_of
from bot.channels.telegram.recent import RecentMessages
from bot.channels.telegram.wire import (
    GROUP_COMMAND,
    GROUP_TEXT,
    PRESS,
    PRIVATE_EDIT,
    PRIVATE_MESSAGE,
    route,
)
from bot.core.clock import FrozenClock
from bot.store.contacts import Sender
from bot.store.models import RecentMessage
from tests.support.databases import count_rows
from tests.support.factories import make_runtime
from tests.support.fakes.fake_telegram import FakeTelegram

BOT = Bot("123456789:AAFakeTokenForCaminoTests_0123456789")
GROUP = -100123


def _message(chat_type: str, text: str | None, command: bool = False) -> dict[str, Any]:
    chat_id = 5550001 if chat_type == "private" else GROUP
    message: dict[str, Any] = {
        "message_id": 7,
        "date": 0,
        "chat": {"id": chat_id, "type": chat_type},
        "from": {"id": 5550001, "is_bot": False, "first_name": "Ana"},
    }
    if text is not None:
        message["text"] = text
    if command and text:
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    return message


def _update(kind: str, body: dict[str, Any]) -> Update:
    update = Update.de_json({"update_id": 1, kind: body}, BOT)
    assert update is not None
    return update


def test_each_kind_of_update_goes_to_its_handler() -> None:
    assert route(_update("message", _message("private", "hola"))) == PRIVATE_MESSAGE
    assert route(_update("message", _message("private", None))) == PRIVATE_MESSAGE
    assert route(_update("message", _message("group", "/start", command=True))) == GROUP_COMMAND
    assert route(_update("message", _message("supergroup", "OK"))) == GROUP_TEXT
    # "/start" typed without Telegram marking it a command is text, as PTB's filters read it.
    assert route(_update("message", _message("group", "/start"))) == GROUP_TEXT
    assert route(_update("message", _message("group", None))) is None  # a photo in a group
    assert route(_update("edited_message", _message("private", "hola"))) == PRIVATE_EDIT
    assert route(_update("edited_message", _message("group", "OK"))) is None
    press = {
        "id": "9",
        "chat_instance": "1",
        "data": "menu:report",
        "from": {"id": 5550001, "is_bot": False, "first_name": "Ana"},
        "message": _message("group", "menu"),
    }
    assert route(_update("callback_query", press)) == PRESS


@given(
    kind=st.sampled_from(["message", "edited_message"]),
    chat_type=st.sampled_from(["private", "group", "supergroup", "channel"]) | st.text(max_size=9),
    text=st.none() | st.text(max_size=30),
    command=st.booleans(),
)
def test_routing_never_fails_and_a_private_chat_always_converses(
    kind: str, chat_type: str, text: str | None, command: bool
) -> None:
    found = route(_update(kind, _message(chat_type, text, command)))
    if chat_type == "private":
        assert found == (PRIVATE_MESSAGE if kind == "message" else PRIVATE_EDIT)
    elif kind == "edited_message":
        assert found is None
    else:
        assert found in (GROUP_COMMAND, GROUP_TEXT, None)
        assert (found is None) == (not text)


def test_groups_are_negative_chat_ids_or_usernames() -> None:
    assert group_of(GROUP) == GROUP and group_of(str(GROUP)) == GROUP
    assert group_of("@camino_staff") == "@camino_staff"
    assert group_of(5550001) is None and group_of("5550001") is None and group_of(None) is None


def _limited(fake: FakeTelegram) -> LimitedBot:
    root = fake.base_url.rstrip("/")
    return LimitedBot(fake.token, base_url=f"{root}/bot", base_file_url=f"{root}/file/bot")


def test_a_429_is_waited_out_and_the_call_made_again(fake: FakeTelegram) -> None:
    fake.fail("sendMessage", 429, times=2, retry_after=0.01)

    async def send() -> int:
        async with _limited(fake) as bot:
            return (await bot.send_message(GROUP, "OK")).message_id

    assert asyncio.run(send()) > 0
    assert len(fake.calls_to("sendMessage")) == 3


def test_a_429_storm_outlasting_the_retries_fails_the_call(fake: FakeTelegram) -> None:
    fake.fail("answerCallbackQuery", 429, times=MAX_RETRIES + 1, retry_after=0.01)

    async def answer() -> None:
        async with _limited(fake) as bot:
            await bot.answer_callback_query("9")

    with pytest.raises(RetryAfter):
        asyncio.run(answer())
    assert len(fake.calls_to("answerCallbackQuery")) == MAX_RETRIES + 1


def test_keeping_ids_prunes_at_most_once_a_minute_and_erasing_always_prunes(
    sqlite_url: str, tmp_path: Path
) -> None:
    clock = FrozenClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    runtime = make_runtime(sqlite_url, tmp_path, clock=clock)
    recent = RecentMessages(runtime.sessions, runtime.vault, clock)
    ana = Sender(CHANNEL, "5550001")
    recent.remember(ana, [1], inbound=True)
    clock.advance(hours=48, seconds=-10)
    recent.remember(ana, [2], inbound=True)  # pruned: id 1 is not 48 hours old yet
    clock.advance(seconds=30)
    recent.remember(ana, [3], inbound=True)  # pruned 30 s ago: id 1 waits
    assert count_rows(runtime, RecentMessage) == 3
    assert sorted(recent.pending(ana)) == [2, 3]  # /erase prunes first, always
    assert count_rows(runtime, RecentMessage) == 2
    clock.advance(hours=48, seconds=1)
    recent.remember(ana, [4], inbound=True)  # over a minute since: ids 2 and 3 go
    assert count_rows(runtime, RecentMessage) == 1
    runtime.close()
