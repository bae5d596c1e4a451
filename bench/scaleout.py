"""Scale-out: one and two `camino serve` workers on one PostgreSQL database, same load.

Every message is delivered twice at once (as a provider retrying would), so the run also shows
that no message is processed twice across workers.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select

from bench.processes import camino, fake_telegram, run_json
from bench.report import Report
from bot.store.models import Case, InboundReceipt


def run(report: Report, work: Path, server: Any, seconds: float) -> None:
    results = {}
    with fake_telegram(work) as api:
        for workers in (1, 2):
            url = server.create_database(f"bench_scaleout_{workers}")
            with camino(url, work, api.base, workers=workers) as app:
                cpu_before = app.cpu_seconds()
                run_ = run_json(
                    [
                        sys.executable,
                        "-m",
                        "bench.loadgen",
                        "closed",
                        "--target",
                        app.base,
                        "--channel",
                        "sms",
                        "--users",
                        "48",
                        "--seconds",
                        str(seconds),
                        "--duplicate",
                    ]
                )
                # CPU per message does not depend on what else the machine is doing: with it
                # flat, more cores and hosts add throughput.
                run_["cpu_ms"] = (app.cpu_seconds() - cpu_before) * 1000 / max(1, run_["requests"])
            engine = create_engine(url)
            with engine.connect() as db:
                receipts = db.scalar(select(func.count()).select_from(InboundReceipt))
                submitted = db.scalar(
                    select(func.count()).select_from(Case).where(Case.status == "submitted")
                )
            engine.dispose()
            results[workers] = run_
            report.add("scale-out", f"{workers} worker(s), sms on PostgreSQL", run_)
            report.line(
                "scale-out",
                f"  - unique messages answered {run_['requests']}, "
                f"processed {receipts}, complaints filed {submitted}, "
                f"complaints expected {run_['completed_scripts']}, "
                f"CPU {run_['cpu_ms']:.1f} ms a message (both deliveries)",
            )
            report.verdict(
                f"scale-out {workers} worker(s): each message processed once",
                receipts == run_["requests"] and submitted == run_["completed_scripts"],
                f"{receipts} processed of {run_['requests']}",
            )
    growth = float(results[2]["rps"]) / float(results[1]["rps"])
    report.verdict("scale-out: 2 workers >= 1.4x one", growth >= 1.4, f"x{growth:.2f}")
    cpu = float(results[2]["cpu_ms"]) / float(results[1]["cpu_ms"])
    report.verdict(
        "scale-out: CPU per message with 2 workers within 1.1x of one", cpu <= 1.1, f"x{cpu:.2f}"
    )
