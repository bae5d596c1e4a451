"""What a person reads at each question: no question asked twice in the same words, no two
options that mean the same, a way to keep a name to oneself."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.conversation import engine, protocol
from bot.conversation.messages import InboundEvent, Media
from flows import follow_up
from flows.complaint import COMPLAINT
from flows.model import UNKNOWN
from tests.conversation.test_engine import NOW, Driver, go_to
from tests.support.complaint_script import RELATIVE_ABROAD_ANONYMOUS, VICTIM_IN_MEXICO


def test_no_two_questions_ask_in_the_same_words() -> None:
    prompts = Counter(step.prompt for step in COMPLAINT.steps)
    assert [prompt for prompt, seen in prompts.items() if seen > 1] == []


def test_after_the_place_the_kind_of_place_is_asked_in_other_words() -> None:
    driver = Driver()
    go_to(driver, "incident_place")
    place = driver.text
    driver.send("no sé")
    driver.send("Oaxaca")
    assert driver.step == "place_type"
    assert driver.text.splitlines()[0] not in place


def test_the_collusion_question_offers_no_sé_once() -> None:
    driver = Driver()
    go_to(driver, "officials_colluded", RELATIVE_ABROAD_ANONYMOUS)
    labels = [o.label for m in driver.last for o in m.options]
    assert labels == ["Sí", "No", "No sé"]
    driver.send("no estoy seguro")
    assert driver.step == "incident_place"
    assert driver.state is not None
    assert driver.state["answers"]["officials_colluded"] == UNKNOWN


def test_a_name_can_be_kept_to_oneself_and_that_is_not_no_sé() -> None:
    driver = Driver()
    go_to(driver, "victim_name", RELATIVE_ABROAD_ANONYMOUS)
    labels = [o.label for m in driver.last for o in m.options]
    assert labels == ["No sé", "Prefiero no decir"]
    driver.send("2")
    assert driver.state is not None
    assert driver.state["answers"]["victim_name"] is None
    driver.send("atrás")
    driver.send_event(InboundEvent(choice="_unknown", step_id="victim_name"))
    assert driver.state["answers"]["victim_name"] == UNKNOWN


def test_who_to_ask_for_on_a_call_can_be_left_out() -> None:
    driver = Driver()
    go_to(driver, "reporter_name", VICTIM_IN_MEXICO)
    driver.send("prefiero no decir")
    assert driver.step == "contact_hours"
    assert driver.state is not None
    assert driver.state["answers"]["reporter_name"] is None


@pytest.mark.parametrize(
    ("first", "step"),
    [("Hi", "menu"), ("Hi, I want to follow my brother's case", "fu_code")],
)
def test_a_receipt_line_pasted_at_the_menu_or_the_code_question_asks_for_the_pin(
    first: str, step: str
) -> None:
    driver = Driver(channel="telegram")
    driver.send(first)
    assert driver.step == step
    driver.send("Su código de caso es: K7QM-4T9X-2HCB")
    assert driver.state is not None and driver.state["mode"] == "follow"
    assert "PIN" in driver.text


def test_a_first_message_that_is_the_receipt_line_asks_for_the_pin() -> None:
    ctx = protocol.Context(now=NOW, channel="telegram", can_erase=True)
    first = InboundEvent(text="Your case code is: K7QM-4T9X-2HCB", language_hint="en")
    result = engine.handle(None, first, ctx)
    said = "\n".join(m.text for m in result.messages)
    assert "PIN" in said
    assert "What would you like to do?" not in said


def test_a_long_word_at_the_menu_is_not_a_code() -> None:
    driver = Driver()
    driver.send("desaparecida")
    assert driver.step == "menu"
    assert driver.state is not None and driver.state["mode"] == "menu"


def test_a_greeting_at_the_menu_shows_the_menu_without_an_error() -> None:
    driver = Driver(channel="sms")
    driver.send("zzz")
    assert "número" in driver.text  # a wrong answer says how to answer
    driver.send("Hola, buenas")
    assert driver.step == "menu"
    assert [m.kind for m in driver.last if m.kind == "error"] == []


def test_on_sms_an_unclear_answer_does_not_send_a_long_list_again() -> None:
    sms = Driver(channel="sms")
    go_to(sms, "crime_types")
    assert len(sms.last[-1].options) >= 8
    sms.send("99")
    assert sms.step == "crime_types"
    assert [m.options for m in sms.last] == [()]
    assert "1 al 18" in sms.text
    sms.send("1, 5")  # the numbers of the list sent before still answer
    assert sms.step == "perpetrators"


def test_elsewhere_an_unclear_answer_shows_the_options_again() -> None:
    chat = Driver(channel="telegram")
    go_to(chat, "crime_types")
    chat.send("99")
    assert chat.step == "crime_types"
    assert len(chat.last[-1].options) >= 8


def test_on_sms_a_photo_at_a_long_list_is_thanked_without_the_list_again() -> None:
    sms = Driver(channel="sms")
    go_to(sms, "crime_types")
    photo = Media("image/jpeg", b"\xff\xd8\xff" + b"0" * 100)
    sms.send_event(InboundEvent(text="el que me robó", media=(photo,)))
    assert sms.step == "crime_types"
    assert [m.options for m in sms.last] == [()]
    assert "Pruebas guardadas: 1." in sms.text
    assert "(s)" not in sms.text


def test_a_pin_typed_where_the_code_is_asked_is_told_apart() -> None:
    driver = Driver(lang="ht", channel="whatsapp")
    driver.send("3")  # follow a case
    driver.send("485 130")
    assert driver.state is not None and driver.state["mode"] == "follow"
    assert "PIN" in driver.text and "12" in driver.text


def test_countries_are_named_in_creole_for_a_creole_reader() -> None:
    driver = Driver(lang="ht")
    go_to(driver, "victim_nationality")
    labels = [o.label for m in driver.last for o in m.options]
    assert {"Ondiras", "Etazini", "Ayiti", "Meksik"} <= set(labels)
    assert not {"États-Unis", "Mexique", "Haïti"} & set(labels)
    driver.send("Salvadò")
    assert driver.state is not None
    assert driver.state["answers"]["victim_nationality"] == "SV"


@pytest.mark.parametrize(
    ("words", "lang"),
    [("no sé", "es"), ("I don't know", "en"), ("je ne sais pas", "fr"), ("m pa konnen", "ht")],
)
def test_i_dont_know_as_a_first_message_tells_the_language(words: str, lang: str) -> None:
    ctx = protocol.Context(now=NOW, channel="console", can_erase=True)
    result = engine.handle(None, InboundEvent(text=words), ctx)
    assert [m.step_id for m in result.messages if m.step_id] == ["menu"]
    assert protocol.SetLanguage(lang) in result.effects


def test_a_relative_in_haiti_finds_haiti_among_the_countries() -> None:
    assert "HT" in follow_up.COUNTRY_SUGGESTIONS
