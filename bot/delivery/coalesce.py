"""Writes that arrive while one is under way go together in the next: one transaction for many
sends at a high rate, each caller still getting its own answer."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Answer = TypeVar("Answer")


class Coalescing(Generic[Item, Answer]):
    """Runs `write` in a thread on the items gathered since its last run; `write` answers one
    value per item, in order. A failed write fails each of its callers alone."""

    def __init__(self, write: Callable[[list[Item]], Sequence[Answer]]) -> None:
        self._write = write
        self._pending: list[tuple[Item, asyncio.Future[Answer]]] = []
        self._task: asyncio.Task[None] | None = None

    async def submit(self, item: Item) -> Answer:
        answer: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        self._pending.append((item, answer))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._drain())
        return await answer

    async def _drain(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                answers = await asyncio.to_thread(self._write, [item for item, _ in batch])
                if len(answers) != len(batch):
                    raise ValueError(f"{len(answers)} answers to {len(batch)} items")
            except Exception as exc:
                for _, future in batch:
                    if not future.done():  # its caller was cancelled meanwhile (shutdown)
                        future.set_exception(exc)
                continue
            for (_, future), value in zip(batch, answers, strict=True):
                if not future.done():
                    future.set_result(value)
