"""Item: every malformed Telegram body is a 400 (or a documented 200-and-ignore for well-formed
updates Camino does not handle), never a 500 and never a traceback in the log."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import Bot, Update

from bot.channels.telegram.inbound import Malformed, read_body, to_update
from tests.support.fakes.fake_telegram import FakeTelegram
from tests.support.telegram_helpers import CHAT
from tests.support.traffic import TelegramBot, all_logs, telegram_bot

BOT = Bot("123456789:AAFakeTokenForCaminoTests_0123456789")
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


@pytest.fixture(scope="module")
def bot(fake: FakeTelegram, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TelegramBot]:
    path = tmp_path_factory.mktemp("malformed") / "camino.db"
    with telegram_bot(f"sqlite:///{path}", fake) as app:
        yield app


def test_fifty_thousand_nested_brackets_are_a_400(bot: TelegramBot) -> None:
    with all_logs() as logs:
        assert bot.raw(b"[" * 50_000 + b"]" * 50_000) == 400
        assert bot.raw(b'{"update_id": 1, "message": ' + b"[" * 50_000) == 400
        nested = '{"update_id": 2, "message": ' + '{"a": ' * 50_000 + "1" + "}" * 50_001
        assert bot.raw(nested.encode()) == 400
    assert not logs.tracebacks()


@pytest.mark.parametrize("depth", [300, 3_000])
def test_a_deep_chain_of_replies_is_answered_or_refused(bot: TelegramBot, depth: int) -> None:
    chat = json.dumps({"id": CHAT, "type": "private", "first_name": "Ana"})
    reply = f'{{"message_id": 1, "date": 0, "chat": {chat}, "text": "x", "reply_to_message": '
    body = (
        '{"update_id": 7001, "message": '
        + reply * depth
        + f'{{"message_id": 1, "date": 0, "chat": {chat}, "text": "x"}}'
        + "}" * (depth + 1)
    )
    with all_logs() as logs:
        assert bot.raw(body.encode()) in (200, 400)
    assert not logs.tracebacks()


OLD_MY_CHAT_MEMBER = {
    "update_id": 91,
    "my_chat_member": {
        "chat": {"id": CHAT, "first_name": "Ana", "type": "private"},
        "from": {"id": CHAT, "is_bot": False, "first_name": "Ana"},
        "date": 1600000000,
        # Before Bot API 5.3 a member that left had no until_date and "kicked" had no rights.
        "old_chat_member": {
            "user": {"id": 1, "is_bot": True, "first_name": "C"},
            "status": "member",
        },
        "new_chat_member": {
            "user": {"id": 1, "is_bot": True, "first_name": "C"},
            "status": "kicked",
        },
    },
}


def test_updates_camino_does_not_handle_are_acknowledged_and_ignored(bot: TelegramBot) -> None:
    sent = len(bot.texts())
    for update in (
        OLD_MY_CHAT_MEMBER,
        {"update_id": 92, "my_chat_member": {"weird": True}},
        {"update_id": 93, "channel_post": {"message_id": 1}},
        {"update_id": 94, "poll_answer": []},
        {"update_id": 95},
    ):
        assert bot.raw(json.dumps(update).encode()) == 200, update
    assert len(bot.texts()) == sent


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"null",
        b'"update"',
        b'{"update_id": true, "message": {}}',
        b'{"update_id": 1.5}',
        b'{"update_id": 1, "message": null}',
        b'{"update_id": 1, "message": []}',
        b'{"update_id": 1, "message": {}}',
        b'{"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": 5}}',
        b'{"update_id": 1, "message": {"message_id": "1", "date": 0, "chat": {"id": 5, '
        b'"type": "private"}, "text": 7}}',
        b'{"update_id": 1, "callback_query": {"id": 1}}',
        b'{"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": {"id": 5, '
        b'"type": "private"}}, "callback_query": {}}',
        b"\xff\xfe{",
    ],
)
def test_malformed_bodies_are_a_400_without_a_traceback(bot: TelegramBot, body: bytes) -> None:
    with all_logs() as logs:
        assert bot.raw(body) == 400
    assert not logs.tracebacks()


@settings(max_examples=300, deadline=None)
@given(body=st.binary(max_size=200) | json_values.map(lambda v: json.dumps(v).encode()))
def test_the_parser_accepts_reads_or_refuses_any_bytes(body: bytes) -> None:
    try:
        data = read_body(body)
        if data is not None:
            assert isinstance(to_update(data, BOT), Update)
    except Malformed:
        pass


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside a JSON document."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


def _mutated(update: dict[str, Any], choice: int, value: Any, drop: bool) -> dict[str, Any]:
    """The update with one of its values replaced by `value` (or removed)."""
    mutated = copy.deepcopy(update)
    paths = [p for p in _paths(mutated) if p[0] != "update_id"]
    path = paths[choice % len(paths)]
    parent = mutated
    for step in path[:-1]:
        parent = parent[step]
    if drop and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return mutated


def _samples(fake: FakeTelegram) -> list[dict[str, Any]]:
    menu = fake.text(CHAT + 1, "/start")
    return [
        menu,
        fake.text(CHAT + 1, "hola", "en"),
        fake.photo(CHAT + 1, b"\xff\xd8\xffphoto", caption="foto"),
        fake.voice(CHAT + 1, b"OggSvoice"),
        fake.document(CHAT + 1, b"%PDF-1.4", "application/pdf", "a.pdf"),
        fake.location(CHAT + 1, 16.75, -93.12),
        fake.contact(CHAT + 1, "50499887766"),
        fake.sticker(CHAT + 1),
        fake.edit(menu, "/menu"),
        {
            "update_id": fake.new_update_id(),
            "callback_query": {
                "id": "77",
                "from": {"id": CHAT + 1, "is_bot": False, "first_name": "Ana"},
                "chat_instance": "1",
                "data": "menu:report",
                "message": {
                    "message_id": 1,
                    "date": 0,
                    "chat": {"id": CHAT + 1, "type": "private"},
                    "text": "¿Qué quiere hacer?",
                },
            },
        },
    ]


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    sample=st.integers(min_value=0, max_value=9),
    choice=st.integers(min_value=0, max_value=500),
    value=json_values,
    drop=st.booleans(),
)
def test_a_real_update_with_any_one_value_changed_is_never_a_500(
    bot: TelegramBot, fake: FakeTelegram, sample: int, choice: int, value: Any, drop: bool
) -> None:
    update = _mutated(_samples(fake)[sample], choice, value, drop)
    update["update_id"] = fake.new_update_id()
    with all_logs() as logs:
        status = bot.raw(json.dumps(update).encode())
    assert status in (200, 400), (status, update)
    assert not logs.tracebacks(), logs.tracebacks()
