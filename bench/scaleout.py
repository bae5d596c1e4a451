"""Scale-out on one PostgreSQL database: `camino serve` with one and two workers under the same
load, then two `camino serve` on different ports behind the load generator's round robin.

In the two servers' run every message is delivered twice at once, the copy to the other server
(as a provider retrying would), so it shows that no message is processed twice across
processes. During the two servers' run the outbox sends notices at a shared rate, measured
where the fake Bot API receives them, and the database shows which process runs the scheduler.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, func, select, text

from bench.outbound import TimedTelegram, counts, queue, sending_rate
from bench.processes import ROOT, Served, camino, fake_telegram, run_json
from bench.report import Report
from bot.app.runtime import build_runtime
from bot.core.config import Settings
from bot.scheduling.leader import LOCK_KEY
from bot.store.models import Case, InboundReceipt, SchedulerLeader
from tests.support.factories import TEST_DATA_KEY

# The inbound bench's load (no copies), so one worker's figure compares with it: every message
# delivered twice at once costs about 60 % more CPU (both copies are parsed and checked, and
# the second stops at the receipt) and says nothing about scaling.
USERS = 16
# The two servers' run: every message delivered twice, the copy to the other server.
HOSTS_USERS = 24
# The outbox's shared rate during the two servers' run (messages a second, both together).
HOSTS_RATE = 100.0
HOSTS_TARGET = 0.02  # the rate held within 2 %


def loadgen(targets: list[Served], seconds: float, users: int, duplicate: bool) -> list[str]:
    bases = ",".join(app.base for app in targets)
    return [
        sys.executable,
        "-m",
        "bench.loadgen",
        "closed",
        "--target",
        bases,
        "--channel",
        "sms",
        "--users",
        str(users),
        "--seconds",
        str(seconds),
        *(["--duplicate"] if duplicate else []),
    ]


def idle_share(app: Served, seconds: float = 2.0) -> float:
    """The share of a core the server's processes use with nothing to do (background loops)."""
    before = app.cpu_seconds()
    time.sleep(seconds)
    return (app.cpu_seconds() - before) / seconds


def processed(engine: Engine) -> tuple[int, int]:
    """Messages processed (receipts) and complaints filed."""
    with engine.connect() as db:
        receipts = db.scalar(select(func.count()).select_from(InboundReceipt)) or 0
        submitted = (
            db.scalar(select(func.count()).select_from(Case).where(Case.status == "submitted")) or 0
        )
    return receipts, submitted


def check_once(
    report: Report, label: str, run_: dict[str, Any], engine: Engine, cpu_note: str
) -> None:
    receipts, submitted = processed(engine)
    report.line(
        "scale-out",
        f"  - unique messages answered {run_['requests']}, "
        f"processed {receipts}, complaints filed {submitted}, "
        f"complaints expected {run_['completed_scripts']}, "
        f"CPU {run_['cpu_ms']:.1f} ms a message ({cpu_note})",
    )
    report.verdict(
        f"scale-out {label}: each message processed once",
        receipts == run_["requests"] and submitted == run_["completed_scripts"],
        f"{receipts} processed of {run_['requests']}",
    )


def run(report: Report, work: Path, server: Any, seconds: float) -> None:
    results: dict[int, dict[str, Any]] = {}
    with fake_telegram(work) as api:
        for workers in (1, 2):
            url = server.create_database(f"bench_scaleout_{workers}")
            with camino(url, work, api.base, workers=workers) as app:
                idle = idle_share(app)
                cpu_before = app.cpu_seconds()
                run_: dict[str, Any] = run_json(loadgen([app], seconds, USERS, duplicate=False))
                # CPU per message does not depend on what else the machine is doing: with it
                # flat, more cores and hosts add throughput.
                run_["cpu_ms"] = (app.cpu_seconds() - cpu_before) * 1000 / max(1, run_["requests"])
            engine = create_engine(url)
            results[workers] = run_
            report.add("scale-out", f"{workers} worker(s), sms on PostgreSQL", run_)
            report.line("scale-out", f"  - at rest before the load: {idle:.1%} of a core")
            check_once(report, f"{workers} worker(s)", run_, engine, "all processes")
            engine.dispose()
    growth = float(results[2]["rps"]) / float(results[1]["rps"])
    report.verdict("scale-out: 2 workers >= 1.4x one", growth >= 1.4, f"x{growth:.2f}")
    cpu = float(results[2]["cpu_ms"]) / float(results[1]["cpu_ms"])
    report.verdict(
        "scale-out: CPU per message with 2 workers within 1.1x of one", cpu <= 1.1, f"x{cpu:.2f}"
    )
    two_servers(report, work, server, seconds)


def two_servers(report: Report, work: Path, server: Any, seconds: float) -> None:
    """Two `camino serve` on one database, the load dealt to them in turn, while the outbox
    sends notices at a rate both share."""
    url = server.create_database("bench_scaleout_hosts")
    count = int(HOSTS_RATE * max(seconds, 6.0))
    extra = {"CAMINO_RATE_TELEGRAM": str(HOSTS_RATE), "CAMINO_RATE_TELEGRAM_PER_CHAT": "1000"}
    runtime = build_runtime(
        Settings(_env_file=None, CAMINO_DATABASE_URL=url, CAMINO_DATA_KEY=TEST_DATA_KEY)
    )
    api = TimedTelegram("123456:bench")
    with api, ExitStack() as stack:
        apps = [stack.enter_context(camino(url, work, api.base_url, extra=extra)) for _ in (1, 2)]
        cpu_before = sum(app.cpu_seconds() for app in apps)
        load = subprocess.Popen(
            loadgen(apps, seconds, HOSTS_USERS, duplicate=True),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        queue(runtime, "telegram", count)  # both servers' outbox workers send them
        output, _ = load.communicate(timeout=seconds + 120)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            state = counts(runtime)
            if state["sent"] + state["failed"] >= count:
                break
            time.sleep(0.2)
        cpu = sum(app.cpu_seconds() for app in apps) - cpu_before
        pids = {pid for app in apps for pid in app.tree()}
        engine = create_engine(url)
        with engine.connect() as db:
            holders = db.scalar(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    "AND classid = 0 AND objid = :key AND objsubid = 1"
                ),
                {"key": LOCK_KEY},
            )
            leader_pid = db.scalar(select(SchedulerLeader.pid))
    runtime.close()
    run_ = json.loads(output.strip().splitlines()[-1])
    run_["cpu_ms"] = cpu * 1000 / max(1, run_["requests"])
    report.add("scale-out", "two camino serve, round robin, sms on PostgreSQL", run_)
    check_once(report, "two servers", run_, engine, "both copies, the outbox's sends too")
    engine.dispose()
    report.verdict(
        "scale-out two servers: one scheduler",
        holders == 1 and leader_pid in pids,
        f"{holders} holding the scheduler lock; the leader row names "
        + ("one of them" if leader_pid in pids else f"pid {leader_pid}"),
    )
    achieved = sending_rate(sorted(api.arrivals.times), 0.0)
    report.line(
        "scale-out",
        f"  - outbox: {len(api.arrivals.times)} of {count} notices sent by both servers at "
        f"{achieved:.1f}/s against a shared limit of {HOSTS_RATE:.0f}/s; "
        f"final states {dict(state)}",
    )
    report.verdict(
        "scale-out two servers: the outbox's global rate held within 2 %",
        abs(achieved / HOSTS_RATE - 1) <= HOSTS_TARGET,
        f"{achieved / HOSTS_RATE:.1%}",
    )
