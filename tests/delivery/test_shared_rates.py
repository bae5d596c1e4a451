"""Rates shared by every process, batches claimed once each, and each chat's order kept.

Two runtimes on one database stand for two processes (each its own engine and pool). Slots are
counted against an injected clock, never timed.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from datetime import timedelta
from pathlib import Path

from bot.app.runtime import Runtime
from bot.delivery import Outcome, Outgoing, Retry, Sent
from bot.delivery import queue as outbox
from bot.delivery.rates import SharedRate, next_slot, take_slots
from bot.delivery.worker import OutboxWorker
from bot.store.contacts import Sender, get_or_create_contact
from bot.store.models import OutboxMessage
from tests.support.databases import count_rows
from tests.support.factories import make_runtime

LEASE = timedelta(minutes=2)


class FakeWall:
    """A wall clock that moves only when told; `sleep` moves it and records the wait."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_two_processes_share_one_rate(database_url: str, tmp_path: Path) -> None:
    """Two processes asking for slots in turns, in batches of any size: every slot is at least
    1/rate after the one before, so together they never exceed the rate."""
    first = _runtime(database_url, tmp_path / "a")
    second = _runtime(database_url, tmp_path / "b")
    wall = FakeWall()
    rate = 30.0
    slots: list[float] = []
    for turn, count in enumerate([5, 1, 30, 7, 12, 3, 30, 2]):
        runtime = first if turn % 2 == 0 else second
        start = take_slots(runtime.sessions, "outbox:telegram", 1 / rate, count, wall())
        slots += [start + n / rate for n in range(count)]
        wall.now += 0.05  # a little time passes between claims
    ordered = sorted(slots)
    gaps = [b - a for a, b in itertools.pairwise(ordered)]
    assert min(gaps) >= 1 / rate - 1e-6
    # In any one second of the schedule, at most `rate` slots.
    for start in ordered:
        assert sum(1 for s in ordered if start <= s < start + 1.0) <= rate
    first.close()
    second.close()


def test_an_idle_rate_starts_now_not_in_the_past(database_url: str, tmp_path: Path) -> None:
    runtime = make_runtime(database_url, tmp_path)
    wall = FakeWall()
    assert take_slots(runtime.sessions, "outbox:sms", 1.0, 3, wall()) == wall.now
    wall.now += 60  # idle for a minute: no burst of saved-up slots
    assert take_slots(runtime.sessions, "outbox:sms", 1.0, 1, wall()) == wall.now
    assert next_slot(runtime.sessions, "outbox:sms") == wall.now + 1.0
    runtime.close()


