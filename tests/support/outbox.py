"""Watching the outbox from a test: counts of rows by status, and waiting until it settles."""

from __future__ import annotations

import time
from collections import Counter

from bot.app.runtime import Runtime
from bot.store.models import OutboxMessage


def statuses(runtime: Runtime) -> Counter[str]:
    """How many outbox rows are in each status."""
    with runtime.sessions() as db:
        return Counter(row.status for row in db.query(OutboxMessage))


def until_settled(runtime: Runtime, seconds: float) -> Counter[str]:
    """Wait until nothing is queued or sending; the final counts of statuses."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        counts = statuses(runtime)
        if counts["queued"] == 0 and counts["sending"] == 0:
            return counts
        time.sleep(0.2)
    return statuses(runtime)
