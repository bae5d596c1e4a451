"""Run Camino's benchmarks and write bench/RESULTS.md: `make bench` (or `python -m bench`).

Everything runs on this machine over loopback: `camino serve` against the tests' fake Bot API,
a load generator in its own process, and a throwaway PostgreSQL server. Machines here are
shared and noisy, so each result is compared with a baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import platform
import shlex
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import growth, inbound, outbound, scaleout
from bench.processes import ROOT, camino, ceiling, fake_telegram
from bench.report import Report
from tests.support import pg

PARTS = ("inbound", "memory", "growth", "outbound", "scaleout")


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    import os

    return (
        f"{os.cpu_count()} cores ({cpu}), {int(memory) // 1024 // 1024} GiB, "
        f"Python {platform.python_version()}, {platform.platform()}"
    )


def run_inbound(report: Report, work: Path, server: pg.PostgresServer, seconds: float) -> None:
    # The ceiling is measured right before and right after each Camino run (the "after" of one
    # run is the "before" of the next); each ratio uses the higher of its two, so a busy
    # moment on a shared machine cannot flatter it.
    with fake_telegram(work) as api, ceiling(work) as bare:
        before = inbound.saturation(bare, "sms", seconds)["best"]
        report.add("inbound", "ceiling (bare FastAPI, signature check, empty TwiML)", before)
        for name, url in (
            ("sqlite", f"sqlite:///{work}/inbound.db"),
            ("postgresql", server.create_database("bench_inbound")),
        ):
            for channel in ("sms", "telegram"):
                with camino(url, work, api.base) as app:
                    best = inbound.saturation(app, channel, seconds)["best"]
                    half = inbound.half_load(app, channel, float(best["rps"]), seconds)
                    rss = app.peak_rss_mb()
                after = inbound.saturation(bare, "sms", seconds)["best"]
                report.add("inbound", "ceiling, measured again", after)
                report.inbound(name, channel, best, half, (before, after), rss)
                before = after


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", default=",".join(PARTS), help="comma-separated parts")
    parser.add_argument("--seconds", type=float, default=6.0, help="length of each load run")
    parser.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    args = parser.parse_args()
    parts = [p for p in args.only.split(",") if p]
    command = (
        "make bench"
        if parts == list(PARTS)
        else ("python -m bench " + " ".join(shlex.quote(a) for a in sys.argv[1:]))
    )
    report = Report(
        command=command, machine=machine(), date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    )
    started = time.monotonic()
    server = pg.start_server()
    steps: dict[str, Callable[[Path], Any]] = {
        "inbound": lambda work: run_inbound(report, work, server, args.seconds),
        "growth": lambda work: growth.run(report, work, server, args.seconds),
        "outbound": lambda work: outbound.run(report, work, server),
        "scaleout": lambda work: scaleout.run(report, work, server, args.seconds),
    }
    try:
        with tempfile.TemporaryDirectory(prefix="camino-bench-") as tmp:
            for part in parts:
                if part == "memory":
                    continue  # measured during the inbound runs
                print(f"== {part}", flush=True)
                report.load(f"before {part}:")
                try:
                    steps[part](Path(tmp))
                except Exception as exc:  # one broken part must not lose the others' figures
                    report.line(part, f"- the run failed: {type(exc).__name__}: {exc}")
                    report.verdict(f"{part}: the benchmark ran", False, type(exc).__name__)
    finally:
        server.stop()
        report.load("at the end:")
        report.elapsed = time.monotonic() - started
        Path(args.out).write_text(report.markdown())
    print(report.markdown())


if __name__ == "__main__":
    main()
