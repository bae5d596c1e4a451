"""A yes-or-no question: asked with two buttons, shown again on an old button or no answer."""

from __future__ import annotations

from bot.conversation import yes_no
from bot.conversation.messages import InboundEvent
from bot.conversation.parsers import parse_yes_no
from bot.conversation.state import State
from bot.conversation.turn import Turn


def turn() -> Turn:
    return Turn(State(language="es"), None, {})


def show(turn: Turn, prefix: str | None) -> None:
    yes_no.ask(turn, "¿Seguimos?", "go_on", prefix)


def typed(turn: Turn, event: InboundEvent) -> bool | None:
    return parse_yes_no(event.text or "")


def test_the_question_has_a_yes_and_a_no_button_after_its_reason() -> None:
    t = turn()
    yes_no.ask(t, "¿Seguimos?", "go_on", "Responda «sí» o «no».")
    [message] = t.messages
    assert message.text == "Responda «sí» o «no».\n\n¿Seguimos?"
    assert [option.code for option in message.options] == ["yes", "no"]
    assert message.step_id == "go_on"


def test_a_clear_answer_is_returned_and_nothing_is_said() -> None:
    t = turn()
    assert yes_no.answer(t, InboundEvent(text="sí"), "go_on", show, typed) is True
    assert yes_no.answer(t, InboundEvent(text="no"), "go_on", show, typed) is False
    assert t.messages == []


def test_an_unclear_answer_shows_the_question_again() -> None:
    t = turn()
    assert yes_no.answer(t, InboundEvent(text="quizá"), "go_on", show, typed) is None
    [message] = t.messages
    assert message.text.startswith("Responda «sí» o «no».")
    assert message.step_id == "go_on"


def test_a_button_of_an_earlier_question_is_never_read() -> None:
    t = turn()
    read: list[InboundEvent] = []

    def reads(turn: Turn, event: InboundEvent) -> bool | None:
        read.append(event)
        return True

    old = InboundEvent(choice="yes", step_id="consent_store")
    assert yes_no.answer(t, old, "go_on", show, reads) is None
    assert read == []
    [message] = t.messages
    assert message.text.startswith("Ese botón es de una pregunta anterior.")
    assert yes_no.answer(t, InboundEvent(choice="yes", step_id="go_on"), "go_on", show, reads)
