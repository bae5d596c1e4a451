"""Flows are checked when the engine loads them: a broken flow stops the start, not a person."""

from __future__ import annotations

import pytest

from bot.conversation.modes.complaint import FLOWS, FlowError, checked
from flows.complaint import COMPLAINT
from flows.model import Choice, Flow, Is, Not, Step

YES = Step("consent", "yesno", "¿Está de acuerdo?", "Acuerdo")
PICK = Step("color", "choice", "¿Qué color?", "Color", choices=(Choice("red", "Rojo"),))


def test_the_complaint_flow_is_checked_and_loaded() -> None:
    assert FLOWS[COMPLAINT.id] is checked(COMPLAINT)


@pytest.mark.parametrize(
    ("steps", "problem"),
    [
        ((YES, YES), "used twice"),
        ((Step("_done", "text", "?", "?"),), "reserved"),
        ((Step("size", "shoe", "?", "?"),), "unknown kind"),  # type: ignore[arg-type]
        ((Step("color", "choice", "?", "?"),), "choices"),
        ((Step("c", "multi", "?", "?", choices=(Choice("a", "A"), Choice("a", "B"))),), "choices"),
        ((Step("n", "number", "?", "?", choices=(Choice("a", "A"),)),), "choices"),
        ((Step("why", "text", "?", "?", when=Is("color", ("red",))), PICK), "later"),
        ((Step("why", "text", "?", "?", when=Not(Is("nowhere", (True,)))),), "later"),
    ],
)
def test_a_broken_flow_is_refused_naming_the_step(steps: tuple[Step, ...], problem: str) -> None:
    with pytest.raises(FlowError, match=problem):
        checked(Flow("broken", "Roto", steps))


def test_a_condition_on_an_earlier_answer_is_fine() -> None:
    flow = Flow("fine", "Bien", (PICK, Step("why", "text", "?", "?", when=Is("color", ("red",)))))
    assert checked(flow) is flow
