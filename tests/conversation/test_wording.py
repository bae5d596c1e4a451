"""What a person reads at each question: no question asked twice in the same words, no two
options that mean the same, a way to keep a name to oneself."""

from __future__ import annotations

from collections import Counter

from flows.complaint import COMPLAINT
from flows.model import UNKNOWN
from tests.conversation.test_engine import Driver, go_to
from tests.support.complaint_script import RELATIVE_ABROAD_ANONYMOUS


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
