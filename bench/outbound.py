"""Outbound: queued notifications through the outbox to the fake providers, at 60/s and 200/s,
on SQLite and PostgreSQL, Telegram and SMS, the worker killed midway and restarted.

Measures the achieved rate against the configured limit from the times the fakes received each
message (the pause between the kill and the restarted worker's first send left out), and
counts what each fake received: none may be lost or arrive twice. The fakes run in this
process; the worker runs alone in its own (tests/support/outbox_worker_main.py).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
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
from bot.delivery.worker import default_window
from bot.store.contacts import Sender, get_or_create_contact
from bot.store.models import OutboxMessage
from tests.support import OUTBOX_WORKER
from tests.support.factories import TEST_DATA_KEY
from tests.support.fakes.fake_telegram import FakeTelegram
from tests.support.fakes.fake_twilio import FakeTwilio

# Messages a second: the configured limits the worker must reach (Telegram's own default is 30).
RATES = (60.0, 200.0)
# Seconds of sending a run queues (at its rate), the kill midway.
SECONDS = 12
TARGET = 0.98
SID, TOKEN, BOT = "AC" + "1" * 32, "bench-token", "123456:bench"


class Arrivals:
    """When each message reached a fake (monotonic seconds)."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.lock = threading.Lock()

    def mark(self) -> None:
        with self.lock:
            self.times.append(time.monotonic())


class TimedTelegram(FakeTelegram):
    """The fake Bot API, noting when each sendMessage arrived."""

    def __init__(self, token: str) -> None:
        super().__init__(token=token)
        self.arrivals = Arrivals()

    def call(
        self, method: str, params: dict[str, Any], *, in_answer: bool = False
    ) -> tuple[int, dict[str, Any] | bytes]:
        answer = super().call(method, params, in_answer=in_answer)
        if method == "sendMessage":
            self.arrivals.mark()
        return answer


class TimedMessages(dict[str, dict[str, Any]]):
    """Fake Twilio's messages, noting when each was created."""

    def __init__(self, arrivals: Arrivals) -> None:
        super().__init__()
        self.arrivals = arrivals

    def __setitem__(self, key: str, value: dict[str, Any]) -> None:
        if key not in self:
            self.arrivals.mark()
        super().__setitem__(key, value)


