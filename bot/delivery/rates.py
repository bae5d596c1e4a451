"""Sending rates held across every process and host, through the database.

Each rate (a provider's limit on a channel, say 30 messages a second on Telegram) is one row of
`rate_slots` holding the next free send slot. A process that is about to send `count` messages
moves that slot on by `count` intervals in one statement (`UPDATE ... RETURNING`, so two
processes can never get the same slots) and sends each message at its slot. Whatever the
number of processes, slots are `1/rate` apart, so the provider sees the configured rate.

Times are the wall clock (seconds since the epoch): processes on several hosts agree on it as
far as their clocks do (keep them synchronized with NTP). The clock and the sleep are injected,
so tests count slots instead of timing them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from sqlalchemy import case, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from bot.store.models import RateSlot

WallClock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


def take_slots(
    sessions: sessionmaker[Session], name: str, interval: float, count: int, now: float
) -> float:
    """Reserve `count` consecutive slots of the rate `name`; the first one's time."""
    if interval <= 0 or count <= 0:
        return now
    # The row moves on in one statement, so two processes never take the same slot.
    advance = (
        update(RateSlot)
        .where(RateSlot.name == name)
        .values(
            next_at=case((RateSlot.next_at < now, now), else_=RateSlot.next_at) + count * interval
        )
        .returning(RateSlot.next_at)
    )
    with sessions() as db, db.begin():
        moved = db.scalar(advance)
        if moved is None:  # the first send of this rate ever: make its row
            insert = (
                postgresql.insert(RateSlot)
                if db.get_bind().dialect.name == "postgresql"
                else sqlite.insert(RateSlot)
            )
            db.execute(insert.values(name=name, next_at=now).on_conflict_do_nothing())
            moved = db.scalar(advance)
        assert moved is not None
        return float(moved) - count * interval


def next_slot(sessions: sessionmaker[Session], name: str) -> float | None:
    """The rate's next free slot (for tests and diagnostics)."""
    with sessions() as db:
        value = db.scalar(select(RateSlot.next_at).where(RateSlot.name == name))
        return None if value is None else float(value)


class SharedRate:
    """At most `rate` sends a second of one kind, across all processes sharing the database."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        name: str,
        rate: float,
        *,
        wall: WallClock = time.time,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.sessions = sessions
        self.name = name
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.wall = wall
        self.sleep = sleep

    async def reserve(self, count: int) -> list[float]:
        """Reserve slots for `count` sends (in a thread: it writes one row); their times."""
        first = await asyncio.to_thread(
            take_slots, self.sessions, self.name, self.interval, count, self.wall()
        )
        return [first + number * self.interval for number in range(count)]

    async def until(self, slot: float) -> None:
        """Wait for a reserved slot."""
        delay = slot - self.wall()
        if delay > 0:
            await self.sleep(delay)
