"""The on-call world: a runtime at 03:00 in Mexico City, fake Twilio and Telegram, a covering
organization with an on-call SMS number and staff group, and a fallback with its own number."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.app.background import build_senders
from bot.app.runtime import Runtime
from bot.delivery.worker import OutboxWorker
from tests.support.alerting import add_org, set_destinations
from tests.support.complaint_script import (
    CANARY_NAME,
    CANARY_PHONE,
    CANARY_PLACE,
    CANARY_SENTENCE,
)
from tests.support.factories import make_runtime
from tests.support.fakes.fake_telegram import FakeTelegram
from tests.support.fakes.fake_twilio import FakeTwilio, Phone
from tests.support.telegram_helpers import telegram_values
from tests.support.twilio_helpers import ACCOUNT_SID, AUTH_TOKEN, twilio_values
from webhook import create_app

PUBLIC = "https://camino.example.org"
ON_CALL_SMS = "+5219931112233"
ON_CALL_GROUP = -1001234567890
FALLBACK_SMS = "+5215544556677"
# 03:00 in Mexico City (UTC-6 all year since 2022): the middle of the quiet hours.
NIGHT = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
ANSWERS: dict[str, Any] = {
    "incident_state": "MX-TAB",
    "reporter_state": "MX-TAB",
    "incident_place": CANARY_PLACE,
    "description": CANARY_SENTENCE,
    "victim_name": CANARY_NAME,
    "contact_phone": CANARY_PHONE,
    "crime_types": ["kidnapping"],
    "perpetrators": ["organized_crime"],
    "victim_nationality": "HN",
}


@dataclass
class Clock:
    now: datetime = NIGHT

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class World:
    runtime: Runtime
    clock: Clock
    twilio: FakeTwilio
    telegram: FakeTelegram
    client: TestClient
    sent: list[str] = field(default_factory=list)

    def deliver(self) -> None:
        """Run the outbox worker until nothing is due (at the injected clock's time)."""

        async def run() -> None:
            senders = build_senders(self.runtime.settings)
            worker = OutboxWorker(
                self.runtime.settings,
                self.runtime.sessions,
                self.runtime.vault,
                self.clock,
                senders,
            )
            for channel, sender in senders.items():
                while await worker.deliver_one(channel, sender):
                    pass
            for sender in senders.values():
                await sender.close()

        asyncio.run(run())

    def sms_to(self, number: str) -> list[str]:
        return [m["body"] for m in self.twilio.sent() if m["to"] == number]

    def telegram_to(self, chat: int) -> list[str]:
        return [
            str(c.params["text"])
            for c in self.telegram.calls_to("sendMessage")
            if int(c.params["chat_id"]) == chat
        ]


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[World]:
    clock = Clock()
    with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as twilio, FakeTelegram() as telegram:
        runtime = make_runtime(
            database_url,
            tmp_path,
            clock=clock,
            CAMINO_PUBLIC_URL=PUBLIC,
            CAMINO_OUTBOX_ENABLED="false",
            CAMINO_SCHEDULER_ENABLED="false",
            CAMINO_URGENT_ESCALATE_MINUTES=1,
            CAMINO_RATE_SMS=1000,
            **twilio_values(twilio),
            **telegram_values(telegram),
        )
        add_org(runtime, "la-72", ["MX-TAB"])
        add_org(runtime, "kino", ["MX-SON"])
        add_org(runtime, "respaldo", [], is_fallback=True)
        set_destinations(runtime, "la-72", sms=[ON_CALL_SMS], telegram=[str(ON_CALL_GROUP)])
        set_destinations(runtime, "respaldo", sms=[FALLBACK_SMS])
        with TestClient(create_app(runtime)) as client:
            yield World(runtime, clock, twilio, telegram, client)
        runtime.close()


def ok_by_sms(world: World, text: str = "Ok 👍") -> list[str]:
    phone = Phone(
        world.client, world.twilio, public_url=PUBLIC, sender=ON_CALL_SMS, to="+15550001111"
    )
    turn = phone.send(text)
    assert turn.status == 200
    return turn.twiml


def group_update(world: World, text: str) -> dict[str, Any]:
    return {
        "update_id": 900_000 + len(world.telegram.calls_to("sendMessage")),
        "message": {
            "message_id": 77,
            "date": int(world.clock().timestamp()),
            "chat": {"id": ON_CALL_GROUP, "type": "supergroup", "title": "Guardia"},
            "from": {"id": 4242, "is_bot": False, "first_name": "Ana", "language_code": "es"},
            "text": text,
        },
    }
