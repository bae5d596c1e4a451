"""Writes that arrive while one is under way go together in the next, each caller answered."""

from __future__ import annotations

import asyncio
import threading

import pytest

from bot.delivery.coalesce import Coalescing


def test_items_submitted_during_a_write_go_together_in_the_next() -> None:
    batches: list[list[int]] = []
    first_started, release = threading.Event(), threading.Event()

    def write(items: list[int]) -> list[int]:
        batches.append(items)
        if len(batches) == 1:
            first_started.set()
            release.wait(5)
        return [item * 10 for item in items]

    async def main() -> list[int]:
        writes: Coalescing[int, int] = Coalescing(write)
        first = asyncio.create_task(writes.submit(1))
        await asyncio.to_thread(first_started.wait, 5)
        later = [asyncio.create_task(writes.submit(n)) for n in (2, 3, 4)]
        await asyncio.sleep(0)  # the three are queued behind the running write
        release.set()
        return [await first, *[await task for task in later]]

    assert asyncio.run(main()) == [10, 20, 30, 40]
    assert batches == [[1], [2, 3, 4]]


def test_a_failed_write_fails_its_own_callers_only() -> None:
    def write(items: list[str]) -> list[str]:
        if "bad" in items:
            raise RuntimeError("database gone")
        return [item.upper() for item in items]

    async def main() -> tuple[BaseException | str, str]:
        writes: Coalescing[str, str] = Coalescing(write)
        failed = await asyncio.gather(writes.submit("bad"), return_exceptions=True)
        return failed[0], await writes.submit("good")

    failed, good = asyncio.run(main())
    assert isinstance(failed, RuntimeError) and good == "GOOD"


def test_a_write_must_answer_each_item() -> None:
    async def main() -> None:
        writes: Coalescing[int, int] = Coalescing(lambda items: [])
        await writes.submit(1)

    with pytest.raises(ValueError):
        asyncio.run(main())
