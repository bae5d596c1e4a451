"""After sending: what the person may do next, for what they asked for and what happened."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest
from babel.messages.pofile import read_po

from bot.channels.twilio import gsm7
from bot.channels.twilio.render import sms_texts
from bot.conversation import next_steps
from bot.core.i18n import LOCALES, translator
from flows.next_steps import TOPICS
from tests.conversation.test_engine import Driver
from tests.conversation.test_people import drive
from tests.support.complaint_script import VICTIM_IN_MEXICO
from tests.support.people import GUATEMALAN_MAN, HONDURAN_WOMAN, SALVADORAN_FATHER


def test_topics_follow_what_was_asked_and_what_happened() -> None:
    woman = {"wants": ["protection", "care"], "crime_types": ["sexual_violence"]}
    assert next_steps.topics(woman) == ["sexual_care", "care", "protection"]
    father = {"wants": ["search"], "crime_types": ["disappearance"], "reporter_where": "abroad"}
    assert next_steps.topics(father) == ["search", "consulate"]
    # Missing, though nobody chose "search": the search starts at once all the same.
    assert next_steps.topics({"danger_now": "missing", "wants": ["nothing"]}) == ["search"]
    assert next_steps.topics({"wants": ["complaint"], "reporter_where": "mexico"}) == ["complaint"]
    assert next_steps.topics({"wants": ["nothing", "family"]}) == []
    assert next_steps.topics({"wants": "unknown", "crime_types": None}) == []


def replies(phone: object) -> str:
    return "\n".join(m.text for m in phone.last)  # type: ignore[attr-defined]


@pytest.mark.parametrize("person", [HONDURAN_WOMAN, SALVADORAN_FATHER, GUATEMALAN_MAN])
def test_on_sms_the_information_comes_when_asked_in_short(person: object) -> None:
    phone = drive(person)  # type: ignore[arg-type]
    receipt = replies(phone)
    assert "responda MÁS" in receipt and "Denuncia:" not in receipt
    phone.send("mas")
    told = replies(phone)
    assert "no una promesa" in told
    bodies = sms_texts(phone.last, fold=True)
    assert all(gsm7.segments(body) <= 3 for body in bodies)
    assert "¿Qué quiere hacer?" not in told  # the menu is not sent again on SMS
    if person is SALVADORAN_FATHER:
        assert "72 horas" in told and "consulado" in told
    if person is HONDURAN_WOMAN:
        assert "VIH" in told and "Protección" in told
    if person is GUATEMALAN_MAN:
        assert "Fiscalía" in told and "CNDH" in told


def test_each_short_text_fits_one_sms_in_every_language() -> None:
    for lang in ("es", "en", "fr", "ht"):
        t = translator(lang)
        for topic in TOPICS:
            assert gsm7.segments(gsm7.fold(t(topic.short))) == 1, (lang, topic.code)


def test_every_text_names_its_source_in_the_catalog() -> None:
    with (LOCALES / "es" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    for topic in TOPICS:
        for msgid in (topic.text, topic.short):
            comments = " ".join(catalog[msgid].auto_comments)
            assert re.search(r"art\.|arts\.|NOM-|Acuerdo|https://", comments), msgid


def test_no_text_promises_an_outcome() -> None:
    for topic in TOPICS:
        for text in (topic.text, topic.short):
            assert not re.search(r"\b(le daremos|le darán|obtendrá|garantiza)", text), text


def test_where_the_chat_can_be_erased_the_full_text_follows_the_receipt() -> None:
    driver = Driver(channel="telegram")
    driver.run(VICTIM_IN_MEXICO)  # a denuncia and a humanitarian visa asked for
    receipt, info = driver.last[0], driver.last[1]
    assert "Camino no es el gobierno" in receipt.text and "MÁS" not in receipt.text
    assert info.text.startswith("Lo que puede hacer ahora (es información, no una promesa):")
    assert "prueba anticipada" in info.text and "razones humanitarias" in info.text
    assert info.sensitive  # erased with the rest when the person asks


@pytest.mark.parametrize("lang", ["es", "en", "fr", "ht"])
def test_on_whatsapp_the_information_does_not_name_the_crime(lang: str) -> None:
    """A WhatsApp chat stays on a phone others may look at: the care after sexual violence is
    told in the words SMS uses, which do not name what happened."""
    driver = Driver(lang=lang, channel="whatsapp")
    script = [(step, "8" if step == "crime_types" else answer) for step, answer in VICTIM_IN_MEXICO]
    driver.run(script)
    assert driver.submitted().answers["crime_types"] == ["sexual_violence"]
    told = "\n".join(m.text for m in driver.send("mas"))
    t = translator(lang)
    care = next(topic for topic in TOPICS if topic.code == "sexual_care")
    assert t(care.short) in told
    assert t(care.text) not in told
    assert not re.search(r"violaci|\brape|\bviol\b|vyòl", told, re.IGNORECASE), told


def test_a_seized_phone_gets_no_information_about_an_old_report() -> None:
    """Whoever holds the phone days later (the person deleted the chat, as advised) learns
    nothing of the report by writing MÁS: it is answered only in the hours after sending."""
    phone = drive(HONDURAN_WOMAN)
    sent_at = phone.ctx.now
    phone.ctx = replace(phone.ctx, now=sent_at + timedelta(hours=2))
    phone.send("mas")
    assert "VIH" in replies(phone)  # soon after sending: what she may do now
    phone.ctx = replace(phone.ctx, now=sent_at + timedelta(days=3))
    phone.send("mas")
    told = replies(phone)
    assert "VIH" not in told and "no una promesa" not in told
