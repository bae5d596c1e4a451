"""A half-finished report gets one gentle reminder per silence: none while the person writes,
one after 24 quiet hours, and another only if they wrote again and fell silent again."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.app.runtime import Runtime
from bot.conversation.messages import InboundEvent
from bot.core.clock import FrozenClock
from bot.intake.drafts import queue_reminders
from bot.store.contacts import Sender
from bot.store.models import Conversation, OutboxMessage
from tests.support.chats import start, talk
from tests.support.complaint_script import VICTIM_IN_MEXICO
from tests.support.factories import make_runtime

NOON_MX = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)  # 12:00 in Mexico City: no quiet hours
PERSON = Sender("sms", "+525512345678")


def remind(runtime: Runtime) -> int:
    with runtime.sessions() as db, db.begin():
        return queue_reminders(db, runtime.vault, runtime.settings, runtime.clock())


def reminders(runtime: Runtime) -> list[OutboxMessage]:
    with runtime.sessions() as db:
        return list(
            db.query(OutboxMessage)
            .filter(OutboxMessage.kind == "reminder")
            .order_by(OutboxMessage.created_at)
        )


def test_one_reminder_per_silence(database_url: str, tmp_path: Path) -> None:
    clock = FrozenClock(NOON_MX)
    runtime = make_runtime(database_url, tmp_path, clock=clock)
    start(runtime, PERSON)
    talk(runtime, PERSON, VICTIM_IN_MEXICO[:8])  # half way through a complaint
    clock.advance(hours=23, minutes=59)
    assert remind(runtime) == 0  # not yet a day
    clock.advance(minutes=1)
    assert remind(runtime) == 1
    clock.advance(hours=30)
    assert remind(runtime) == 0  # once for this silence, however long it lasts
    runtime.conversations.handle(PERSON, InboundEvent(text=VICTIM_IN_MEXICO[8][1]))  # back
    with runtime.sessions() as db:
        conversation = db.query(Conversation).one()
        assert conversation.reminder_sent_at is not None  # nothing had to reset it...
        assert conversation.updated_at > conversation.reminder_sent_at  # ...writing moved on
    clock.advance(hours=12)
    assert remind(runtime) == 0  # writing again restarts the 24 hours
    clock.advance(hours=12)
    assert remind(runtime) == 1  # a new silence: a new reminder
    clock.advance(hours=24)
    assert remind(runtime) == 0
    first, second = reminders(runtime)
    assert first.dedupe_key != second.dedupe_key


def test_no_reminder_without_an_unfinished_report(database_url: str, tmp_path: Path) -> None:
    clock = FrozenClock(NOON_MX)
    runtime = make_runtime(database_url, tmp_path, clock=clock)
    start(runtime, PERSON)  # only the menu: nothing to finish
    clock.advance(hours=25)
    assert remind(runtime) == 0
    assert reminders(runtime) == []
