"""The three people of issue 14 through the engine, as SMS: questions asked, segments sent."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.channels.twilio import gsm7
from bot.channels.twilio.render import sms_texts
from bot.conversation import engine, protocol
from bot.conversation.messages import InboundEvent, OutboundMessage
from bot.conversation.state import save, upgrade
from tests.support.people import MAX_QUESTIONS, MAX_SMS_SEGMENTS, PEOPLE, Person

NOW = datetime(2026, 11, 28, 18, 0, tzinfo=UTC)


class SmsPerson:
    """One person on SMS: what Camino sends is rendered and counted as the SMS channel does."""

    def __init__(self, abroad: bool) -> None:
        self.ctx = protocol.Context(now=NOW, channel="sms", can_erase=False, abroad=abroad)
        self.state: dict[str, Any] | None = None
        self.effects: list[protocol.Effect] = []
        self.bodies: list[str] = []
        self.last: list[OutboundMessage] = []

    def send(self, text: str | None) -> None:
        event = InboundEvent(text=text) if text is not None else InboundEvent()
        result = engine.handle(upgrade(self.state) if self.state else None, event, self.ctx)
        self.state = json.loads(json.dumps(save(result.state)))
        said = list(result.messages)
        for effect in result.effects:
            if isinstance(effect, protocol.FileUrgent | protocol.SubmitCase):
                filed_before = any(isinstance(e, protocol.FileUrgent) for e in self.effects)
                completed = isinstance(effect, protocol.SubmitCase) and filed_before
                receipt = protocol.Receipt(
                    code=None if completed else "ABCD-EFGH-JKLM",
                    pin=None,
                    urgent=isinstance(effect, protocol.FileUrgent) or effect.urgent,
                    reviewers=("Albergue Demo",),
                    response_hours=24,
                    completed=completed,
                )
                said += engine.receipt_messages(result.state, receipt, self.ctx)
        self.effects += result.effects
        self.last = said
        self.bodies += sms_texts(said, fold=True)

    @property
    def step(self) -> str | None:
        ids = [m.step_id for m in self.last if m.step_id]
        return ids[-1] if ids else None


def drive(person: Person) -> SmsPerson:
    phone = SmsPerson(abroad=not person.sender.startswith("+52"))
    phone.send("Hola")  # Spanish, from the greeting: the language is not asked
    for expected, answer in person.script:
        shown = "\n".join(m.text for m in phone.last)
        assert phone.step == expected, (
            f"{person.name}: expected {expected}, at {phone.step}: {shown}"
        )
        phone.send(answer)
    return phone


@pytest.mark.parametrize("person", PEOPLE, ids=lambda p: p.name)
def test_each_person_answers_at_most_15_questions_in_at_most_25_segments(person: Person) -> None:
    phone = drive(person)
    segments = sum(gsm7.segments(body) for body in phone.bodies)
    print(
        f"\n{person.name}: {person.questions} questions, {len(phone.bodies)} SMS, "
        f"{segments} segments"
    )
    assert any(isinstance(e, protocol.SubmitCase) for e in phone.effects)
    assert all(gsm7.segments(body) <= 3 for body in phone.bodies)
    assert person.questions <= MAX_QUESTIONS
    assert segments <= MAX_SMS_SEGMENTS
