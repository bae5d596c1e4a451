"""Words sent with a photo on Telegram (a caption): the answer at a question answered in words,
a note on the evidence elsewhere; a voice note at the account is the account."""

from __future__ import annotations

from bot.store.models import Evidence
from tests.support.captions import ACCOUNT, NOTE, PLACE, TO_THE_ACCOUNT, notes
from tests.support.telegram_helpers import CHAT, JPEG, OGG, Bot


def _to_the_account(bot: Bot, chat: int) -> None:
    bot.deliver(bot.fake.text(chat, "/start", "es"))
    for answer in TO_THE_ACCOUNT:
        bot.deliver(bot.fake.text(chat, answer, "es"))
    assert "Cuente con sus palabras" in bot.fake.last_bot_message(chat)["text"]


def test_a_caption_answers_where_words_do_and_is_a_note_elsewhere(bot: Bot) -> None:
    fake = bot.fake
    _to_the_account(bot, CHAT)
    bot.deliver(fake.photo(CHAT, JPEG, "es", caption=ACCOUNT))
    assert fake.last_bot_message(CHAT)["text"].startswith("¿Dónde pasó?")
    bot.deliver(fake.photo(CHAT, JPEG, "es", caption=PLACE))
    assert fake.last_bot_message(CHAT)["text"].startswith("¿Cuándo pasó?")
    bot.deliver(fake.photo(CHAT, JPEG, "es", caption=NOTE))
    said = [m["text"] for m in fake.bot_messages(CHAT)][-1]
    assert "Sus palabras quedaron guardadas con la prueba." in said
    assert "¿Cuándo pasó?" in said  # the question, asked again
    assert notes(bot.runtime) == [None, None, NOTE]


def test_a_voice_note_at_the_account_is_the_account(bot: Bot) -> None:
    _to_the_account(bot, CHAT + 1)
    bot.deliver(bot.fake.voice(CHAT + 1, OGG, "es"))
    assert bot.fake.last_bot_message(CHAT + 1)["text"].startswith("¿Qué pasó?")
    assert bot.count(Evidence) == 1
