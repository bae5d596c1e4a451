"""A reply's words stay in the chat only: however its row ends (sent, given up by the worker,
failed or found sent by the reconciler after a crash), the outbox keeps no text of it."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app.runtime import Runtime
from bot.channels.twilio.sender import TwilioSender
from bot.delivery import Outgoing
from bot.delivery import queue as outbox
from bot.delivery import reconcile as reconciler
from bot.store.contacts import Sender, get_or_create_contact
from bot.store.models import OutboxMessage
from tests.support.factories import make_runtime
from tests.support.fakes.fake_twilio import FakeTwilio
from tests.support.twilio_helpers import ACCOUNT_SID, AUTH_TOKEN, twilio_values

WORDS = "Su reporte sobre Canaryville quedó guardado"


def claimed_reply(runtime: Runtime, channel: str, address: str, *, ago: timedelta) -> str:
    """A reply claimed `ago` by a worker, its send begun (its lease long gone when `ago` is
    long)."""
    claimed = datetime.now(UTC) - ago
    with runtime.sessions() as db, db.begin():
        contact = get_or_create_contact(db, runtime.vault, Sender(channel, address), claimed)
        contact.last_inbound_at = claimed
        outbox.enqueue(
            db, runtime.vault, contact, kind=outbox.REPLY, text=WORDS, language="es", now=claimed
        )
    row_id = outbox.claim(runtime.sessions, channel, claimed, timedelta(minutes=1))
    assert row_id is not None
    assert outbox.mark_started(runtime.sessions, [row_id]) == {row_id}
    return row_id


def stored(runtime: Runtime, row_id: str) -> OutboxMessage:
    with runtime.sessions() as db:
        found = db.get(OutboxMessage, row_id)
        assert found is not None
        return found


def test_a_reply_the_worker_gives_up_keeps_no_words(database_url: str, tmp_path: Path) -> None:
    runtime = make_runtime(database_url, tmp_path)
    row_id = claimed_reply(runtime, "telegram", "4242", ago=timedelta(seconds=1))
    outbox.fail(runtime.sessions, row_id, "no_recipient", datetime.now(UTC))
    row = stored(runtime, row_id)
    assert row.status == "failed" and row.body_enc is None


def test_a_reply_in_flight_when_the_worker_died_keeps_no_words(
    database_url: str, tmp_path: Path
) -> None:
    runtime = make_runtime(database_url, tmp_path)
    row_id = claimed_reply(runtime, "telegram", "4242", ago=timedelta(minutes=10))
    verdicts = reconciler.reconcile(
        runtime.sessions, runtime.vault, runtime.settings, datetime.now(UTC), lookups={}
    )
    assert verdicts == Counter({"failed": 1})
    row = stored(runtime, row_id)
    assert row.error_code == reconciler.IN_FLIGHT_UNKNOWN and row.body_enc is None


def test_a_reply_found_sent_after_a_crash_keeps_no_words(database_url: str, tmp_path: Path) -> None:
    with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as twilio:
        runtime = make_runtime(database_url, tmp_path, **twilio_values(twilio))
        sender = TwilioSender(runtime.settings, "sms")
        row_id = claimed_reply(runtime, "sms", "+525500000001", ago=timedelta(minutes=10))
        asyncio.run(sender.send(Outgoing("+525500000001", WORDS)))
        verdicts = reconciler.reconcile(
            runtime.sessions,
            runtime.vault,
            runtime.settings,
            datetime.now(UTC),
            lookups={"sms": sender},
        )
        assert verdicts == Counter({"sent": 1})
        row = stored(runtime, row_id)
        assert row.provider_message_id and row.body_enc is None
