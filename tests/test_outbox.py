"""The outbox against the fake providers: retries lose nothing, a crash sends nothing twice."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from factories import TEST_DATA_KEY, make_runtime
from fakes.fake_telegram import TOKEN, FakeTelegram
from fakes.fake_twilio import FakeTwilio

from bot import outbox
from bot.contacts import Sender, get_or_create_contact
from bot.models import OutboxMessage
from bot.runtime import Runtime

SID, AUTH = "AC" + "0" * 32, "token"


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


def statuses(runtime: Runtime) -> Counter[str]:
    with runtime.sessions() as db:
        return Counter(row.status for row in db.query(OutboxMessage))


def test_429_and_500_are_retried_and_nothing_is_lost(database_url: str, tmp_path: Path) -> None:
    with FakeTwilio(SID, AUTH) as twilio, FakeTelegram() as telegram:
        runtime = make_runtime(
            database_url,
            tmp_path,
            TWILIO_ACCOUNT_SID=SID,
            TWILIO_AUTH_TOKEN=AUTH,
            TWILIO_SMS_FROM="+15550001111",
            TWILIO_API_BASE_URL=twilio.base_url,
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
            worker = outbox.OutboxWorker(
                runtime.settings,
                runtime.sessions,
                runtime.vault,
                runtime.clock,
                outbox.build_senders(runtime.settings),
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


def test_killed_worker_restarts_and_sends_each_message_at_most_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/camino.db"
    total = 1000
    with FakeTwilio(SID, AUTH) as twilio:
        env = {
            "CAMINO_DATABASE_URL": url,
            "CAMINO_DATA_KEY": TEST_DATA_KEY,
            "TWILIO_ACCOUNT_SID": SID,
            "TWILIO_AUTH_TOKEN": AUTH,
            "TWILIO_SMS_FROM": "+15550001111",
            "TWILIO_API_BASE_URL": twilio.base_url,
            "CAMINO_RATE_SMS": "100000",
            "CAMINO_OUTBOX_LEASE_SECONDS": "2",
            "CAMINO_SCHEDULER_ENABLED": "0",
        }
        runtime = make_runtime(url, tmp_path)
        queue(runtime, "sms", total, "n")
        script = Path(__file__).with_name("outbox_worker_main.py")

        def spawn() -> subprocess.Popen[bytes]:
            return subprocess.Popen(
                [sys.executable, str(script)], cwd=tmp_path, env={**os.environ, **env}
            )

        first = spawn()
        deadline = time.monotonic() + 30
        while len(twilio.sent()) < total // 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        first.send_signal(signal.SIGKILL)  # mid-batch, possibly mid-send
        first.wait()
        killed_at = len(twilio.sent())
        assert 0 < killed_at < total
        second = spawn()
        try:
            deadline = time.monotonic() + 45
            while time.monotonic() < deadline:
                counts = statuses(runtime)
                if counts["queued"] == 0 and counts["sending"] == 0:
                    break
                time.sleep(0.2)
        finally:
            second.terminate()
            second.wait()
        counts = statuses(runtime)
        bodies = Counter(m["body"] for m in twilio.sent())
        assert set(bodies.values()) == {1}, "a message was sent twice"
        # Every row is sent (exactly once at the provider) or, if it was the one in flight at
        # the kill, failed as in_flight_unknown (never resent: at most once).
        assert counts["sent"] + counts["failed"] == total
        assert counts["failed"] <= 1
        with runtime.sessions() as db:
            for row in db.query(OutboxMessage).filter(OutboxMessage.status == "failed"):
                assert row.error_code == outbox.IN_FLIGHT_UNKNOWN
            sids = {
                row.provider_message_id for row in db.query(OutboxMessage) if row.status == "sent"
            }
        assert sids <= {m["sid"] for m in twilio.sent()}
        assert len(bodies) in (counts["sent"], counts["sent"] + 1)
