"""The load generator's reporters walk the intake as it is: each script they complete files one
complaint, on SMS and on Telegram (a script out of step would measure error replies instead)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from bench.loadgen import Person
from bot.conversation.messages import InboundEvent
from bot.store.contacts import Sender
from bot.store.models import Case
from tests.support.factories import make_runtime


@pytest.mark.parametrize("channel", ["sms", "telegram"])
def test_every_completed_script_files_one_complaint(channel: str, tmp_path: Path) -> None:
    runtime = make_runtime(f"sqlite:///{tmp_path}/bench.db", tmp_path)
    person = Person(1, channel)
    sender = Sender(channel, "+525500000001" if channel == "sms" else "4242")
    try:
        for number in range(3 * 25):
            text = person.next_text()
            if text == "/start":  # what the Telegram webhook makes of the command
                event = InboundEvent(command="start", language_hint="es")
            else:
                event = InboundEvent(text=text, language_hint="es" if channel != "sms" else None)
            runtime.conversations.handle(sender, event, external_id=f"M{number}")
        with runtime.sessions() as db:
            filed = db.scalar(
                select(func.count()).select_from(Case).where(Case.status == "submitted")
            )
        assert person.completed >= 3
        assert filed == person.completed
    finally:
        runtime.close()
