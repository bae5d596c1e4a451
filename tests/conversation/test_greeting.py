"""The language of a first message, from its greeting: found when clear, None when not."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.conversation import engine, protocol
from bot.conversation.greeting import greeting_language
from bot.conversation.messages import InboundEvent
from bot.conversation.understand import asks_to_follow
from flows.keywords import GREETINGS

ALL = ("es", "en", "fr", "ht")
GREETING = st.sampled_from([(lang, word) for lang, words in GREETINGS.items() for word in words])
# What may follow a greeting without being one: digits, punctuation and spaces.
TAIL = st.text(alphabet=st.sampled_from("0123456789 ,.!?¿¡-:"), max_size=30)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Hola", "es"),
        ("hola buenas tardes, me robaron", "es"),
        ("Buenos días", "es"),
        ("Hello", "en"),
        ("hi, I need help", "en"),
        ("BONJOUR", "fr"),
        ("Bonsoir !", "fr"),
        ("Bonjou", "ht"),
        ("bonswè, m bezwen èd", "ht"),
    ],
)
def test_greetings_tell_the_language(text: str, language: str) -> None:
    assert greeting_language(text, ALL) == language


@pytest.mark.parametrize("text", ["1", "", "me robaron", "hola hello", "Chiapas", "  ", "ayuda"])
def test_no_greeting_or_two_languages_tell_none(text: str) -> None:
    assert greeting_language(text, ALL) is None


@given(GREETING, TAIL, st.booleans())
def test_a_greeting_is_found_whatever_its_case_and_punctuation(
    pair: tuple[str, str], tail: str, upper: bool
) -> None:
    language, word = pair
    text = (word.upper() if upper else word) + tail
    assert greeting_language(text, ALL) == language


@given(GREETING, st.sampled_from(ALL))
def test_a_language_without_its_catalog_is_never_told(pair: tuple[str, str], missing: str) -> None:
    available = tuple(lang for lang in ALL if lang != missing)
    found = greeting_language(pair[1], available)
    assert found is None or found in available


@given(st.text(max_size=300))
def test_any_text_gives_a_supported_language_or_none(text: str) -> None:
    assert greeting_language(text, ALL) in (None, *ALL)


@given(st.text(alphabet=st.characters(categories=("Nd", "P", "Zs")), max_size=40))
def test_digits_and_punctuation_never_tell_a_language(text: str) -> None:
    assert greeting_language(text, ALL) is None


def ask(text: str | None, hint: str | None = None) -> tuple[str | None, str | None]:
    ctx = protocol.Context(
        now=datetime(2026, 11, 28, 18, 0, tzinfo=UTC), channel="sms", can_erase=False
    )
    result = engine.handle(None, InboundEvent(text=text, language_hint=hint), ctx)
    return result.state.language, result.messages[-1].step_id


def test_the_first_words_choose_the_language_before_the_app_does() -> None:
    assert ask("Hola") == ("es", "menu")
    assert ask("Bonjou") == ("ht", "menu")
    assert ask("Hello", hint="es") == ("en", "menu")  # the words, not the phone's setting
    assert ask("1", hint="fr-CA") == ("fr", "menu")  # Telegram's language code
    assert ask("1") == (None, "language")  # unclear: asked


def test_a_greeting_answers_the_language_question() -> None:
    ctx = protocol.Context(now=datetime(2026, 11, 28, 18, 0, tzinfo=UTC), channel="console")
    asked = engine.handle(None, InboundEvent(), ctx)  # the console starts with no words
    assert asked.messages[-1].step_id == "language"
    answered = engine.handle(asked.state, InboundEvent(text="Bonjou"), ctx)
    assert answered.state.language == "ht" and answered.messages[-1].step_id == "menu"


@pytest.mark.parametrize(
    "text",
    [
        "Hi, I want to follow my brother's case",
        "Hola, quiero seguir el caso de mi hermano",
        "Bonjour, je veux suivre le cas de mon fils",
        "Bonjou, mwen vle swiv ka frè m",
    ],
)
def test_a_first_message_asking_to_follow_a_case_gets_the_code_question(text: str) -> None:
    language, step = ask(text)
    assert language is not None and step == "fu_code"


@pytest.mark.parametrize(
    "text",
    [
        "Hola, quiero seguir con mi reporte",  # its own draft, not a followed case
        "Hello, a car was following us, in case you ask",  # "following" is not "follow"
        "Hola, me robaron",
    ],
)
def test_other_first_messages_get_the_menu(text: str) -> None:
    assert ask(text)[1] == "menu"


def test_asking_to_follow_at_the_menu_gets_the_code_question() -> None:
    ctx = protocol.Context(now=datetime(2026, 11, 28, 18, 0, tzinfo=UTC), channel="telegram")
    menu = engine.handle(None, InboundEvent(text="Hello"), ctx)
    asked = engine.handle(menu.state, InboundEvent(text="I need to track my son's case"), ctx)
    assert asked.messages[-1].step_id == "fu_code"


@given(st.text(max_size=300))
def test_asking_to_follow_is_read_from_any_text(text: str) -> None:
    assert asks_to_follow(text) in (True, False)
