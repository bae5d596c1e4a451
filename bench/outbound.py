"""Outbound: 10,000 queued notifications through the outbox to the fake providers.

Measures the achieved rate against the configured limit, and counts what each fake received:
none may be lost or arrive twice, also when the worker is killed midway and restarted.
The fakes run in this process; the worker runs alone in its own
(tests/support/outbox_worker_main.py).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench.processes import ROOT
from bench.report import Report
from bot.app.runtime import Runtime, build_runtime
from bot.core.config import Settings
from bot.delivery import queue as outbox
from bot.store.contacts import Sender, get_or_create_contact
from bot.store.models import OutboxMessage
from tests.support import OUTBOX_WORKER
from tests.support.factories import TEST_DATA_KEY
from tests.support.fakes.fake_telegram import FakeTelegram
from tests.support.fakes.fake_twilio import FakeTwilio

COUNT = 10_000
# Messages a second: the configured limit the worker must reach (Telegram's own default is 30).
RATE = 60.0
CONCURRENCY = 8  # sends in flight at once: at most this many are in flight at the kill
SID, TOKEN, BOT = "AC" + "1" * 32, "bench-token", "123456:bench"


def settings_env(url: str, channel: str, api: str) -> dict[str, str]:
    env = {
        "CAMINO_DATABASE_URL": url,
        "CAMINO_DATA_KEY": TEST_DATA_KEY,
        "CAMINO_LOG_LEVEL": "WARNING",
        "CAMINO_RATE_TELEGRAM": str(RATE),
        "CAMINO_RATE_SMS": str(RATE),
        "CAMINO_OUTBOX_LEASE_SECONDS": "5",
    }
    if channel == "telegram":
        env |= {"TELEGRAM_BOT_TOKEN": BOT, "TELEGRAM_API_BASE_URL": api}
    else:
        env |= {
            "TWILIO_ACCOUNT_SID": SID,
            "TWILIO_AUTH_TOKEN": TOKEN,
            "TWILIO_SMS_FROM": "+15005550006",
            "TWILIO_API_BASE_URL": api,
        }
    return env


def queue(runtime: Runtime, channel: str) -> None:
    """One notification to each of 10,000 people, each text unique so repeats can be seen."""
    now = runtime.clock()
    with runtime.sessions() as db, db.begin():
        for i in range(COUNT):
            address = str(900_000 + i) if channel == "telegram" else f"+52155{i:08d}"
            contact = get_or_create_contact(db, runtime.vault, Sender(channel, address), now)
            outbox.enqueue(
                db, runtime.vault, contact, kind="notice", text=f"Aviso {i}", language="es", now=now
            )


def counts(runtime: Runtime) -> Counter[str]:
    with runtime.sessions() as db:
        rows = db.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    return Counter({status: n for status, n in rows})


def worker(env: dict[str, str], channel: str, work: Path) -> subprocess.Popen[bytes]:
    log = (work / f"worker-{channel}.log").open("ab")
    return subprocess.Popen(
        [sys.executable, str(OUTBOX_WORKER), f"{channel}={CONCURRENCY}"],
        env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
        cwd=work,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def deliver(
    runtime: Runtime, env: dict[str, str], channel: str, work: Path, kill_at: int | None
) -> dict[str, Any]:
    """Run the worker until nothing is left to send; kill it once midway when asked."""
    process = worker(env, channel, work)
    started: float | None = None
    paused = 0.0
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline:
            state = counts(runtime)
            done = state["sent"] + state["delivered"] + state["failed"]
            if started is None and done:
                started = time.monotonic()
            if kill_at is not None and done >= kill_at:
                process.send_signal(signal.SIGKILL)
                process.wait()
                stopped = time.monotonic()
                time.sleep(1)
                process = worker(env, channel, work)  # restarts, reconciles, goes on
                paused += time.monotonic() - stopped
                kill_at = None
            if done >= COUNT:
                break
            time.sleep(0.2)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
    elapsed = time.monotonic() - (started or time.monotonic()) - paused
    return {"elapsed": elapsed, "state": dict(counts(runtime))}


def run(report: Report, work: Path, _server: Any) -> None:
    """One run per channel: 10,000 notifications, the worker killed once midway and restarted."""
    for channel in ("telegram", "sms"):
        fake: Any = FakeTelegram(token=BOT) if channel == "telegram" else FakeTwilio(SID, TOKEN)
        with fake:
            url = f"sqlite:///{work}/outbound-{channel}.db"
            env = settings_env(url, channel, fake.base_url)
            runtime = build_runtime(Settings(_env_file=None, **env))  # type: ignore[arg-type]
            queue(runtime, channel)
            result = deliver(runtime, env, channel, work, COUNT // 2)
            runtime.close()
            if channel == "telegram":
                texts = [
                    m.get("text") for chat in fake.chats.values() for m in chat.messages.values()
                ]
            else:
                texts = [m.get("body") for m in fake.messages.values()]
        received = Counter(t for t in texts if t and t.startswith("Aviso"))
        twice = sum(1 for n in received.values() if n > 1)
        lost = COUNT - len(received)
        given_up = result["state"].get("failed", 0)
        rate = len(received) / result["elapsed"] if result["elapsed"] else 0.0
        report.line(
            "outbound",
            f"- {channel}, worker killed midway and restarted: "
            f"{len(received):,} of {COUNT:,} received, {twice} twice, "
            f"{lost} missing, {given_up} given up as in flight at the kill; "
            f"{rate:.1f} messages/s while running, against a limit of "
            f"{RATE:.0f}/s; final states {result['state']}",
        )
        report.verdict(
            f"outbound {channel}: rate >= 95 % of the limit",
            rate >= 0.95 * RATE,
            f"{rate / RATE:.0%}",
        )
        if channel == "telegram":
            # At most once by policy: a send in flight at the kill is given up, never resent.
            # A given-up send may still have arrived; what is missing can only be among them.
            met = twice == 0 and lost <= given_up <= CONCURRENCY
            target = (
                "outbound telegram: none twice; none lost but the sends in flight at the "
                "kill, given up as documented"
            )
        else:
            met = twice == 0 and lost == 0
            target = "outbound sms: none twice, none lost (in-flight sends reconciled by lookup)"
        report.verdict(target, met, f"{twice} twice, {lost} lost")