def test_threads_of_two_processes_get_distinct_slots(database_url: str, tmp_path: Path) -> None:
    """Eight threads over two engines reserving at once: no slot handed out twice."""
    runtimes = [_runtime(database_url, tmp_path / name) for name in ("a", "b")]
    wall = FakeWall()
    barrier = threading.Barrier(8)
    starts: list[float] = []
    lock = threading.Lock()

    def reserve(index: int) -> None:
        limiter = SharedRate(
            runtimes[index % 2].sessions, "outbox:whatsapp", 10.0, wall=wall, sleep=wall.sleep
        )
        barrier.wait()
        for _ in range(5):
            got = asyncio.run(limiter.reserve(2))
            with lock:
                starts.extend(got)

    threads = [threading.Thread(target=reserve, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(starts) == 80
    ordered = sorted(starts)
    assert min(b - a for a, b in itertools.pairwise(ordered)) >= 0.1 - 1e-6
    for runtime in runtimes:
        runtime.close()


def _runtime(database_url: str, workdir: Path) -> Runtime:
    workdir.mkdir(exist_ok=True)
    return make_runtime(database_url, workdir)


def _queue(runtime: Runtime, address: str, texts: list[str]) -> None:
    now = runtime.clock()
    with runtime.sessions() as db, db.begin():
        contact = get_or_create_contact(db, runtime.vault, Sender("telegram", address), now)
        for number, text in enumerate(texts):
            outbox.enqueue(
                db,
                runtime.vault,
                contact,
                kind="notice",
                text=text,
                language="es",
                now=now + timedelta(milliseconds=number),
            )


def _texts(runtime: Runtime, row_ids: list[str]) -> list[str]:
    return [
        prepared.outgoing.text
        for row_id in row_ids
        if (
            prepared := outbox.prepare(
                runtime.sessions, runtime.vault, runtime.settings, row_id, runtime.clock()
            )
        ).outgoing
        is not None
    ]


def test_a_batch_holds_one_row_per_chat_in_order(database_url: str, tmp_path: Path) -> None:
    runtime = make_runtime(database_url, tmp_path)
    _queue(runtime, "501", ["a1", "a2", "a3"])
    _queue(runtime, "502", ["b1", "b2"])
    now = runtime.clock() + timedelta(seconds=1)
    first = outbox.claim_batch(runtime.sessions, "telegram", now, LEASE, 10)
    assert sorted(_texts(runtime, first)) == ["a1", "b1"]
    # Their chats' next rows wait while these are in flight, in this process or another.
    assert outbox.claim_batch(runtime.sessions, "telegram", now, LEASE, 10) == []
    sent: list[str] = []
    batch = first
    while batch:
        sent += _texts(runtime, batch)
        for row_id in batch:
            outbox.settle(
                runtime.sessions,
                row_id,
                Sent("m"),
                now=now,
                max_attempts=3,
                backoff_base=1.0,
            )
        batch = outbox.claim_batch(runtime.sessions, "telegram", now, LEASE, 10)
    assert [t for t in sent if t.startswith("a")] == ["a1", "a2", "a3"]
    assert [t for t in sent if t.startswith("b")] == ["b1", "b2"]
    runtime.close()


def test_a_retried_row_keeps_its_place_in_the_chat(database_url: str, tmp_path: Path) -> None:
    runtime = make_runtime(database_url, tmp_path)
    _queue(runtime, "601", ["first", "second"])
    now = runtime.clock() + timedelta(seconds=1)
    [row_id] = outbox.claim_batch(runtime.sessions, "telegram", now, LEASE, 10)
    outbox.settle(
        runtime.sessions,
        row_id,
        Retry("timeout"),
        now=now,
        max_attempts=3,
        backoff_base=1.0,
    )
    # The first is due again later; the second does not overtake it.
    assert outbox.claim_batch(runtime.sessions, "telegram", now, LEASE, 10) == []
    later = now + timedelta(hours=2)
    assert _texts(runtime, outbox.claim_batch(runtime.sessions, "telegram", later, LEASE, 10)) == [
        "first"
    ]
    runtime.close()


def test_two_processes_claiming_at_once_take_each_row_once(
    database_url: str, tmp_path: Path
) -> None:
    first = _runtime(database_url, tmp_path / "a")
    second = _runtime(database_url, tmp_path / "b")
    for chat in range(40):
        _queue(first, str(7000 + chat), [f"m{chat}"])
    now = first.clock() + timedelta(seconds=1)
    barrier = threading.Barrier(4)
    taken: list[str] = []
    lock = threading.Lock()

    def work(runtime: Runtime) -> None:
        barrier.wait()
        while batch := outbox.claim_batch(runtime.sessions, "telegram", now, LEASE, 3):
            with lock:
                taken.extend(batch)

    threads = [threading.Thread(target=work, args=(r,)) for r in (first, second) * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(taken) == 40
    assert len(set(taken)) == 40
    first.close()
    second.close()


def test_a_claim_takes_no_more_than_its_limit(database_url: str, tmp_path: Path) -> None:
    """On PostgreSQL a `LIMIT ... SKIP LOCKED` subquery run again per scanned row would take
    many rows for a claim of one; the rows past the limit would then look in flight."""
    runtime = make_runtime(database_url, tmp_path)
    for chat in range(30):
        _queue(runtime, str(8000 + chat), [f"m{chat}", f"n{chat}"])
    now = runtime.clock() + timedelta(seconds=1)
    assert len(outbox.claim_batch(runtime.sessions, "telegram", now, LEASE, 1)) == 1
    assert len(outbox.claim_batch(runtime.sessions, "telegram", now, LEASE, 4)) == 4
    assert count_rows(runtime, OutboxMessage, OutboxMessage.status == "sending") == 5
    runtime.close()


class CountingSender:
    """A channel sender that accepts everything and remembers the texts, in order."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    async def send(self, message: Outgoing) -> Outcome:
        self.texts.append(message.text)
        return Sent(f"SM{len(self.texts)}")

    async def close(self) -> None:
        return None


def test_rows_whose_slot_would_outlast_half_the_lease_go_back(
    database_url: str, tmp_path: Path
) -> None:
    """Other processes hold the next ten seconds of a 1/s rate; with a 4-second lease, a batch of
    five keeps one row and gives the others back, unsent and uncounted."""
    runtime = make_runtime(
        database_url, tmp_path, CAMINO_RATE_SMS="1", CAMINO_OUTBOX_LEASE_SECONDS="4"
    )
    now = runtime.clock()
    with runtime.sessions() as db, db.begin():
        for chat in range(5):
            contact = get_or_create_contact(
                db, runtime.vault, Sender("sms", f"+52551234{chat:04d}"), now
            )
            outbox.enqueue(
                db, runtime.vault, contact, kind="notice", text=f"t{chat}", language="es", now=now
            )
    wall = FakeWall()
    take_slots(runtime.sessions, "outbox:sms", 1.0, 10, wall())
    sender = CountingSender()
    worker = OutboxWorker(
        runtime.settings,
        runtime.sessions,
        runtime.vault,
        lambda: now + timedelta(seconds=1),
        {"sms": sender},
        wall=wall,
        sleep=wall.sleep,
    )
    assert asyncio.run(worker.deliver_batch("sms", sender, 5))
    assert len(sender.texts) == 1
    assert wall.slept == [10.0]  # the one kept waited for its slot
    assert count_rows(runtime, OutboxMessage, OutboxMessage.status == "queued") == 4
    assert count_rows(runtime, OutboxMessage, OutboxMessage.attempts == 0) == 4
    runtime.close()
