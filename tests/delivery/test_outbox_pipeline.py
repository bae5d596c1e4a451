"""The worker's pipeline: sends in flight together up to a window, each at its slot.

A send takes a round trip, so a channel keeps several in flight at once; the window bounds the
rows claimed and not yet settled (on Telegram, what a crash gives up). Slots are counted against
an injected clock; waits for the worker end as soon as what they wait for has happened.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

from bot.app.runtime import Runtime
from bot.delivery import Outcome, Outgoing, Permanent, Retry, Sent
from bot.delivery import queue as outbox
from bot.delivery.worker import OutboxWorker, default_window
from bot.store.contacts import Sender, get_or_create_contact
from bot.store.models import Contact, OutboxMessage
from tests.support.databases import count_rows
from tests.support.factories import make_runtime

# Upper bound of a wait for the worker, never a measured time.
PATIENCE = 60.0


class FakeWall:
    """A wall clock that moves only when slept on."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def queue(runtime: Runtime, channel: str, count: int) -> None:
    now = runtime.clock()
    with runtime.sessions() as db, db.begin():
        for i in range(count):
            address = str(4000 + i) if channel == "telegram" else f"+52554{i:07d}"
            contact = get_or_create_contact(db, runtime.vault, Sender(channel, address), now)
            outbox.enqueue(
                db, runtime.vault, contact, kind="notice", text=f"n{i}", language="es", now=now
            )


class GatedSender:
    """Accepts everything once the gate opens; counts the sends waiting at the gate."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.active = 0
        self.most_active = 0
        self.texts: list[str] = []

    async def send(self, message: Outgoing) -> Outcome:
        self.active += 1
        self.most_active = max(self.most_active, self.active)
        await self.gate.wait()
        self.active -= 1
        self.texts.append(message.text)
        return Sent(f"m{len(self.texts)}")

    async def close(self) -> None:
        return None


async def until(condition: object) -> None:
    """Wait (at most PATIENCE seconds) for `condition()` to hold."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + PATIENCE
    while not condition() and loop.time() < deadline:  # type: ignore[operator]
        await asyncio.sleep(0.01)


def test_a_channel_keeps_its_window_in_flight_and_no_more(
    database_url: str, tmp_path: Path
) -> None:
    """Three sends wait at the provider together; no fourth row is claimed meanwhile, so a
    crash could give up at most three Telegram rows."""
    runtime = make_runtime(
        database_url,
        tmp_path,
        CAMINO_RATE_TELEGRAM="100000",
        CAMINO_RATE_TELEGRAM_PER_CHAT="100000",
    )
    queue(runtime, "telegram", 10)
    sender = GatedSender()

    async def run() -> tuple[int, int]:
        worker = OutboxWorker(
            runtime.settings,
            runtime.sessions,
            runtime.vault,
            runtime.clock,
            {"telegram": sender},
            concurrency={"telegram": 3},
        )
        await worker.start()
        await until(lambda: sender.active == 3)
        await asyncio.sleep(0.2)  # room for a wrong fourth claim, if the window leaked
        claimed = count_rows(runtime, OutboxMessage, OutboxMessage.status == "sending")
        waiting = sender.active
        sender.gate.set()
        await until(lambda: len(sender.texts) == 10)
        await until(
            lambda: count_rows(runtime, OutboxMessage, OutboxMessage.status == "sent") == 10
        )
        await worker.stop()
        return claimed, waiting

    claimed, waiting = asyncio.run(run())
    assert (claimed, waiting) == (3, 3)
    assert sender.most_active == 3
    assert sorted(sender.texts) == sorted(f"n{i}" for i in range(10))
    assert count_rows(runtime, OutboxMessage, OutboxMessage.status == "sent") == 10
    runtime.close()


class ClockedSender:
    """Accepts everything and notes the (injected) wall time of each send. It can be asked
    what it sent (like Twilio), so its sends go at their slots with nothing written first."""

    def __init__(self, wall: FakeWall) -> None:
        self.wall = wall
        self.times: list[float] = []

    async def send(self, message: Outgoing) -> Outcome:
        self.times.append(self.wall())
        return Sent(f"m{len(self.times)}")

    def find_sent(self, message: Outgoing, since: datetime, exclude: frozenset[str]) -> str | None:
        return None

    async def close(self) -> None:
        return None


def test_a_batch_goes_out_one_slot_apart_never_early(database_url: str, tmp_path: Path) -> None:
    runtime = make_runtime(database_url, tmp_path, CAMINO_RATE_SMS="10")
    queue(runtime, "sms", 5)
    wall = FakeWall()
    start = wall()
    sender = ClockedSender(wall)
    worker = OutboxWorker(
        runtime.settings,
        runtime.sessions,
        runtime.vault,
        lambda: runtime.clock() + timedelta(seconds=1),
        {"sms": sender},
        wall=wall,
        sleep=wall.sleep,
    )
    assert asyncio.run(worker.deliver_batch("sms", sender, 5))
    assert [round(t - start, 6) for t in sorted(sender.times)] == [0.0, 0.1, 0.2, 0.3, 0.4]
    assert count_rows(runtime, OutboxMessage, OutboxMessage.status == "sent") == 5
    runtime.close()


def test_the_default_window_covers_a_tenth_of_a_second_of_the_rate() -> None:
    assert default_window("telegram", 30) == 4  # Telegram's own limit: as before
    assert default_window("telegram", 200) == 20
    assert default_window("sms", 1) == 2


def test_outcomes_settled_together_each_get_their_own_verdict(
    database_url: str, tmp_path: Path
) -> None:
    """Sends that end together are written in one transaction, each as `settle` would alone."""
    runtime = make_runtime(database_url, tmp_path)
    queue(runtime, "telegram", 4)
    now = runtime.clock() + timedelta(seconds=1)
    claimed = outbox.claim_batch(runtime.sessions, "telegram", now, timedelta(minutes=2), 4)
    assert len(claimed) == 4
    outbox.postpone(runtime.sessions, claimed[3], now)  # no longer ours: left alone
    statuses = outbox.settle_many(
        runtime.sessions,
        [
            (claimed[0], Sent("m1")),
            (claimed[1], Retry("timeout")),
            (claimed[2], Permanent("403", blocked=True)),
            (claimed[3], Sent("m4")),
        ],
        now=now,
        max_attempts=3,
        backoff_base=1.0,
    )
    assert statuses == ["sent", "queued", "failed", "gone"]
    with runtime.sessions() as db:
        rows = {row.id: row for row in db.query(OutboxMessage)}
        blocked = db.get(Contact, rows[claimed[2]].contact_id)
    assert rows[claimed[0]].provider_message_id == "m1"
    assert (rows[claimed[1]].next_attempt_at or now) > now
    assert blocked is not None and blocked.stopped
    assert (rows[claimed[3]].status, rows[claimed[3]].provider_message_id) == ("queued", None)
    runtime.close()
