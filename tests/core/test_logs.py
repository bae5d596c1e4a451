"""No personal data in the logs: every flow run with canaries, captured down to DEBUG."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot import cases
from bot.conversation.messages import InboundEvent, Media
from bot.core.clock import FrozenClock
from bot.core.logs import JsonFormatter
from bot.follow.events import add_event
from bot.intake.documents import render_complaint_pdf
from bot.privacy import retention
from bot.store import crypto, keys
from bot.store.contacts import Sender
from bot.store.models import Case
from tests.support.complaint_script import CANARIES, CANARY_NAME, VICTIM_IN_MEXICO
from tests.support.factories import make_runtime
from tests.support.web_chat import Chat
from webhook import create_app

LOGGERS = (
    "",
    "bot",
    "flows",
    "webhook",
    "uvicorn",
    "uvicorn.error",
    "uvicorn.access",
    "httpx",
    "httpcore",
    "telegram",
    "telegram.ext",
    "twilio",
    "twilio.http_client",
    "apscheduler",
    "fastapi",
    "starlette",
)
PHONES = {lang: f"+5255{n}7770001" for n, lang in enumerate(("es", "en", "fr", "ht"))}
WEB_CANARY = "Canaryweb Quetzalcoatl Ortiz"


@pytest.fixture
def everything_logged(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every logger at DEBUG, as if an operator turned the level all the way down."""
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    yield caplog


def leaked(caplog: pytest.LogCaptureFixture, canaries: list[str]) -> list[str]:
    formatter = JsonFormatter()
    text = "\n".join(
        f"{record.getMessage()}\n{formatter.format(record)}" for record in caplog.records
    )
    return [canary for canary in canaries if canary in text]


def test_flows_in_every_language_log_no_personal_data(
    tmp_path: Path, everything_logged: pytest.LogCaptureFixture
) -> None:
    clock = FrozenClock(datetime(2026, 1, 5, tzinfo=UTC))
    runtime = make_runtime(
        f"sqlite:///{tmp_path}/c.db",
        tmp_path,
        clock=clock,
        CAMINO_WEB_RATE_PER_SESSION=1000,
        CAMINO_WEB_RATE_GLOBAL=100000,
    )
    canaries = [*CANARIES, *PHONES.values(), WEB_CANARY]
    for lang, phone in PHONES.items():
        for channel in ("sms", "console"):
            sender = Sender(channel, phone)
            runtime.conversations.handle(
                sender, InboundEvent(language_hint=lang), external_id=f"{channel}-{lang}-0"
            )
            for n, (step, answer) in enumerate(VICTIM_IN_MEXICO, start=1):
                if step == "evidence":
                    runtime.conversations.handle(
                        sender, InboundEvent(media=(Media("image/jpeg", b"\xff\xd8x"),))
                    )
                runtime.conversations.handle(
                    sender, InboundEvent(text=answer), external_id=f"{channel}-{lang}-{n}"
                )
            # A redelivery, the rights screens, the directory, then "delete my data".
            runtime.conversations.handle(
                sender, InboundEvent(text="1"), external_id=f"{channel}-{lang}-1"
            )
            for text in ("menu", "2", "6", "Sonora", "menu", CANARY_NAME):
                runtime.conversations.handle(sender, InboundEvent(text=text))
    with runtime.sessions() as db, db.begin():
        for case in db.query(Case).all():
            personal = cases.personal_data(runtime.vault, case)
            render_complaint_pdf(case, personal, cases.timeline(db, runtime.vault, case))
            add_event(
                db,
                runtime.vault,
                case,
                status="not_actionable",
                author="staff",
                note=CANARY_NAME,
                family_visible=False,
                now=clock(),
            )
    sender = Sender("sms", PHONES["es"])
    runtime.conversations.handle(sender, InboundEvent(text="borrar mis datos"))
    runtime.conversations.handle(sender, InboundEvent(text="sí"))

    with TestClient(create_app(runtime)) as client:
        chat = Chat(client, "fr")
        for step, answer in VICTIM_IN_MEXICO:
            chat.say(WEB_CANARY if step == "description" else answer)

    clock.advance(days=400)
    assert retention.purge(runtime.sessions, runtime.settings, clock).cases > 0
    new_key = bytes(range(50, 82))
    keys.rotate(
        runtime.sessions, crypto.decode_master_key(runtime.settings.data_key or ""), new_key
    )
    runtime.close()

    assert len(everything_logged.records) > 0  # the flows did log (codes and counts)
    assert leaked(everything_logged, canaries) == []
