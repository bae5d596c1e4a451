"""The outbox against the fake providers: retries lose nothing, a crash sends nothing twice.

A send in flight when the worker dies is looked up at Twilio (sent: recorded with its SID; never
accepted: sent now), and on Telegram is failed as `in_flight_unknown` (at most once).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from bot.app.background import build_senders
from bot.app.runtime import Runtime
from bot.channels.twilio.sender import TwilioSender
from bot.delivery import Outgoing, SentLookup
from bot.delivery import queue as outbox
from bot.delivery import reconcile as reconciler
from bot.delivery.worker import OutboxWorker
from bot.store.contacts import Sender, contact_address, get_or_create_contact
from bot.store.models import Contact, OutboxMessage
from tests.support import OUTBOX_WORKER
from tests.support.factories import camino_env, make_runtime, make_settings
from tests.support.fakes.fake_telegram import TOKEN, FakeTelegram
from tests.support.fakes.fake_twilio import FakeTwilio
from tests.support.outbox import statuses, until_settled
from tests.support.twilio_helpers import ACCOUNT_SID, AUTH_TOKEN, twilio_values


def queue(runtime: Runtime, channel: str, count: int, prefix: str) -> None:
    """`count` messages to as many contacts, each body unique."""
    now = runtime.clock()
    with runtime.sessions() as db, db.begin():
        for i in range(count):
            address = f"+5255{i:08d}" if channel != "telegram" else str(1000 + i)
            contact = get_or_create_contact(db, runtime.vault, Sender(channel, address), now)
            outbox.enqueue(
                db,
                runtime.vault,
                contact,
                kind="notice",
                text=f"{prefix}-{i}",
                language="es",
                now=now,
                dedupe_key=f"{prefix}:{i}",
            )


def test_429_and_500_are_retried_and_nothing_is_lost(database_url: str, tmp_path: Path) -> None:
    with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as twilio, FakeTelegram() as telegram:
        runtime = make_runtime(
            database_url,
            tmp_path,
            **twilio_values(twilio),
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=telegram.base_url,
            CAMINO_RATE_SMS=1000,
            CAMINO_RATE_TELEGRAM_PER_CHAT=1000,
        )
        queue(runtime, "sms", 10, "sms")
        queue(runtime, "telegram", 10, "tg")
        for code, status in ((20429, 429), (20500, 500), (20503, 503)):
            twilio.fail_next(code, status)
        telegram.fail("sendMessage", 429, times=2, retry_after=1)

        async def run() -> None:
            worker = OutboxWorker(
                runtime.settings,
                runtime.sessions,
                runtime.vault,
                runtime.clock,
                build_senders(runtime.settings),
                backoff_base=0.05,
            )
            await worker.start()
            deadline = time.monotonic() + 20
            while statuses(runtime)["sent"] < 20 and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
                if statuses(runtime)["sent"] == 10:
                    telegram.fail("sendMessage", 500, times=2)
            await worker.stop()

        asyncio.run(run())
        assert statuses(runtime) == Counter({"sent": 20})
        bodies = Counter(m["body"] for m in twilio.sent())
        assert sorted(bodies) == sorted(f"sms-{i}" for i in range(10))
        assert set(bodies.values()) == {1}
        texts = Counter(c.params["text"] for c in telegram.calls_to("sendMessage"))
        assert {f"tg-{i}" for i in range(10)} <= set(texts)
        with runtime.sessions() as db:
            assert db.query(OutboxMessage).filter(OutboxMessage.attempts > 1).count() >= 3


# -- a worker killed in the middle of 1,000 notifications -------------------------------------

TOTAL = 1000


def spawn(env: dict[str, str], workdir: Path, *concurrency: str) -> subprocess.Popen[bytes]:
    """The outbox worker alone, in its own process."""
    return subprocess.Popen(
        [sys.executable, str(OUTBOX_WORKER), *concurrency], cwd=workdir, env={**os.environ, **env}
    )


def queue_many(runtime: Runtime, channel: str, count: int, prefix: str, chats: int = 100) -> None:
    """`count` messages over `chats` contacts, built as `enqueue` builds them, inserted at once."""
    now = runtime.clock()
    with runtime.sessions() as db, db.begin():
        contacts = [
            get_or_create_contact(
                db,
                runtime.vault,
                Sender(channel, f"+5255{i:08d}" if channel != "telegram" else str(1000 + i)),
                now,
            )
            for i in range(chats)
        ]
        db.add_all(
            outbox.build_row(
                runtime.vault,
                contacts[i % chats],
                kind="notice",
                text=f"{prefix}-{i}",
                language="es",
                now=now,
            )
            for i in range(count)
        )


# Longer than any test: a live worker's lease never runs out, however busy the machine. The
# restarted worker's clock runs past it (`--skew`), so the dead worker's lease is over at once.
LEASE_SECONDS = 3600
RESTARTED = f"--skew={LEASE_SECONDS + 60}"
# Upper bounds only: each wait ends as soon as what it waits for has happened.
PATIENCE = 120


def worker_env(database_url: str, **extra: str) -> dict[str, str]:
    return camino_env(
        database_url,
        CAMINO_OUTBOX_LEASE_SECONDS=str(LEASE_SECONDS),
        CAMINO_SCHEDULER_ENABLED="0",
        **extra,
    )


def test_killed_twilio_worker_restarts_and_each_is_sent_exactly_once(
    database_url: str, tmp_path: Path
) -> None:
    with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as twilio:
        env = worker_env(
            database_url,
            **twilio_values(twilio),
            CAMINO_RATE_SMS="100000",
        )
        runtime = make_runtime(database_url, tmp_path)
        gate = tmp_path / "restart"
        first, second = (
            spawn(env, tmp_path, "sms=1"),
            spawn(env, tmp_path, "sms=4", f"--after={gate}", RESTARTED),
        )
        # Twilio accepts that one, and the worker is SIGKILLed before it hears so.
        twilio.hold_after(TOTAL // 3, on_hold=first.kill)
        try:
            queue_many(runtime, "sms", TOTAL, "n")
            assert twilio.held.wait(PATIENCE), "the worker never got a third of the way"
            first.wait()
            twilio.release()
            in_flight = twilio.sent()[-1]
            assert len(twilio.sent()) == TOTAL // 3 + 1
            gate.touch()  # the restarted worker
            counts = until_settled(runtime, PATIENCE)
        finally:
            for process in (first, second):
                process.kill()
                process.wait()
    assert counts == Counter({"sent": TOTAL})
    bodies = Counter(m["body"] for m in twilio.sent())
    assert bodies == Counter({f"n-{i}": 1 for i in range(TOTAL)}), "lost or sent twice"
    with runtime.sessions() as db:
        rows = {row.provider_message_id: row for row in db.query(OutboxMessage)}
    assert set(rows) == {m["sid"] for m in twilio.sent()}
    reconciled = rows[in_flight["sid"]]  # looked up at Twilio, not resent
    assert reconciled.status == "sent" and reconciled.attempts == 1


def test_killed_telegram_worker_fails_only_the_one_in_flight(
    database_url: str, tmp_path: Path
) -> None:
    with FakeTelegram() as telegram:
        env = worker_env(
            database_url,
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=telegram.base_url,
            CAMINO_RATE_TELEGRAM="100000",
            CAMINO_RATE_TELEGRAM_PER_CHAT="100000",
        )
        runtime = make_runtime(database_url, tmp_path)
        gate = tmp_path / "restart"
        first = spawn(env, tmp_path, "telegram=1")
        second = spawn(env, tmp_path, "telegram=4", f"--after={gate}", RESTARTED)
        # SIGKILLed in the middle of that send: Telegram carried it out, the worker never hears.
        telegram.hold_after("sendMessage", TOTAL // 3, on_hold=first.kill)
        try:
            queue_many(runtime, "telegram", TOTAL, "t")
            assert telegram.held.wait(PATIENCE), "the worker never got a third of the way"
            first.wait()
            telegram.release()
            in_flight_chat = str(telegram.calls_to("sendMessage")[-1].params["chat_id"])
            gate.touch()  # the restarted worker
            counts = until_settled(runtime, PATIENCE)
        finally:
            for process in (first, second):
                process.kill()
                process.wait()
        texts = Counter(call.params["text"] for call in telegram.calls_to("sendMessage"))
    # Every chat got its message once; the row in flight at the kill is not resent and stays
    # visible to staff as failed (at most once: Telegram cannot say whether it went out).
    assert texts == Counter({f"t-{i}": 1 for i in range(TOTAL)})
    assert counts == Counter({"sent": TOTAL - 1, "failed": 1})
    with runtime.sessions() as db:
        failed = db.query(OutboxMessage).filter(OutboxMessage.status == "failed").one()
        contact = db.get(Contact, failed.contact_id)
        assert contact is not None
        assert failed.error_code == reconciler.IN_FLIGHT_UNKNOWN
        assert contact_address(runtime.vault, contact) == in_flight_chat


# -- reconciling one row in flight ------------------------------------------------------------

TEN_MINUTES_AGO = timedelta(minutes=10)


def twilio_runtime(
    database_url: str, tmp_path: Path, twilio: FakeTwilio, **extra: object
) -> Runtime:
    return make_runtime(
        database_url,
        tmp_path,
        **twilio_values(twilio, whatsapp_from="+15550002222"),
        **extra,
    )


def in_flight(runtime: Runtime, channel: str, address: str, text: str) -> str:
    """A row claimed ten minutes ago by a worker that then died sending it (lease long gone)."""
    claimed = datetime.now(UTC) - TEN_MINUTES_AGO
    with runtime.sessions() as db, db.begin():
        contact = get_or_create_contact(db, runtime.vault, Sender(channel, address), claimed)
        contact.last_inbound_at = claimed  # inside WhatsApp's window: free text
        outbox.enqueue(
            db, runtime.vault, contact, kind="notice", text=text, language="es", now=claimed
        )
    row_id = outbox.claim(runtime.sessions, channel, claimed, timedelta(minutes=1))
    assert row_id is not None
    assert outbox.mark_started(runtime.sessions, [row_id]) == {row_id}
    return row_id


def row(runtime: Runtime, row_id: str) -> OutboxMessage:
    with runtime.sessions() as db:
        found = db.get(OutboxMessage, row_id)
        assert found is not None
        return found


def reconcile(runtime: Runtime, lookups: dict[str, SentLookup]) -> Counter[str]:
    return reconciler.reconcile(
        runtime.sessions, runtime.vault, runtime.settings, datetime.now(UTC), lookups=lookups
    )


def test_in_flight_sms_that_twilio_accepted_is_recorded_not_resent(
    database_url: str, tmp_path: Path
) -> None:
    with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as twilio:
        runtime = twilio_runtime(database_url, tmp_path, twilio)
        sender = TwilioSender(runtime.settings, "sms")
        row_id = in_flight(runtime, "sms", "+525500000001", "Camino, caso K7QM: novedad")
        accepted = asyncio.run(sender.send(Outgoing("+525500000001", "Camino, caso K7QM: novedad")))
        asyncio.run(sender.send(Outgoing("+525500000002", "Camino, caso K7QM: novedad")))
        assert reconcile(runtime, {"sms": sender}) == Counter({"sent": 1})
        assert (row(runtime, row_id).status, row(runtime, row_id).provider_message_id) == (
            "sent",
            getattr(accepted, "provider_id", None),
        )
        assert reconcile(runtime, {"sms": sender}) == Counter()  # settled once
        assert len(twilio.sent()) == 2


def test_in_flight_sms_twilio_never_got_is_sent_once_more(
    database_url: str, tmp_path: Path
) -> None:
    with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as twilio:
        runtime = twilio_runtime(database_url, tmp_path, twilio, CAMINO_RATE_SMS=1000)
        sender = TwilioSender(runtime.settings, "sms")
        row_id = in_flight(runtime, "sms", "+525500000001", "aviso uno")
        asyncio.run(sender.send(Outgoing("+525500000001", "aviso dos")))  # another text
        assert reconcile(runtime, {"sms": sender}) == Counter({"queued": 1})
        assert row(runtime, row_id).error_code == reconciler.IN_FLIGHT_NOT_SENT

        async def deliver() -> None:
            worker = OutboxWorker(
                runtime.settings, runtime.sessions, runtime.vault, runtime.clock, {"sms": sender}
            )
            assert await worker.deliver_one("sms", sender)
            assert not await worker.deliver_one("sms", sender)

        asyncio.run(deliver())
        assert row(runtime, row_id).status == "sent"
        assert Counter(m["body"] for m in twilio.sent()) == Counter(
            {"aviso uno": 1, "aviso dos": 1}
        )


def test_lookup_finds_a_message_twilio_accepted_but_has_not_sent_yet(
    database_url: str, tmp_path: Path
) -> None:
    with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as twilio:
        runtime = twilio_runtime(database_url, tmp_path, twilio)
        sender = TwilioSender(runtime.settings, "whatsapp")
        row_id = in_flight(runtime, "whatsapp", "+525500000001", "aviso")
        twilio.defer_sending = True  # still in Twilio's queue: no date_sent
        accepted = asyncio.run(sender.send(Outgoing("+525500000001", "aviso")))
        assert reconcile(runtime, {"whatsapp": sender}) == Counter({"sent": 1})
        assert row(runtime, row_id).provider_message_id == getattr(accepted, "provider_id", None)
        listed = [r for r in twilio.requests if r.method == "GET"]
        assert len(listed) == 2  # DateSent> first, then the newest without a date


def test_a_sid_already_recorded_is_not_claimed_twice(database_url: str, tmp_path: Path) -> None:
    with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as twilio:
        runtime = twilio_runtime(database_url, tmp_path, twilio)
        sender = TwilioSender(runtime.settings, "sms")
        first = in_flight(runtime, "sms", "+525500000001", "mismo texto")
        accepted = asyncio.run(sender.send(Outgoing("+525500000001", "mismo texto")))
        assert reconcile(runtime, {"sms": sender}) == Counter({"sent": 1})
        second = in_flight(runtime, "sms", "+525500000001", "mismo texto")  # same words again
        assert reconcile(runtime, {"sms": sender}) == Counter({"queued": 1})
        assert row(runtime, first).provider_message_id == getattr(accepted, "provider_id", None)
        assert row(runtime, second).status == "queued"


class Unreachable:
    """A provider that cannot be asked."""

    def __init__(self) -> None:
        self.asked = 0

    def find_sent(self, message: Outgoing, since: datetime, exclude: frozenset[str]) -> str | None:
        self.asked += 1
        raise httpx.ConnectError("down")


def test_unanswered_lookup_waits_then_gives_up_after_a_day(
    database_url: str, tmp_path: Path
) -> None:
    runtime = make_runtime(database_url, tmp_path, CAMINO_OUTBOX_LEASE_SECONDS=60)
    row_id = in_flight(runtime, "sms", "+525500000001", "aviso")
    lookup = Unreachable()
    assert reconcile(runtime, {"sms": lookup}) == Counter({"unknown": 1})
    assert row(runtime, row_id).status == "sending"  # nothing concluded
    assert reconcile(runtime, {"sms": lookup}) == Counter()  # its new lease still runs
    assert lookup.asked == 1
    later = datetime.now(UTC) + timedelta(days=1)
    verdicts = reconciler.reconcile(
        runtime.sessions, runtime.vault, runtime.settings, later, lookups={"sms": lookup}
    )
    assert verdicts == Counter({"failed": 1})
    assert row(runtime, row_id).error_code == reconciler.IN_FLIGHT_UNKNOWN


@pytest.mark.parametrize("channel", ["telegram", "whatsapp-template"])
def test_in_flight_that_cannot_be_looked_up_is_at_most_once(
    channel: str, database_url: str, tmp_path: Path
) -> None:
    with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as twilio:
        runtime = twilio_runtime(
            database_url, tmp_path, twilio, CAMINO_WHATSAPP_TEMPLATES={"notice:es": "HXes"}
        )
        sender = TwilioSender(runtime.settings, "whatsapp")
        if channel == "telegram":
            row_id = in_flight(runtime, "telegram", "4242", "aviso")
        else:
            row_id = in_flight(runtime, "whatsapp", "+525500000001", "aviso")
            with runtime.sessions() as db, db.begin():  # silent for days: it went as a template
                db.query(Contact).update(
                    {Contact.last_inbound_at: datetime(2026, 1, 1, tzinfo=UTC)}
                )
        assert reconcile(runtime, {"whatsapp": sender}) == Counter({"failed": 1})
        assert row(runtime, row_id).error_code == reconciler.IN_FLIGHT_UNKNOWN
        assert not [r for r in twilio.requests if r.method == "GET"]


def test_a_telegram_row_claimed_but_never_started_is_queued_again(
    database_url: str, tmp_path: Path
) -> None:
    """Its process died while it waited for its slot: it was never in flight, so it goes back
    to the queue, its attempt uncounted, where a started one is given up (at most once)."""
    runtime = make_runtime(database_url, tmp_path)
    claimed = datetime.now(UTC) - TEN_MINUTES_AGO
    with runtime.sessions() as db, db.begin():
        for address in ("4243", "4244"):
            contact = get_or_create_contact(db, runtime.vault, Sender("telegram", address), claimed)
            outbox.enqueue(
                db, runtime.vault, contact, kind="notice", text="aviso", language="es", now=claimed
            )
    waiting, started = outbox.claim_batch(
        runtime.sessions, "telegram", claimed, timedelta(minutes=1), 2
    )
    assert outbox.mark_started(runtime.sessions, [started]) == {started}
    assert reconcile(runtime, {}) == Counter({"queued": 1, "failed": 1})
    assert (row(runtime, waiting).status, row(runtime, waiting).attempts) == ("queued", 0)
    assert row(runtime, started).error_code == reconciler.IN_FLIGHT_UNKNOWN


# -- the fake's message list, as the SDK reads it -------------------------------------------


def test_fake_twilio_lists_messages_in_pages_with_filters() -> None:
    with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as twilio:
        settings = make_settings(
            "sqlite://",
            Path("."),
            **twilio_values(twilio),
        )
        sender = TwilioSender(settings, "sms")
        for i in range(5):
            asyncio.run(sender.send(Outgoing("+525500000001", f"uno-{i}")))
        asyncio.run(sender.send(Outgoing("+525500000002", "dos")))
        old = twilio.sent()[0]
        old["date_sent"] = "Mon, 05 Jan 2026 10:00:00 +0000"
        client = sender.rest.client
        listed = client.messages.list(to="+525500000001", page_size=2)
        assert [m.body for m in listed] == [f"uno-{i}" for i in (4, 3, 2, 1, 0)]  # newest first
        after = client.messages.list(
            to="+525500000001", date_sent_after=datetime(2026, 2, 1, tzinfo=UTC), page_size=2
        )
        assert [m.body for m in after] == [f"uno-{i}" for i in (4, 3, 2, 1)]
        assert [m.body for m in client.messages.list(date_sent="2026-01-05")] == ["uno-0"]
        assert [m.body for m in client.messages.list(from_="+15550001111", limit=1)] == ["dos"]
        raw = httpx.get(
            f"{twilio.base_url}/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json",
            params={"To": "+525500000001", "PageSize": "3"},
            auth=(ACCOUNT_SID, AUTH_TOKEN),
        ).json()
        assert len(raw["messages"]) == 3 and raw["page"] == 0 and raw["page_size"] == 3
        assert "Page=1" in raw["next_page_uri"] and raw["previous_page_uri"] is None
        assert (
            httpx.get(
                f"{twilio.base_url}/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
            ).status_code
            == 401
        )
