"""TwiML answers: written directly, byte for byte as Twilio's own builder writes them."""

from __future__ import annotations

from xml.etree import ElementTree

from hypothesis import given
from hypothesis import strategies as st
from twilio.twiml.messaging_response import MessagingResponse

from bot.channels.twilio.render import EMPTY_TWIML, twiml

# Any text a body can hold (a form decoded strictly as UTF-8 never carries a lone surrogate).
bodies = st.lists(st.text(alphabet=st.characters(exclude_categories=["Cs"])), max_size=4)


def _builder(texts: list[str]) -> str:
    response = MessagingResponse()
    for text in texts:
        response.message(text)
    return str(response)


def test_empty_answer_is_the_builders() -> None:
    assert str(MessagingResponse()) == EMPTY_TWIML
    assert twiml([]) == EMPTY_TWIML


def test_markup_is_escaped() -> None:
    answer = twiml(["1 < 2 & 3 > 2 </Message><Message>x"])
    root = ElementTree.fromstring(answer)
    assert [m.text for m in root] == ["1 < 2 & 3 > 2 </Message><Message>x"]


def test_control_characters_are_dropped() -> None:
    assert twiml(["a\x00b\x1bc\rd\ne\tf"]) == _builder(["abcd\ne\tf"])


@given(bodies)
def test_same_as_twilios_builder(texts: list[str]) -> None:
    safe = [text.translate({i: None for i in range(32) if chr(i) not in "\n\t"}) for text in texts]
    assert twiml(texts) == _builder(safe)
