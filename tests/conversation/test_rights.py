"""Rights and help screens, nearest organizations and "delete my data", through the engine."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.conversation import engine, protocol
from bot.conversation.messages import InboundEvent, OutboundMessage
from bot.conversation.state import save, upgrade
from bot.core.directory import load
from flows import rights

NOW = datetime(2026, 11, 28, 18, 0, tzinfo=UTC)
LANGUAGES = ("es", "en", "fr", "ht")


class Driver:
    """A channel stand-in: state goes through JSON, like the database."""

    def __init__(self, lang: str = "es", channel: str = "console") -> None:
        self.ctx = protocol.Context(now=NOW, channel=channel, directory=load())
        self.state: dict[str, Any] | None = None
        self.effects: list[protocol.Effect] = []
        self.last: list[OutboundMessage] = []
        self.event(InboundEvent(language_hint=lang))

    def event(self, event: InboundEvent) -> list[OutboundMessage]:
        result = engine.handle(upgrade(self.state) if self.state else None, event, self.ctx)
        self.state = json.loads(json.dumps(save(result.state)))
        self.effects += result.effects
        self.last = result.messages
        return result.messages

    def send(self, text: str) -> str:
        self.event(InboundEvent(text=text))
        return self.text

    def press(self, code: str) -> str:
        self.event(InboundEvent(choice=code, step_id=self.step))
        return self.text

    @property
    def step(self) -> str | None:
        ids = [m.step_id for m in self.last if m.step_id]
        return ids[-1] if ids else None

    @property
    def codes(self) -> list[str]:
        return [o.code for o in self.last[-1].options]

    @property
    def text(self) -> str:
        return "\n".join(m.text for m in self.last)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_rights_is_in_the_main_menu_and_every_topic_has_more(lang: str) -> None:
    driver = Driver(lang)
    assert "rights" in driver.codes
    driver.press("rights")
    assert driver.step == "rights"
    assert driver.codes == [topic.id for topic in rights.TOPICS] + ["menu"]
    for number, topic in enumerate(rights.TOPICS, start=1):
        if topic.action is not None:
            continue
        driver.send(str(number))  # typed number works like a button
        assert driver.step == "topic" and driver.codes == ["more", "topics", "menu"]
        short = driver.text
        driver.press("more")
        assert driver.codes == ["topics", "menu"] and driver.text != short
        driver.press("topics")
        assert driver.step == "rights"
    driver.press("menu")
    assert driver.step == "menu"


def test_spanish_topics_say_what_the_law_says() -> None:
    driver = Driver("es")
    driver.press("rights")
    seen = []
    for topic in rights.TOPICS:
        if topic.action is None:
            driver.press(topic.id)
            driver.press("more")
            seen.append(driver.text)
            driver.press("topics")
    text = "\n".join(seen)
    for fact in (
        "Unidad de Investigación de Delitos para Personas Migrantes",
        "Mecanismo de Apoyo Exterior Mexicano de Búsqueda e Investigación",
        "visitante por razones humanitarias",
        "artículo 52, fracción V",
        "prueba anticipada",
        "artículo 304",
        "Comisión Nacional de los Derechos Humanos",
        "089",
        "911",
    ):
        assert fact in text or fact in "\n".join(
            rights.TOPIC_INDEX[t].text for t in rights.TOPIC_INDEX
        ), fact


def test_no_phone_number_in_the_texts_but_911_and_089() -> None:
    import re

    for topic in rights.TOPICS:
        for text in (topic.text, topic.more or ""):
            numbers = set(re.findall(r"\d{3,}", text))
            assert numbers <= {"911", "089", "304"}, numbers


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("Sonora", "Kino Border Initiative"),
        ("oaxaca", "Hermanos en el Camino"),
        ("Honduras", "Fundación para la Justicia"),
        ("Estados Unidos", "Kino Border Initiative"),
    ],
)
def test_shelters_near_you(typed: str, first: str) -> None:
    driver = Driver("es")
    driver.press("rights")
    driver.press("directory")
    assert driver.step == "rights_where"
    text = driver.send(typed)
    assert driver.step == "topic" and driver.codes == ["topics", "menu"]
    lines = text.splitlines()
    assert first in lines[1], text
    assert "911" in text


def test_an_unknown_place_is_asked_again() -> None:
    driver = Driver("en")
    driver.press("rights")
    driver.press("directory")
    driver.send("Atlantis")
    assert driver.step == "rights_where"
    driver.send("Tabasco")
    assert "La 72" in driver.text


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("es", "Borrar mis datos"),
        ("en", "delete my data"),
        ("fr", "Effacer mes données"),
        ("ht", "efase done mwen"),
    ],
)
def test_delete_my_data_asks_first_then_erases(lang: str, words: str) -> None:
    driver = Driver(lang, channel="sms")
    driver.press("report")
    driver.send(words)
    assert driver.step == "confirm_erase" and driver.codes == ["yes", "no"]
    assert not any(isinstance(e, protocol.EraseContact) for e in driver.effects)
    driver.press("yes")
    assert any(isinstance(e, protocol.EraseContact) for e in driver.effects)
    assert driver.state is not None and driver.state["answers"] == {}
    assert "Twilio" in driver.text  # what could not be erased


def test_delete_my_data_can_be_declined_and_the_question_comes_back() -> None:
    driver = Driver("es")
    driver.press("report")
    assert driver.step == "consent_store"
    driver.send("borrar mis datos")
    driver.send("no")
    assert driver.step == "consent_store"
    assert not any(isinstance(e, protocol.EraseContact) for e in driver.effects)


def test_delete_my_data_from_the_rights_menu_and_unclear_answers() -> None:
    driver = Driver("es", channel="whatsapp")
    driver.press("rights")
    driver.press("erase")
    assert driver.step == "confirm_erase"
    driver.send("quizás")
    assert driver.step == "confirm_erase"
    driver.send("1")
    assert any(isinstance(e, protocol.EraseContact) for e in driver.effects)
    assert "WhatsApp" in driver.text


def test_stale_buttons_and_help_inside_rights() -> None:
    driver = Driver("es")
    driver.press("rights")
    driver.event(InboundEvent(choice="visa", step_id="menu"))  # a stale press
    assert driver.step == "rights"
    driver.press("visa")
    driver.send("ayuda")
    assert driver.step == "topic"
    driver.send("idioma")
    driver.send("English")
    assert driver.step == "topic" and driver.codes == ["more", "topics", "menu"]
