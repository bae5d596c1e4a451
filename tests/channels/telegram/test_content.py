"""Item: contact cards answer, stickers and the like are not "files", edits get one line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.channels.telegram.app import ALLOWED_UPDATES
from tests.support.complaint_script import CANARY_PHONE
from tests.support.fakes.fake_telegram import FakeTelegram
from tests.support.telegram_helpers import CHAT
from tests.support.traffic import TelegramBot, telegram_bot

UNSUPPORTED = "No puedo guardar ese tipo de archivo. Envíe una foto, un audio o un PDF."
EDIT = {
    "es": "Editar un mensaje no cambia su respuesta. Para cambiarla, escriba «atrás» o, al "
    "final, elija «Cambiar una respuesta».",
    "en": "Editing a message does not change your answer. To change it, type «back» or, at the "
    "end, choose «Change an answer».",
    "fr": "Modifier un message ne change pas votre réponse. Pour la changer, écrivez «retour» "
    "ou, à la fin, choisissez «Changer une réponse».",
    "ht": "Modifye yon mesaj pa chanje repons ou. Pou chanje l, ekri «retounen» oswa, nan fen "
    "an, chwazi «Chanje yon repons».",
}


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


@pytest.fixture
def bot(fake: FakeTelegram, tmp_path: Path) -> Iterator[TelegramBot]:
    with telegram_bot(f"sqlite:///{tmp_path}/camino.db", fake) as app:
        yield app


def test_a_contact_card_answers_which_number(bot: TelegramBot, fake: FakeTelegram) -> None:
    bot.drive_to("contact_phone")
    asked = bot.texts()[-1]
    assert "número" in asked
    bot.deliver(fake.contact(CHAT, CANARY_PHONE.lstrip("+")))
    assert bot.last_step() == "reporter_name"  # recorded: the next question has come
    assert bot.texts()[-1] != asked


@pytest.mark.parametrize("step", ["description", "danger_now", "crime_types"])
def test_a_contact_card_elsewhere_asks_for_a_written_answer(
    bot: TelegramBot, fake: FakeTelegram, step: str
) -> None:
    bot.drive_to(step)
    asked = bot.texts()[-1]
    bot.deliver(fake.contact(CHAT, CANARY_PHONE.lstrip("+")))
    said = bot.texts()[-1]
    assert said.startswith("Escriba su respuesta") and asked in said  # the same question
    assert UNSUPPORTED not in bot.texts()


@pytest.mark.parametrize("content", ["sticker", "dice", "poll"])
@pytest.mark.parametrize("step", ["description", "contact_phone"])
def test_non_file_content_asks_the_question_again(
    bot: TelegramBot, fake: FakeTelegram, content: str, step: str
) -> None:
    bot.drive_to(step)
    asked = bot.texts()[-1]
    before, fetched = len(bot.texts()), len(fake.calls_to("getFile"))
    bot.deliver(getattr(fake, content)(CHAT))  # the fake's poll is an older format PTB refuses
    said = bot.texts()[before:]
    assert said and UNSUPPORTED not in said
    assert asked in said[-1] or bot.last_step() == step
    assert len(fake.calls_to("getFile")) == fetched


def test_a_video_is_still_an_unsupported_file(bot: TelegramBot, fake: FakeTelegram) -> None:
    bot.drive_to("description")  # files are kept at any question
    video = {"file_id": "V1", "file_unique_id": "V1u", "width": 1, "height": 1, "duration": 1}
    bot.deliver(fake._user_message(CHAT, "es", video=video))
    assert UNSUPPORTED in bot.texts()


@pytest.mark.parametrize("language", ["es", "en", "fr", "ht"])
def test_an_edited_message_gets_one_line_in_the_persons_language(
    bot: TelegramBot, fake: FakeTelegram, language: str
) -> None:
    first = fake.text(CHAT, "/start", language)
    bot.deliver(first)
    before = len(bot.texts())
    edited = fake.edit(first, "/menu")
    bot.deliver(edited)
    bot.deliver(edited)  # a redelivery says nothing more
    assert bot.texts()[before:] == [EDIT[language]]


def test_edited_messages_are_asked_for() -> None:
    assert "edited_message" in ALLOWED_UPDATES
