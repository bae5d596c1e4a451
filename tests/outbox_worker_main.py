"""Run the outbox worker alone (for the crash test): `python outbox_worker_main.py`."""

from __future__ import annotations

import asyncio

from bot.config import Settings
from bot.outbox import OutboxWorker, build_senders
from bot.runtime import build_runtime


async def main() -> None:
    runtime = build_runtime(Settings(), migrate=False)
    settings = runtime.settings
    worker = OutboxWorker(
        settings,
        runtime.sessions,
        runtime.vault,
        runtime.clock,
        build_senders(settings),
        backoff_base=0.05,
    )
    await worker.start()
    await asyncio.Event().wait()


asyncio.run(main())
