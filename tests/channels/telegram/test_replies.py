"""Replies off the request: parts for the outbox, the webhook's answer, the outbox's sender."""

from __future__ import annotations

import base64

from hypothesis import given
from hypothesis import strategies as st

from bot.channels.telegram.replies import (
    CAPTION_MAX,
    Part,
    buttons_part,
    message_parts,
    reply_parts,
    webhook_method,
)
from bot.channels.telegram.sender import TelegramSender
from bot.channels.telegram.wire import TEXT_MAX
from bot.conversation.messages import Media, Option, OutboundMessage
from bot.delivery import Outgoing, Sent
from bot.store.models import Contact, OutboxMessage
from tests.support.fakes.fake_telegram import FakeTelegram
from tests.support.telegram_helpers import CHAT, Bot, button_steps, telegram_settings

MENU = OutboundMessage(
    "Menú", options=(Option("report", "Reportar"), Option("help", "Ayuda")), step_id="menu"
)


def test_a_long_message_is_split_with_its_buttons_on_the_last_part() -> None:
    text = "a" * 4000 + "\n" + "b" * 200
    long = OutboundMessage(text, options=MENU.options, step_id="menu", sensitive=True)
    first, last = message_parts(long)
    assert first == Part("a" * 4000, True, None)
    assert last.text == "b" * 200 and last.sensitive
    assert last.extra is not None and last.extra["markup"]["inline_keyboard"]


def test_a_document_is_one_protected_part_with_its_text_as_caption() -> None:
    pdf = Media("application/pdf", b"%PDF-1.4 ...", "denuncia.pdf")
    (part,) = message_parts(OutboundMessage("c" * 2000, document=pdf))
    assert part.sensitive and len(part.text) == CAPTION_MAX
    assert part.extra is not None and part.extra["filename"] == "denuncia.pdf"
    assert base64.b64decode(part.extra["document"]) == pdf.data


def test_new_buttons_on_a_message_name_it_and_carry_the_question_for_a_fallback() -> None:
    assert buttons_part(7) == Part("", extra={"edit": 7})
    again = buttons_part(7, MENU)
    assert again.text == "Menú" and again.extra is not None
    assert again.extra["edit"] == 7 and again.extra["markup"]["inline_keyboard"]


@given(
    st.lists(st.tuples(st.text(max_size=3000), st.booleans()), max_size=6),
)
def test_the_webhook_answer_is_one_message_within_the_limit(texts: list[tuple[str, bool]]) -> None:
    parts = [Part(text, sensitive) for text, sensitive in texts]
    method = webhook_method(CHAT, parts)
    if not any(text.strip() for text, _ in texts):
        assert method is None
        return
    assert method is not None and method["method"] == "sendMessage"
    assert method["chat_id"] == CHAT and 0 < len(method["text"]) <= TEXT_MAX
    first = next(sensitive for text, sensitive in texts if text.strip())
    assert not first or method.get("protect_content") is True


def test_reply_parts_keep_the_order_of_the_messages() -> None:
    parts = reply_parts([OutboundMessage("Hola"), MENU])
    assert [part.text for part in parts] == ["Hola", "Menú"]


async def test_the_sender_asks_again_when_the_buttons_cannot_change(
    fake: FakeTelegram, sqlite_url: str
) -> None:
    sender = TelegramSender(telegram_settings(sqlite_url, fake))
    try:
        fake.fail("editMessageReplyMarkup", 400)  # the message is too old or gone
        part = buttons_part(3, MENU)
        outcome = await sender.send(Outgoing(str(CHAT), part.text, extra=part.extra))
        assert isinstance(outcome, Sent)
        (asked,) = fake.bot_messages(CHAT)
        assert asked["text"] == "Menú" and button_steps(asked) == {"menu"}
        assert outcome.provider_id == str(asked["message_id"])
    finally:
        await sender.close()


def test_a_reply_after_deleting_ones_data_rides_on_the_webhook_answer(bot: Bot) -> None:
    fake = bot.fake
    bot.deliver(fake.text(CHAT, "/start"))
    menu = fake.last_bot_message(CHAT)
    bot.deliver(fake.press(CHAT, menu["message_id"], "menu:report"))
    bot.deliver(fake.text(CHAT, "Borrar mis datos"))
    confirm = fake.last_bot_message(CHAT)
    assert button_steps(confirm) == {"confirm_erase"}
    queued = bot.count(OutboxMessage)
    bot.deliver(fake.press(CHAT, confirm["message_id"], "confirm_erase:yes"))
    last = fake.calls_to("sendMessage")[-1]
    assert last.in_answer and "Telegram" in last.params["text"]
    assert fake.last_bot_message(CHAT)["text"] == last.params["text"]
    assert bot.count(Contact) == 0 and bot.count(OutboxMessage) < queued
