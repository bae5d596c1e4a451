"""The urgent fast path: a few skippable questions, the report filed at once, completed after."""

from __future__ import annotations

from typing import Any

from bot.conversation import engine, protocol
from bot.conversation.messages import InboundEvent, Location, Media
from bot.conversation.state import State
from bot.core.directory import Entry
from flows.model import UNKNOWN
from tests.conversation.test_engine import NOW, Driver

UP_TO_DANGER = [("menu", "1"), ("consent_store", "1")]


def in_danger(driver: Driver) -> None:
    driver.run(UP_TO_DANGER)
    driver.send("sí")


def filed(driver: Driver) -> list[protocol.FileUrgent]:
    return [e for e in driver.effects if isinstance(e, protocol.FileUrgent)]


def test_four_answers_after_the_danger_answer_file_the_report() -> None:
    driver = Driver()
    in_danger(driver)
    assert "911" in driver.text and "089" in driver.text
    assert driver.step == "danger_state"
    driver.send("Tamaulipas")
    assert driver.step == "happening_now"
    driver.send_event(InboundEvent(media=(Media("audio/ogg", b"OggS voice"),)))  # a voice note
    assert driver.step == "contact"
    driver.send("+52 899 123 4567")  # a typed number answers "how": call me there
    assert driver.step == "contact_hours"
    driver.send("en la noche")
    [report] = filed(driver)
    assert report.answers["danger_state"] == "MX-TAM"
    assert report.answers["happening_now"] == {"evidence": "audio"}
    assert report.answers["contact_channel"] == "phone_call"
    assert report.answers["contact_phone"] == "+528991234567"
    assert report.answers["contact_hours"] == "evening"
    assert any(isinstance(e, protocol.StoreEvidence) and e.media for e in driver.effects)
    assert "ABCD-EFGH-JKLM" in driver.text  # the receipt, then the offer to complete it
    assert driver.step == "complete"


def test_every_urgent_question_can_be_skipped() -> None:
    driver = Driver()
    in_danger(driver)
    for expected in ("danger_state", "happening_now", "contact"):
        assert driver.step == expected
        driver.send("saltar")
    [report] = filed(driver)
    assert report.answers["in_danger"] is True
    assert report.answers["danger_state"] is None  # skipped: neither "no" nor "no sé"
    assert driver.step == "complete"


def test_a_shared_location_answers_what_is_happening_now() -> None:
    driver = Driver()
    in_danger(driver)
    driver.send("no sé")
    assert driver.state is not None and driver.state["answers"]["danger_state"] == UNKNOWN
    driver.send_event(InboundEvent(location=Location(25.87, -97.5)))
    assert driver.step == "contact"
    assert driver.state is not None
    assert driver.state["answers"]["happening_now"] == {"evidence": "location"}


def test_choosing_a_call_asks_the_number_as_the_fourth_question() -> None:
    driver = Driver()
    in_danger(driver)
    driver.run([("danger_state", "Chiapas"), ("happening_now", "Me siguen dos hombres")])
    driver.run([("contact", "llamada"), ("contact_phone", "+50499887766")])
    [report] = filed(driver)
    assert report.answers["contact_phone"] == "+50499887766"
    assert "contact_hours" not in report.answers  # asked when the report is completed
    driver.send("sí")
    assert driver.step == "who"


def test_completing_adds_to_the_same_report() -> None:
    driver = Driver()
    in_danger(driver)
    for _ in range(3):
        driver.send("saltar")
    driver.send("1")  # yes, complete it now
    assert driver.step == "who"
    driver.send("1")
    assert driver.step == "reporter_where"
    assert len(filed(driver)) == 1
    saved = [e for e in driver.effects if isinstance(e, protocol.SaveAnswers)]
    assert saved[-1].answers["reporter_role"] == "victim"  # kept as it is answered
    assert saved[-1].answers["victim_count"] == 1


