"""The contact question: this chat at any hour or by day where Camino writes unasked, a call to
the number the chat writes from, another number, or none."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.conversation import engine, protocol
from bot.conversation.messages import InboundEvent, OutboundMessage
from bot.conversation.next_steps import is_info_request
from bot.conversation.state import save, upgrade
from bot.core.geography import phone_abroad, phone_number
from tests.support.complaint_script import VICTIM_IN_MEXICO

NOW = datetime(2026, 11, 28, 18, 0, tzinfo=UTC)
SENDER = "+5219611234567"


class Chat:
    def __init__(self, channel: str, phone: str | None = None) -> None:
        self.ctx = protocol.Context(
            now=NOW, channel=channel, can_erase=channel in ("web", "telegram"), phone=phone
        )
        self.state: dict[str, Any] | None = None
        self.effects: list[protocol.Effect] = []
        self.last: list[OutboundMessage] = []
        self.send(None, hint="es")

    def send(self, text: str | None, hint: str | None = None) -> None:
        state = upgrade(self.state) if self.state else None
        result = engine.handle(state, InboundEvent(text=text, language_hint=hint), self.ctx)
        self.state = json.loads(json.dumps(save(result.state)))
        self.effects += result.effects
        self.last = result.messages

    def to_contact(self) -> list[str]:
        for step, answer in VICTIM_IN_MEXICO:
            if step == "contact":
                break
            self.send(answer)
        asked = self.last[-1]
        assert asked.step_id == "contact"
        return [option.label for option in asked.options]

    def finish(self) -> dict[str, Any]:
        while self.last[-1].step_id != "summary":
            step = self.last[-1].step_id
            self.send(dict(VICTIM_IN_MEXICO)[str(step)])
        self.send("1")
        sent = [e for e in self.effects if isinstance(e, protocol.SubmitCase)]
        assert len(sent) == 1
        return sent[0].answers


def test_sms_offers_any_hour_by_day_and_a_call_to_this_number() -> None:
    chat = Chat("sms", phone=SENDER)
    labels = chat.to_contact()
    assert labels[:4] == [
        "Por este chat, a cualquier hora",
        "Por este chat, solo de día",
        "Llamada a este número",
        "Llamada a otro número",
    ]
    chat.send("3")
    assert chat.last[-1].step_id == "reporter_name"  # the number is not asked: it is this one
    answers = chat.finish()
    assert answers["contact_channel"] == "phone_call" and answers["contact_phone"] == SENDER
    assert answers["contact_hours"] == "morning"  # asked for the call, as before


@pytest.mark.parametrize(
    ("typed", "hours"), [("1", "any"), ("2", "day"), ("cualquier hora", "any")]
)
def test_a_chat_reporter_chooses_the_hours_in_the_same_question(typed: str, hours: str) -> None:
    chat = Chat("telegram")
    labels = chat.to_contact()
    assert "Llamada a este número" not in labels  # Telegram gives no number
    chat.send(typed)
    assert chat.last[-1].step_id == "summary"  # no more questions for it
    answers = chat.finish()
    assert (answers["contact_channel"], answers["contact_hours"]) == ("this_chat", hours)


def test_the_web_chat_has_no_hours_to_choose() -> None:
    chat = Chat("web")
    labels = chat.to_contact()
    assert labels[0] == "Por este chat" and not any("hora" in label for label in labels)
    chat.send("1")
    answers = chat.finish()
    assert answers["contact_channel"] == "this_chat" and answers.get("contact_hours") is None


def test_changing_from_this_number_to_another_asks_the_other() -> None:
    chat = Chat("sms", phone=SENDER)
    chat.to_contact()
    chat.send("Llamada a este número")
    chat.send("Pedro")
    chat.send("1")
    assert chat.last[-1].step_id == "summary"
    chat.send("2")  # change an answer
    chat.send("Cómo contactarle")
    chat.send("llamada")
    assert chat.last[-1].step_id == "contact_phone"
    chat.send("+504 9988 7766")
    answers = chat.finish()
    assert answers["contact_phone"] == "+50499887766"


def test_a_hidden_option_cannot_be_typed() -> None:
    chat = Chat("telegram")
    chat.to_contact()
    chat.send("Llamada a este número")  # Telegram has no number to call
    assert chat.last[-1].step_id != "reporter_name"


# -- wording that fits the screen -------------------------------------------------------------


def hint_at(chat: Chat, step_id: str, answer: str) -> str:
    for step, typed in VICTIM_IN_MEXICO:
        if step == step_id:
            break
        chat.send(typed)
    assert chat.last[-1].step_id == step_id
    chat.send(answer)
    return "\n".join(m.text for m in chat.last)


@pytest.mark.parametrize("channel", ["web", "telegram"])
def test_where_options_are_buttons_nobody_is_told_to_type_numbers(channel: str) -> None:
    said = hint_at(Chat(channel), "who", "zzzz")
    assert "Elija una de las opciones." in said and "número" not in said
    said = hint_at(Chat(channel), "crime_types", "zzzz")
    assert "«Listo»" in said and "separados por comas" not in said


def test_on_sms_the_numbers_are_the_way_to_answer() -> None:
    said = hint_at(Chat("sms", phone=SENDER), "who", "zzzz")
    assert "Responda con el número de una opción." in said


@pytest.mark.parametrize("channel", ["web", "sms"])
def test_nobody_is_asked_to_share_a_location_they_cannot_share(channel: str) -> None:
    said = hint_at(Chat(channel), "incident_place", "")
    assert "ubicación" not in said


# -- the outside input these read ------------------------------------------------------------


@given(st.text(max_size=40))
def test_a_sender_address_gives_an_e164_number_or_none(address: str) -> None:
    number = phone_number(address)
    assert number is None or (number.startswith("+") and number[1:].isdecimal())
    assert (number is None) == (phone_abroad(address) is None)


@given(st.from_regex(r"\+[1-9][0-9]{7,13}", fullmatch=True), st.booleans())
def test_sms_and_whatsapp_addresses_give_their_number(number: str, whatsapp: bool) -> None:
    assert phone_number(("whatsapp:" if whatsapp else "") + number) == number


@given(st.text(max_size=60))
def test_any_text_is_a_request_for_more_or_not_without_error(text: str) -> None:
    assert is_info_request(text) in (True, False)


@pytest.mark.parametrize("text", ["más", "MAS", " Más. ", "more", "PLUS", "plis"])
def test_the_words_for_more(text: str) -> None:
    assert is_info_request(text)
