"""Peak memory of `camino serve` at rest and under a short load, in one go:
`python -m bench.memory [--channel sms|telegram] [--database sqlite|postgresql] [--seconds 5]
[--users 16]`. Prints JSON, with the server's CPU seconds a message (which a busy machine
cannot flatter as it does the rate) and the load average.

Quicker than `python -m bench --only inbound` when a change to memory is being tried; the
figures in RESULTS.md come from the full run.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench import inbound
from bench.processes import camino, fake_telegram
from tests.support import pg


@contextmanager
def database(kind: str, work: Path) -> Iterator[str]:
    """A fresh database's URL: a SQLite file, or one on a throwaway PostgreSQL server."""
    if kind == "sqlite":
        yield f"sqlite:///{work}/memory.db"
        return
    server = pg.start_server()
    try:
        yield server.create_database("bench_memory")
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--channel", choices=("sms", "telegram"), default="sms")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--users", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="camino-memory-") as tmp:
        work = Path(tmp)
        with (
            database(args.database, work) as url,
            fake_telegram(work) as api,
            camino(url, work, api.base) as app,
        ):
            idle = app.peak_rss_mb()
            cpu = app.cpu_seconds()
            run = inbound.loadgen("closed", app, args.channel, args.seconds, users=args.users)
            cpu = app.cpu_seconds() - cpu
            peak = app.peak_rss_mb()
    requests = int(run["requests"]) or 1
    print(
        json.dumps(
            {
                "channel": args.channel,
                "database": args.database,
                "idle_mb": round(idle),
                "peak_mb": round(peak),
                "rps": round(float(run["rps"]), 1),
                "errors": run["errors"],
                "cpu_ms_per_message": round(cpu / requests * 1000, 2),
                "load_average": round(os.getloadavg()[0], 2),
            }
        )
    )


if __name__ == "__main__":
    main()
