"""An urgent report reaches on-call staff at 03:00 through the fake providers, says nothing
about the report, is acknowledged by OK over SMS (and from a Telegram staff group), and,
unacknowledged, escalates to the fallback organization."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot import alerts
from bot.app.background import build_senders
from bot.app.runtime import Runtime
from bot.delivery.worker import OutboxWorker
from bot.scheduling import jobs
from bot.staff.access import find_visible_case
from bot.store.models import Alert, AuditEntry, Case, CaseEvent, Contact, OutboxMessage
from tests.support.alerting import add_org, file_and_alert, org_by_slug, set_destinations
from tests.support.complaint_script import (
    CANARY_NAME,
    CANARY_PHONE,
    CANARY_PLACE,
    CANARY_SENTENCE,
)
from tests.support.factories import make_runtime
from tests.support.fakes.fake_telegram import FakeTelegram
from tests.support.fakes.fake_twilio import FakeTwilio, Phone
from tests.support.telegram_helpers import SECRET, URL, telegram_values
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
            CAMINO_RATE_TELEGRAM_PER_CHAT=1000,
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


def test_an_urgent_report_at_3am_alerts_on_call_staff_within_a_minute(world: World) -> None:
    case_id = file_and_alert(world.runtime, ANSWERS)
    world.clock.advance(seconds=30)  # the worker polls every second; half a minute is plenty
    world.deliver()

    sms = world.sms_to(ON_CALL_SMS)
    group = world.telegram_to(ON_CALL_GROUP)
    assert len(sms) == 1 and len(group) == 1
    link = f"{PUBLIC}/dashboard/cases/{case_id}"
    for text in sms + group:
        assert text.startswith("Camino: nuevo reporte urgente.")
        assert text.endswith(link)
        for secret in (CANARY_NAME, CANARY_PHONE, CANARY_PLACE, CANARY_SENTENCE):
            assert secret not in text
        for word in ("secuestro", "Secuestro", "kidnapping", "Tabasco", "MX-TAB", "Honduras"):
            assert word not in text
    with world.runtime.sessions() as db:
        case = db.get(Case, case_id)
        assert case is not None and case.code_index is not None
        rows = db.query(OutboxMessage).filter(OutboxMessage.destination_id.is_not(None)).all()
        assert {r.status for r in rows} == {"sent"} and len(rows) == 2
        assert all(r.updated_at - NIGHT <= timedelta(seconds=60) for r in rows)
        assert db.query(Contact).count() == 0  # staff destinations are not contacts
    code_words = [m for m in sms + group if "-" in m.split("/")[-1]]
    assert code_words == []  # the link names the internal id, never a case code


def test_ok_by_sms_acknowledges_and_silences_the_escalation(world: World) -> None:
    case_id = file_and_alert(world.runtime, ANSWERS)
    world.clock.advance(seconds=20)
    world.deliver()
    world.clock.advance(seconds=20)
    assert ok_by_sms(world) == ["Recibido: usted atiende el reporte urgente."]
    with world.runtime.sessions() as db:
        alert = db.query(Alert).filter_by(case_id=case_id).one()
        assert alert.acknowledged_at == NIGHT + timedelta(seconds=40)
        assert alert.acknowledged_by is not None and alert.acknowledged_by.startswith("oncall:")
        event = db.query(CaseEvent).filter_by(case_id=case_id).one()
        assert event.status == "urgent_acknowledged" and not event.family_visible
        assert ON_CALL_SMS not in event.author and event.author.endswith("33")
        audit = db.query(AuditEntry).filter_by(action="alert.acknowledge").one()
        assert audit.target == f"case:{case_id}" and ON_CALL_SMS not in audit.detail
    # Nothing repeats or escalates after an acknowledgement.
    world.clock.advance(minutes=5)
    jobs.bind(world.runtime)
    assert jobs.alerts_job() == 0
    world.deliver()
    assert world.sms_to(FALLBACK_SMS) == []
    # A second OK finds nothing waiting; other words from staff go to the conversation.
    # (SMS folds the accents GSM-7 lacks.)
    assert ok_by_sms(world, "OK.") == ["No hay ningun reporte urgente sin atender."]


def test_unacknowledged_alerts_repeat_and_reach_the_fallback(world: World) -> None:
    case_id = file_and_alert(world.runtime, ANSWERS)
    world.deliver()
    respaldo = org_by_slug(world.runtime, "respaldo")
    with world.runtime.sessions() as db:
        assert find_visible_case(db, respaldo, case_id) is None
    jobs.bind(world.runtime)
    world.clock.advance(seconds=59)
    assert jobs.alerts_job() == 0  # not yet: escalation is set to one minute
    world.clock.advance(seconds=2)
    assert jobs.alerts_job() == 1
    world.deliver()
    assert len(world.sms_to(ON_CALL_SMS)) == 2  # sent again
    fallback_texts = world.sms_to(FALLBACK_SMS)
    assert len(fallback_texts) == 1 and fallback_texts[0].endswith(case_id)
    with world.runtime.sessions() as db:
        assert find_visible_case(db, respaldo, case_id) is not None  # the escalation grants it
        statuses = [e.status for e in db.query(CaseEvent).filter_by(case_id=case_id)]
        assert statuses == ["urgent_escalated"]
    # Bounded: at most MAX_ROUNDS sends of each alert, however long nobody answers.
    for _ in range(10):
        world.clock.advance(minutes=2)
        jobs.alerts_job()
    world.deliver()
    assert len(world.sms_to(ON_CALL_SMS)) == alerts.MAX_ROUNDS
    assert len(world.sms_to(FALLBACK_SMS)) == alerts.MAX_ROUNDS
    # The staff group's OK acknowledges it (and every open alert of the case with it).
    response = world.telegram.post(URL, group_update(world, "ok"), SECRET, world.client)
    assert response.status_code == 200
    assert world.telegram_to(ON_CALL_GROUP)[-1] == "Recibido: usted atiende el reporte urgente."
    with world.runtime.sessions() as db:
        assert db.query(Alert).filter(Alert.acknowledged_at.is_(None)).count() == 0


def test_other_groups_and_other_words_are_not_read(world: World) -> None:
    file_and_alert(world.runtime, ANSWERS)
    world.deliver()
    before = len(world.telegram.calls_to("sendMessage"))
    chatter = group_update(world, "buenas noches a todos")
    assert world.telegram.post(URL, chatter, SECRET, world.client).status_code == 200
    stranger = group_update(world, "ok")
    stranger["message"]["chat"]["id"] = -100999
    assert world.telegram.post(URL, stranger, SECRET, world.client).status_code == 200
    assert len(world.telegram.calls_to("sendMessage")) == before
    with world.runtime.sessions() as db:
        assert db.query(Alert).filter(Alert.acknowledged_at.is_(None)).count() == 1
        assert db.query(Contact).count() == 0


def test_every_report_alerts_only_organizations_that_asked(world: World) -> None:
    file_and_alert(world.runtime, ANSWERS, urgent=False)
    world.deliver()
    assert world.sms_to(ON_CALL_SMS) == []
    with world.runtime.sessions() as db, db.begin():
        org = db.merge(org_by_slug(world.runtime, "la-72"))
        org.alert_every_report = True
    case_id = file_and_alert(world.runtime, ANSWERS, urgent=False)
    world.deliver()
    assert world.sms_to(ON_CALL_SMS) == [
        f"Camino: nuevo reporte. Ábralo en el panel: {PUBLIC}/dashboard/cases/{case_id}"
    ]
