"""Run the outbox worker alone (for the crash tests): `python outbox_worker_main.py [ARGS]`.

`sms=1`, `telegram=1`...: a channel's concurrency (sends in flight at once). `--after=PATH`:
load everything, then wait for PATH to exist before touching the database (a standby that
takes over the moment the test creates the file, without paying for Python's start-up).
`--skew=SECONDS`: the worker's clock runs that far ahead (an injected clock), so the leases of
a worker that died are over at once, however long they are, and no live worker's lease can
run out on a busy machine.
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from bot.app.background import build_senders
from bot.app.runtime import build_runtime
from bot.core.clock import system_clock
from bot.core.config import Settings
from bot.delivery.worker import OutboxWorker


async def main(concurrency: dict[str, int], skew: float) -> None:
    ahead = timedelta(seconds=skew)

    def clock() -> datetime:
        return system_clock() + ahead

    runtime = build_runtime(Settings(), clock=clock, migrate=False)
    settings = runtime.settings
    worker = OutboxWorker(
        settings,
        runtime.sessions,
        runtime.vault,
        runtime.clock,
        build_senders(settings),
        concurrency=concurrency,
        backoff_base=0.05,
    )
    await worker.start()
    await asyncio.Event().wait()


options = dict(arg.split("=", 1) for arg in sys.argv[1:])
gate = options.pop("--after", None)
skew = float(options.pop("--skew", "0"))
while gate is not None and not Path(gate).exists():
    time.sleep(0.02)
asyncio.run(main({channel: int(count) for channel, count in options.items()}, skew))
