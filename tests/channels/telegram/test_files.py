"""Item: a file Telegram will not hand over (getFile fails) is answered, never a 500 loop."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.store.models import Evidence
from tests.support.fakes.fake_telegram import FakeTelegram
from tests.support.telegram_helpers import CHAT, JPEG, OGG
from tests.support.traffic import TelegramBot, all_logs, telegram_bot

UNRECEIVED = {
    "es": "No pude recibir el archivo; intente enviarlo otra vez o como documento.",
    "en": "I could not receive the file; please send it again or as a document.",
}


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


@pytest.fixture
def bot(fake: FakeTelegram, tmp_path: Path) -> Iterator[TelegramBot]:
    with telegram_bot(f"sqlite:///{tmp_path}/camino.db", fake) as app:
        app.runtime_handlers().file_retry_pauses = (0.0, 0.0)
        yield app


def evidence(bot: TelegramBot) -> int:
    with bot.runtime.sessions() as db:
        return db.query(Evidence).count()


@pytest.mark.parametrize(
    ("how", "kind"),
    [
        ("error", "photo"),
        ("error", "voice"),
        ("empty", "photo"),
        ("no_path", "voice"),
        ("error_body", "photo"),
        ("not_json", "voice"),
        ("server_error", "photo"),
        ("gone", "voice"),
    ],
)
def test_a_file_that_cannot_be_fetched_is_answered_and_acknowledged(
    bot: TelegramBot, fake: FakeTelegram, how: str, kind: str
) -> None:
    bot.drive_to("crime_types")
    before, kept = len(bot.texts()), evidence(bot)
    update = fake.photo(CHAT, JPEG) if kind == "photo" else fake.voice(CHAT, OGG)
    message = update["message"]
    file_id = (message["photo"][-1] if kind == "photo" else message["voice"])["file_id"]
    fake.break_file(file_id, how)
    with all_logs() as logs:
        assert bot.post(update) == 200
        assert bot.post(update) == 200  # a redelivery is skipped, not answered twice
    said = bot.texts()[before:]
    assert said[0] == UNRECEIVED["es"]
    assert len(said) == 2  # ... and the same question again, nothing else
    assert bot.last_step() == "crime_types"
    assert evidence(bot) == kept
    assert not logs.tracebacks()
    # The question is still the same: a good file now is kept.
    bot.deliver(fake.photo(CHAT, JPEG))
    assert evidence(bot) == kept + 1


def test_a_passing_failure_is_tried_again_a_bounded_number_of_times(
    bot: TelegramBot, fake: FakeTelegram
) -> None:
    bot.drive_to("crime_types")
    kept = evidence(bot)
    update = fake.photo(CHAT, JPEG)
    fake.break_file(update["message"]["photo"][-1]["file_id"], "server_error", times=2)
    bot.deliver(update)
    assert evidence(bot) == kept + 1  # the third try worked
    forever = fake.photo(CHAT, JPEG)
    fake.break_file(forever["message"]["photo"][-1]["file_id"], "server_error")
    calls = len(fake.calls_to("getFile"))
    bot.deliver(forever)
    assert len(fake.calls_to("getFile")) - calls == 3
    assert bot.texts()[-2] == UNRECEIVED["es"]


def test_the_notice_is_in_the_persons_language(bot: TelegramBot, fake: FakeTelegram) -> None:
    bot.drive_to("crime_types", language="en")
    update = fake.voice(CHAT, OGG, language="en")
    fake.break_file(update["message"]["voice"]["file_id"], "error")
    bot.deliver(update)
    assert UNRECEIVED["en"] in bot.texts()
