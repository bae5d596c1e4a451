"""Peak memory of `camino serve` at rest and under a short load, on SQLite, in one go:
`python -m bench.memory [--channel sms|telegram] [--seconds 5] [--users 16]`. Prints JSON.

Quicker than `python -m bench --only inbound` when a change to memory is being tried; the
figures in RESULTS.md come from the full run.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from bench import inbound
from bench.processes import camino, fake_telegram


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--channel", choices=("sms", "telegram"), default="sms")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--users", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="camino-memory-") as tmp:
        work = Path(tmp)
        with (
            fake_telegram(work) as api,
            camino(f"sqlite:///{work}/memory.db", work, api.base) as app,
        ):
            idle = app.peak_rss_mb()
            run = inbound.loadgen("closed", app, args.channel, args.seconds, users=args.users)
            peak = app.peak_rss_mb()
    print(
        json.dumps(
            {
                "channel": args.channel,
                "idle_mb": round(idle),
                "peak_mb": round(peak),
                "rps": round(float(run["rps"]), 1),
            }
        )
    )


if __name__ == "__main__":
    main()