def test_declining_to_complete_goes_back_to_the_menu() -> None:
    driver = Driver()
    in_danger(driver)
    for _ in range(3):
        driver.send("saltar")
    driver.send("no")
    assert driver.step == "menu"
    assert "ya está enviado" in driver.text
    assert driver.state is not None and driver.state["answers"] == {}


def test_leaving_an_urgent_report_files_what_there_is() -> None:
    driver = Driver()
    in_danger(driver)
    driver.send("Veracruz")
    driver.send("salir")
    [report] = filed(driver)
    assert report.answers["danger_state"] == "MX-VER"
    assert not any(isinstance(e, protocol.DiscardDraft) for e in driver.effects)
    assert "Hasta pronto" in driver.text  # no "your answers will be deleted" question


def test_leaving_while_completing_sends_the_new_answers_too() -> None:
    driver = Driver()
    in_danger(driver)
    for _ in range(3):
        driver.send("saltar")
    driver.run([("complete", "1"), ("who", "1")])
    driver.send("salir")
    [completed] = [e for e in driver.effects if isinstance(e, protocol.SubmitCase)]
    assert completed.answers["reporter_role"] == "victim" and completed.urgent


def test_someone_still_held_is_asked_of_victims_too_and_makes_it_urgent() -> None:
    driver = Driver()
    driver.run([*UP_TO_DANGER, ("danger_now", "2")])  # someone held: one question for both
    assert any(isinstance(e, protocol.MarkUrgent) for e in driver.effects)
    assert driver.step == "danger_state"
    assert driver.state is not None
    assert driver.state["answers"]["in_danger"] is False
    assert driver.state["answers"]["still_missing_or_held"] is True


def _urgent_text(abroad: bool | None) -> str:
    driver = Driver()
    driver.ctx = protocol.Context(now=NOW, channel="sms", can_erase=False, abroad=abroad)
    in_danger(driver)
    return driver.text


def test_emergency_numbers_fit_where_the_person_is() -> None:
    mexico, abroad, unknown = _urgent_text(False), _urgent_text(True), _urgent_text(None)
    assert "llame al 911" in mexico and "089" in mexico
    assert "no se puede llamar al 911" in abroad and "que esté en México" in abroad
    assert "089" not in abroad
    assert "911" in unknown and "fuera de México" in unknown


def _receipt(**fields: Any) -> str:
    state = State(language="es", answers={"danger_state": "MX-TAM"})
    ctx = protocol.Context(
        now=NOW,
        directory=(
            Entry(
                id="casa-reynosa",
                name="Casa del Migrante de Reynosa",
                city="Reynosa",
                state="MX-TAM",
                services=("shelter",),
                contact="+52 899 000 0000",
            ),
        ),
    )
    receipt = protocol.Receipt(code="ABCD-EFGH-JKLM", pin=None, urgent=True, **fields)
    return "\n".join(m.text for m in engine.receipt_messages(state, receipt, ctx))


def test_the_receipt_names_who_reviews_it_and_when() -> None:
    text = _receipt(
        reviewers=("Albergue Senda",), response_hours=24, contact_line="+5255", alerted=True
    )
    assert "equipo de guardia de: Albergue Senda" in text and "+5255" in text
    assert "24 horas" not in text  # urgent: the on-call team now, not the usual delay
    assert "ninguna organización" not in text
    state = State(language="es")
    plain = protocol.Receipt(
        code="ABCD-EFGH-JKLM",
        pin=None,
        urgent=False,
        reviewers=("Albergue Senda",),
        response_hours=24,
    )
    text = "\n".join(m.text for m in engine.receipt_messages(state, plain))
    assert "lo revisará: Albergue Senda" in text and "24 horas" in text
    unreachable = _receipt(reviewers=("Albergue Senda",))  # no on-call number or chat set
    assert "guardia" not in unreachable and "en la bandeja de: Albergue Senda" in unreachable


def test_without_any_organization_the_receipt_says_so_and_gives_help() -> None:
    text = _receipt()
    assert "ninguna organización" in text
    assert "Casa del Migrante de Reynosa" in text and "+52 899 000 0000" in text
    assert "911" in text