def settings_env(url: str, channel: str, api: str, rate: float) -> dict[str, str]:
    env = {
        "CAMINO_DATABASE_URL": url,
        "CAMINO_DATA_KEY": TEST_DATA_KEY,
        "CAMINO_LOG_LEVEL": "WARNING",
        "CAMINO_RATE_TELEGRAM": str(rate),
        "CAMINO_RATE_SMS": str(rate),
        "CAMINO_OUTBOX_LEASE_SECONDS": "5",
        "CAMINO_SCHEDULER_ENABLED": "0",
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


def queue(runtime: Runtime, channel: str, count: int) -> None:
    """One notification to each of `count` people, each text unique so repeats can be seen."""
    now = runtime.clock()
    with runtime.sessions() as db, db.begin():
        for i in range(count):
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


def worker(env: dict[str, str], channel: str, window: int, work: Path) -> subprocess.Popen[bytes]:
    log = (work / f"worker-{channel}.log").open("ab")
    return subprocess.Popen(
        [sys.executable, str(OUTBOX_WORKER), f"{channel}={window}"],
        env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
        cwd=work,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def deliver(
    runtime: Runtime, env: dict[str, str], channel: str, window: int, work: Path, count: int
) -> dict[str, Any]:
    """Run the worker until nothing is left to send, killed once midway and restarted; the
    moment of the kill (monotonic) and the final states."""
    process = worker(env, channel, window, work)
    killed_at = 0.0
    cpu = 0.0
    cpu_ms = float("nan")
    steady: tuple[float, int] | None = None  # the worker's CPU and the rows done at its start
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline:
            state = counts(runtime)
            done = state["sent"] + state["delivered"] + state["failed"]
            if steady is None and done:
                steady = (cpu_seconds(process.pid), done)
            if not killed_at and done >= count // 2:
                cpu += cpu_seconds(process.pid)
                if steady is not None:  # CPU a message while sending, start-up left out
                    cpu_ms = (cpu - steady[0]) * 1000 / max(1, done - steady[1])
                process.send_signal(signal.SIGKILL)
                process.wait()
                killed_at = time.monotonic()
                process = worker(env, channel, window, work)  # restarts, reconciles, goes on
            if done >= count:
                break
            time.sleep(0.1)
    finally:
        cpu += cpu_seconds(process.pid)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
    return {"killed_at": killed_at, "state": dict(counts(runtime)), "cpu_ms": cpu_ms}


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) a live process has used, start-up included."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def sending_rate(times: list[float], killed_at: float) -> float:
    """Messages a second while a worker ran: the stretches before the kill and after the
    restart, each from its first arrival to its last."""
    spans = [[t for t in times if t <= killed_at], [t for t in times if t > killed_at]]
    messages = sum(len(span) - 1 for span in spans if len(span) > 1)
    seconds = sum(span[-1] - span[0] for span in spans if len(span) > 1)
    return messages / seconds if seconds else 0.0


def run_one(report: Report, work: Path, database: str, url: str, channel: str, rate: float) -> None:
    count = int(rate * SECONDS)
    window = default_window(channel, rate)
    arrivals: Arrivals
    fake: Any
    if channel == "telegram":
        fake = TimedTelegram(BOT)
        arrivals = fake.arrivals
    else:
        fake = FakeTwilio(SID, TOKEN)
        arrivals = Arrivals()
        fake.messages = TimedMessages(arrivals)
    with fake:
        env = settings_env(url, channel, fake.base_url, rate)
        runtime = build_runtime(Settings(_env_file=None, **env))  # type: ignore[arg-type]
        queue(runtime, channel, count)
        result = deliver(runtime, env, channel, window, work, count)
        runtime.close()
        if channel == "telegram":
            texts = [m.get("text") for chat in fake.chats.values() for m in chat.messages.values()]
        else:
            texts = [m.get("body") for m in fake.messages.values()]
    received = Counter(t for t in texts if t and t.startswith("Aviso"))
    twice = sum(1 for n in received.values() if n > 1)
    lost = count - len(received)
    given_up = result["state"].get("failed", 0)
    achieved = sending_rate(sorted(arrivals.times), result["killed_at"])
    name = f"{channel} on {database} at {rate:.0f}/s"
    report.line(
        "outbound",
        f"- {name}, {window} in flight at most, worker killed midway and restarted: "
        f"{len(received):,} of {count:,} received, {twice} twice, {lost} missing, "
        f"{given_up} given up as in flight at the kill; {achieved:.1f} messages/s while "
        f"running ({achieved / rate:.1%}); worker CPU {result['cpu_ms']:.2f} ms a message "
        f"(before the kill); final states {result['state']}",
    )
    report.verdict(
        f"outbound {name}: rate >= {TARGET:.0%} of the limit",
        achieved >= TARGET * rate,
        f"{achieved / rate:.1%}",
    )
    if channel == "telegram":
        # At most once by policy: a send in flight at the kill is given up, never resent.
        # A given-up send may still have arrived; what is missing can only be among them.
        met = twice == 0 and lost <= given_up <= window
        target = (
            f"outbound {name}: none twice; none lost but the sends in flight at the "
            "kill, given up as documented"
        )
    else:
        met = twice == 0 and lost == 0
        target = f"outbound {name}: none twice, none lost (in-flight sends reconciled by lookup)"
    report.verdict(target, met, f"{twice} twice, {lost} lost, {given_up} given up")


def run(report: Report, work: Path, server: Any) -> None:
    """Every channel at every rate on both databases, the worker killed once midway."""
    for database in ("sqlite", "postgresql"):
        for rate in RATES:
            for channel in ("telegram", "sms"):
                run_one(
                    report,
                    work,
                    database,
                    database_url(work, server, database, channel, rate),
                    channel,
                    rate,
                )


def database_url(work: Path, server: Any, database: str, channel: str, rate: float) -> str:
    label = f"outbound_{channel}_{rate:.0f}"
    if database == "sqlite":
        return f"sqlite:///{work}/{label}.db"
    return str(server.create_database(f"bench_{label}"))


def main() -> None:
    """`python -m bench.outbound [--database sqlite] [--rate 200] [--channel sms]`: some runs
    of the matrix, printed, for trying a change quickly."""
    import argparse
    import tempfile

    from tests.support import pg

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--database", choices=["sqlite", "postgresql"])
    parser.add_argument("--rate", type=float, choices=RATES)
    parser.add_argument("--channel", choices=["telegram", "sms"])
    args = parser.parse_args()
    report = Report(command="python -m bench.outbound", machine="", date="")
    server = pg.start_server() if args.database != "sqlite" else None
    try:
        with tempfile.TemporaryDirectory(prefix="camino-outbound-") as tmp:
            for database in [args.database] if args.database else ["sqlite", "postgresql"]:
                for rate in [args.rate] if args.rate else RATES:
                    for channel in [args.channel] if args.channel else ["telegram", "sms"]:
                        url = database_url(Path(tmp), server, database, channel, rate)
                        report.load(f"before {channel} at {rate:.0f}/s on {database}:")
                        run_one(report, Path(tmp), database, url, channel, rate)
    finally:
        if server is not None:
            server.stop()
    for target, met, figure in report.verdicts:
        print(f"{'yes' if met else 'NO '} {target}: {figure}")
    print("load average:", "; ".join(report.loads))


if __name__ == "__main__":
    main()
