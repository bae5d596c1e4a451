"""Full conversations through the pure engine: every path, every input kind's bad input."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.conversation import engine, protocol
from bot.conversation.messages import InboundEvent, Location, Media, OutboundMessage
from bot.conversation.state import Mode, State, save, upgrade
from bot.core import channels, i18n
from flows.model import UNKNOWN
from tests.support.complaint_script import (
    CANARY_NAME,
    CANARY_SENTENCE,
    RELATIVE_ABROAD_ANONYMOUS,
    VICTIM_IN_MEXICO,
)

NOW = datetime(2026, 11, 28, 18, 0, tzinfo=UTC)


class Driver:
    """Talks to the engine like a channel would; state goes through JSON like the database."""

    def __init__(self, lang: str | None = "es", channel: str = "console") -> None:
        self.ctx = protocol.Context(
            now=NOW,
            channel=channel,
            can_erase=channels.can_erase(channel),  # as the intake does
        )
        self.state: dict[str, Any] | None = None
        self.effects: list[protocol.Effect] = []
        self.last: list[OutboundMessage] = []
        self.send_event(InboundEvent(language_hint=lang))

    def send_event(self, event: InboundEvent) -> list[OutboundMessage]:
        state = upgrade(self.state) if self.state else None
        result = engine.handle(state, event, self.ctx)
        self.state = json.loads(json.dumps(save(result.state)))  # saved and loaded, as in storage
        self.effects += result.effects
        self.last = result.messages + self.receipts(result)
        return self.last

    def receipts(self, result: protocol.Result) -> list[OutboundMessage]:
        """What the service says once it filed a report (an urgent one, or completed one)."""
        said: list[OutboundMessage] = []
        for effect in result.effects:
            if isinstance(effect, protocol.FileUrgent | protocol.SubmitCase):
                completed = isinstance(effect, protocol.SubmitCase) and result.state.filed
                receipt = protocol.Receipt(
                    code=None if completed else "ABCD-EFGH-JKLM",
                    pin=None,
                    urgent=isinstance(effect, protocol.FileUrgent) or effect.urgent,
                    reviewers=("Albergue Demo",),
                    completed=completed,
                )
                said += engine.receipt_messages(result.state, receipt, self.ctx)
        return said

    def send(self, text: str) -> list[OutboundMessage]:
        return self.send_event(InboundEvent(text=text))

    @property
    def step(self) -> str | None:
        ids = [m.step_id for m in self.last if m.step_id]
        return ids[-1] if ids else None

    @property
    def text(self) -> str:
        return "\n".join(m.text + "".join(f"\n- {o.label}" for o in m.options) for m in self.last)

    def run(self, script: list[tuple[str, str]]) -> None:
        for expected, answer in script:
            assert self.step == expected, f"expected {expected}, at {self.step}: {self.text}"
            self.send(answer)

    def submitted(self) -> protocol.SubmitCase:
        found = [e for e in self.effects if isinstance(e, protocol.SubmitCase)]
        assert len(found) == 1
        return found[0]


def test_first_contact_asks_language_then_menu() -> None:
    driver = Driver(lang=None)
    assert driver.step == "language"
    assert [o.code for o in driver.last[-1].options][:2] == ["es", "en"]
    driver.send("English")
    assert driver.step == "menu"
    assert "never" in driver.text.lower()  # Camino never asks for money
    assert any(isinstance(e, protocol.SetLanguage) and e.language == "en" for e in driver.effects)


@pytest.mark.parametrize("lang", i18n.available_languages())
def test_victim_in_mexico_full_complaint_each_language(lang: str) -> None:
    driver = Driver(lang=lang)
    driver.run(VICTIM_IN_MEXICO)
    submitted = driver.submitted()
    answers = submitted.answers
    assert submitted.language == lang
    assert answers["reporter_role"] == "victim"
    assert answers["reporter_state"] == "MX-CHP"
    assert "reporter_country" not in answers  # asked only when abroad
    assert "victim_name" not in answers  # the reporter is the victim
    assert answers["still_missing_or_held"] is False  # asked of victims too
    assert answers["crime_types"] == ["kidnapping", "extortion"]
    assert answers["perpetrators"] == ["organized_crime", "inm_agent"]
    assert "officials_colluded" not in answers  # the perpetrators were officials
    assert answers["incident_state"] == "MX-OAX"
    assert answers["place_type"] == "rural"  # understood from "Rancho Canaryhill"
    assert answers["incident_date"] == {"precision": "day", "value": "2026-03-15"}
    assert answers["victim_count"] == 2
    assert answers["victim_nationality"] == "HN"
    assert answers["victim_gender"] == "man" and answers["victim_age_group"] == "18_29"
    assert answers["wants"] == ["complaint", "visa", "family"]
    assert answers["wants_complaint"] is True and answers["wants_visa_info"] is True
    assert answers["allow_family_follow"] is True and answers["already_reported"] is False
    assert answers["contact_channel"] == "phone_call" and answers["wants_contact"] is True
    assert answers["anonymous"] is False
    assert answers["contact_phone"] == "+50499887766"
    assert answers["reporter_name"] == CANARY_NAME
    assert answers["description"] == CANARY_SENTENCE
    assert "indigenous_language" not in answers  # asked where indigenous languages are common
    assert not submitted.urgent
    assert driver.state is not None and driver.state["mode"] == "menu"
    assert driver.state["answers"] == {}


def test_relative_abroad_anonymous_and_urgent() -> None:
    driver = Driver(lang="en")
    driver.run(RELATIVE_ABROAD_ANONYMOUS[:3])
    assert "911" in driver.text and "089" in driver.text  # emergency numbers first
    assert any(isinstance(e, protocol.MarkUrgent) for e in driver.effects)
    driver.run(RELATIVE_ABROAD_ANONYMOUS[3:])
    filed = [e for e in driver.effects if isinstance(e, protocol.FileUrgent)]
    assert len(filed) == 1 and filed[0].answers["danger_state"] == "MX-TAM"
    submitted = driver.submitted()
    answers = submitted.answers
    assert submitted.urgent
    assert answers["reporter_country"] == "HN"
    assert answers["still_missing_or_held"] is True
    assert answers["victim_name"] == CANARY_NAME
    assert answers["victim_count"] == 1  # "a un familiar": one person
    assert answers["incident_place"] == UNKNOWN  # "No sé", not skipped
    assert answers["anonymous"] is True and answers["wants_contact"] is False
    for field in ("reporter_name", "contact_phone"):
        assert field not in answers  # an anonymous report keeps no contact details
    assert answers["contact_channel"] is None


def test_in_danger_now_gives_emergency_numbers_and_marks_urgent() -> None:
    driver = Driver()
    driver.run([("menu", "1"), ("consent_store", "sí")])
    driver.send("sí, yo")
    assert "911" in driver.text and "089" in driver.text
    assert driver.step == "danger_state"  # then the urgent fast path
    assert any(isinstance(e, protocol.MarkUrgent) for e in driver.effects)


def test_without_consent_nothing_is_kept() -> None:
    driver = Driver()
    driver.run([("menu", "1"), ("consent_store", "no")])
    assert driver.step == "menu"
    assert any(isinstance(e, protocol.DiscardDraft) for e in driver.effects)
    assert driver.state is not None and driver.state["answers"] == {}


def go_to(driver: Driver, step_id: str, script: list[tuple[str, str]] = VICTIM_IN_MEXICO) -> None:
    for expected, answer in script:
        if expected == step_id:
            assert driver.step == step_id
            return
        driver.send(answer)
    raise AssertionError(step_id)


BAD_INPUT = [
    ("who", "zzzz"),
    ("crime_types", "1, 99"),
    ("danger_now", "quizás"),
    ("description", "   "),
    ("victim_count", "muchísimos"),
    ("victim_count", "0"),
    ("incident_date", "el año del caballo"),
    ("incident_date", "15/03/2099"),
    ("victim_nationality", "Narnia"),
    ("reporter_where", "Narnia"),
    ("victim_age_group", "mil"),
    ("contact_phone", "12"),
]


@pytest.mark.parametrize(("step_id", "bad"), BAD_INPUT)
def test_bad_input_reprompts_with_a_hint_and_keeps_answers(step_id: str, bad: str) -> None:
    driver = Driver()
    go_to(driver, step_id)
    before = dict(driver.state["answers"])  # type: ignore[index]
    driver.send(bad)
    assert driver.step == step_id, driver.text
    assert driver.state is not None and driver.state["answers"] == before
    assert len(driver.text) > 20  # a hint, then the question again


def test_too_long_message_gets_a_kind_answer() -> None:
    driver = Driver()
    go_to(driver, "description")
    driver.send("a" * 5000)
    assert driver.step == "description"
    assert "largo" in driver.text


def test_back_returns_to_previous_question_and_forgets_its_answer() -> None:
    driver = Driver()
    go_to(driver, "description")
    driver.send("atrás")
    assert driver.step == "reporter_where"
    assert "reporter_state" not in driver.state["answers"]  # type: ignore[index]
    driver.send("Coahuila")
    assert driver.state["answers"]["reporter_state"] == "MX-COA"  # type: ignore[index]
    assert driver.step == "description"


def test_back_forgets_what_an_answer_understood() -> None:
    driver = Driver()
    go_to(driver, "description")
    driver.send("Me robaron y me golpearon unos pandilleros")
    assert driver.step == "incident_place"  # what happened and who: understood
    answers = driver.state["answers"]  # type: ignore[index]
    assert answers["crime_types"] == ["robbery", "assault"]
    assert answers["perpetrators"] == ["gang"]
    driver.send("atrás")
    assert driver.step == "description"
    assert "crime_types" not in driver.state["answers"]  # type: ignore[index]


def test_back_at_first_question_stays() -> None:
    driver = Driver()
    driver.send("1")
    assert driver.step == "consent_store"
    driver.send("back")
    assert driver.step == "consent_store"


def test_change_an_answer_at_the_summary() -> None:
    driver = Driver()
    driver.run(VICTIM_IN_MEXICO[:-1])
    assert driver.step == "summary"
    assert CANARY_SENTENCE in driver.text  # the console can erase: details are shown
    driver.send("2")  # change an answer
    assert driver.step == "edit"
    options = [o.code for o in driver.last[-1].options]
    driver.send(str(options.index("reporter_where") + 1))
    assert driver.step == "reporter_where"
    driver.send("Guatemala")  # now abroad: the country, and no state
    assert driver.step == "summary"
    driver.send("1")
    answers = driver.submitted().answers
    assert answers["reporter_country"] == "GT"
    assert "reporter_state" not in answers


def test_back_while_changing_restores_the_old_answer() -> None:
    driver = Driver()
    driver.run(VICTIM_IN_MEXICO[:-1])
    driver.send("2")
    options = [o.code for o in driver.last[-1].options]
    driver.send(str(options.index("victim_count") + 1))
    driver.send("atrás")
    assert driver.step == "summary"
    assert driver.state["answers"]["victim_count"] == 2  # type: ignore[index]


def test_summary_hides_personal_details_on_channels_that_cannot_erase() -> None:
    driver = Driver(channel="sms")
    driver.run(VICTIM_IN_MEXICO[:-1])
    assert driver.step == "summary"
    assert CANARY_SENTENCE not in driver.text
    assert CANARY_NAME not in driver.text
    assert "Secuestro" not in driver.text and "Chiapas" not in driver.text  # nor crimes, places
    driver.send("3")  # unless the person asks to see them
    assert "Secuestro" in driver.text and CANARY_SENTENCE in driver.text
    assert driver.step == "summary"


def test_exit_asks_confirmation_then_discards() -> None:
    driver = Driver()
    go_to(driver, "crime_types")
    driver.send("salir")
    assert driver.step == "confirm_exit"
    driver.send("no")
    assert driver.step == "crime_types"
    driver.send("SALIR")
    driver.send("sí")
    assert any(isinstance(e, protocol.DiscardDraft) for e in driver.effects)
    assert driver.state["answers"] == {}  # type: ignore[index]
    assert driver.state["mode"] == "idle"  # type: ignore[index]
    driver.send("hola")
    assert driver.step == "menu"


def test_help_then_same_question() -> None:
    driver = Driver()
    go_to(driver, "incident_date")
    driver.send("Ayuda")
    assert driver.step == "incident_date"
    assert "atrás" in driver.text


def test_language_change_keeps_answers() -> None:
    driver = Driver()
    go_to(driver, "crime_types")
    answers = dict(driver.state["answers"])  # type: ignore[index]
    driver.send("idioma")
    assert driver.step == "language"
    driver.send("2")
    assert driver.step == "crime_types"
    assert driver.state["language"] == "en"  # type: ignore[index]
    assert driver.state["answers"] == answers  # type: ignore[index]
    assert "Kidnapping" in driver.text


def test_menu_keeps_the_draft_to_continue() -> None:
    driver = Driver()
    go_to(driver, "crime_types")
    driver.send("MENÚ")
    assert driver.step == "menu"
    assert "Continuar" in driver.text
    driver.send("1")
    assert driver.step == "crime_types"


def test_buttons_and_stale_buttons() -> None:
    driver = Driver()
    go_to(driver, "who")
    driver.send_event(InboundEvent(choice="me", step_id="consent_store"))
    assert driver.step == "who"  # a stale press re-asks
    assert "who" not in driver.state["answers"]  # type: ignore[index]
    driver.send_event(InboundEvent(choice="forged", step_id="who"))
    assert driver.step == "who"
    driver.send_event(InboundEvent(choice="witness", step_id="who"))
    assert driver.state["answers"]["reporter_role"] == "witness"  # type: ignore[index]


def test_multiple_choice_by_toggling_buttons() -> None:
    driver = Driver()
    go_to(driver, "crime_types")
    driver.send_event(InboundEvent(choice="extortion", step_id="crime_types"))
    driver.send_event(InboundEvent(choice="robbery", step_id="crime_types"))
    driver.send_event(InboundEvent(choice="robbery", step_id="crime_types"))
    assert any(o.label.startswith("✓") for o in driver.last[-1].options)
    driver.send_event(InboundEvent(choice="_done", step_id="crime_types"))
    assert driver.state["answers"]["crime_types"] == ["extortion"]  # type: ignore[index]


def test_choices_accept_labels_with_typos_and_accents() -> None:
    driver = Driver()
    go_to(driver, "crime_types")
    driver.send("secustro y EXTORSION")
    assert driver.state["answers"]["crime_types"] == ["kidnapping", "extortion"]  # type: ignore[index]


def test_evidence_media_and_location() -> None:
    driver = Driver()
    go_to(driver, "description")  # files are kept at any question
    photo = Media("image/jpeg", b"\xff\xd8" + b"0" * 100)
    driver.send_event(InboundEvent(media=(photo,)))
    driver.send_event(InboundEvent(location=Location(17.5, -95.0)))
    driver.send_event(InboundEvent(media=(Media("video/mp4", b"x" * 10),)))
    driver.send_event(InboundEvent(media=(Media("image/png", b"x" * (6 * 1024 * 1024)),)))
    assert "5 MB" in driver.text
    stored = [e for e in driver.effects if isinstance(e, protocol.StoreEvidence)]
    assert len(stored) == 2
    assert driver.step == "description"  # a photo is not the account: asked again
    assert "description" not in driver.state["answers"]  # type: ignore[index]


def test_location_fills_the_incident_place() -> None:
    driver = Driver()
    go_to(driver, "incident_place")
    driver.send_event(InboundEvent(location=Location(16.56, -95.1)))
    assert driver.state["answers"]["incident_place"] == {"lat": 16.56, "lon": -95.1}  # type: ignore[index]
    assert driver.step == "incident_state"


def test_skip_by_word_and_by_button() -> None:
    driver = Driver()
    go_to(driver, "incident_place")
    driver.send("saltar")
    assert driver.state["answers"]["incident_place"] is None  # type: ignore[index]
    driver.send("atrás")
    driver.send_event(InboundEvent(choice="_skip", step_id="incident_place"))
    assert driver.state["answers"]["incident_place"] is None  # type: ignore[index]


def test_approximate_dates() -> None:
    driver = Driver()
    go_to(driver, "incident_date")
    driver.send("marzo")
    assert driver.state["answers"]["incident_date"]["precision"] == "month"  # type: ignore[index]
    driver.send("atrás")
    driver.send("hace más de un año")
    assert driver.state["answers"]["incident_date"] == {  # type: ignore[index]
        "precision": "over_a_year",
        "value": None,
    }


def test_start_with_deep_link_payload_opens_the_follow_up_at_the_pin() -> None:
    driver = Driver()
    driver.send_event(InboundEvent(command="start", payload="K7QM4T9X2HCB"))
    assert driver.step == "fu_pin"


def test_receipt_shows_code_and_pin() -> None:
    state = State(language="en", mode=Mode.MENU)
    messages = engine.receipt_messages(state, protocol.Receipt("K7QM-4T9X-2HCB", "123456", True))
    assert "K7QM-4T9X-2HCB" in messages[0].text and "123456" not in messages[0].text
    assert messages[1].kind == "pin" and "123456" in messages[1].text  # shown once, on its own
    assert messages[0].sensitive and messages[1].sensitive
    assert "not the government" in messages[0].text
    assert messages[-1].step_id == "menu"


def test_an_old_yes_button_never_confirms_leaving() -> None:
    driver = Driver()
    go_to(driver, "crime_types")
    driver.send("salir")
    driver.send_event(InboundEvent(choice="yes", step_id="consent_store"))
    assert driver.step == "confirm_exit"
    assert not any(isinstance(e, protocol.DiscardDraft) for e in driver.effects)
    driver.send_event(InboundEvent(choice="yes", step_id="confirm_exit"))
    assert any(isinstance(e, protocol.DiscardDraft) for e in driver.effects)


def test_a_caption_at_the_description_answers_and_the_photo_is_kept() -> None:
    driver = Driver()
    go_to(driver, "description")
    photo = Media("image/jpeg", b"\xff\xd8\xff\xe0" + b"0" * 64)
    driver.send_event(InboundEvent(text="Así nos dejaron", media=(photo,)))
    assert driver.state["answers"]["description"] == "Así nos dejaron"  # type: ignore[index]
    assert driver.step == "crime_types"
    assert any(isinstance(e, protocol.StoreEvidence) for e in driver.effects)


def test_the_size_limit_in_force_is_named() -> None:
    driver = Driver()
    driver.ctx = protocol.Context(now=NOW, media_max_bytes=2 * 1024 * 1024 + 512 * 1024)
    go_to(driver, "description")
    driver.send_event(InboundEvent(media=(Media("image/png", b"\x89PNG" + b"0" * 3_000_000),)))
    assert "2.5 MB" in driver.text


def test_a_contact_card_answers_only_where_a_number_is_asked() -> None:
    driver = Driver()
    go_to(driver, "description")
    before = dict(driver.state["answers"])  # type: ignore[index]
    driver.send_event(InboundEvent(contact="+50499887766"))
    assert driver.step == "description" and driver.state["answers"] == before  # type: ignore[index]
    assert driver.text.startswith("Escriba su respuesta") and "qué pasó" in driver.text
    driver = Driver()
    go_to(driver, "contact_phone")
    driver.send_event(InboundEvent(contact="+50499887766"))
    assert driver.step == "reporter_name"
    assert driver.state["answers"]["contact_phone"] == "+50499887766"  # type: ignore[index]


def test_no_no_se_and_skipped_are_three_answers() -> None:
    driver = Driver()
    script = [
        ("menu", "1"),
        ("consent_store", "sí"),
        ("danger_now", "no"),
        ("who", "1"),
        ("reporter_where", "no sé"),
        ("description", "Nos pararon en el camino"),
        ("crime_types", "no sé"),
        ("perpetrators", "no sé"),
        ("incident_place", "saltar"),
        ("incident_state", "Chiapas"),
        ("place_type", "No sé"),
        ("incident_date", "anoche"),
        ("victim_nationality", "Guatemala"),
        ("victim_gender", "hombre, 40"),
        ("indigenous_language", "no"),
    ]
    driver.run(script)
    answers = driver.state["answers"]  # type: ignore[index]
    assert answers["reporter_where"] == UNKNOWN and answers["crime_types"] == UNKNOWN
    assert answers["perpetrators"] == ["unknown"]  # the list's own "No sé"
    assert answers["incident_place"] is None  # skipped
    assert answers["place_type"] == UNKNOWN
    assert answers["indigenous_language"] is False  # "no" is an answer here
    assert answers["incident_date"] == {"precision": "day", "value": "2026-11-27"}
    assert "officials_colluded" not in answers  # no sign of organized crime: not asked
    assert driver.step == "wants"
    driver.run([("wants", "10"), ("contact", "1")])
    assert "- Lengua indígena: No\n" in driver.text and "- Lugar: (sin respuesta)" in driver.text
    assert "- Qué pasó: No sabe" in driver.text


def test_preferring_to_tell_a_person_is_a_call_back_request() -> None:
    driver = Driver()
    driver.run([("menu", "1"), ("consent_store", "sí"), ("danger_now", "no"), ("who", "1")])
    driver.run([("reporter_where", "Chiapas")])
    assert driver.step == "description"
    driver.send_event(InboundEvent(choice="_person", step_id="description"))
    assert driver.state["answers"]["description"] == {"person": True}  # type: ignore[index]
    assert driver.step == "crime_types"  # the rest can still be answered, or skipped
