"""Run the outbox worker alone (for the crash tests): `python outbox_worker_main.py [ARGS]`.

`sms=1`, `telegram=1`...: a channel's concurrency (sends in flight at once). `--after=PATH`:
load everything, then wait for PATH to exist before touching the database (a standby that
takes over the moment the test creates the file, without paying for Python's start-up).
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from bot.app.background import build_senders
from bot.app.runtime import build_runtime
from bot.core.config import Settings
from bot.delivery.worker import OutboxWorker


async def main(concurrency: dict[str, int]) -> None:
    runtime = build_runtime(Settings(), migrate=False)
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
while gate is not None and not Path(gate).exists():
    time.sleep(0.02)
asyncio.run(main({channel: int(count) for channel, count in options.items()}))
