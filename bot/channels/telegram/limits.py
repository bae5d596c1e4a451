"""The webhook's Bot: Telegram's flood limits kept, and a 429 waited out, in Bot API calls made
inside a request (answering a press, fetching a file, deleting messages, an on-call group's
answer).

The same rules as python-telegram-bot's `AIORateLimiter`, without loading `telegram.ext` (its
Application, handlers, job queue and persistence) into every serving process: at most 30 calls
a second that name a chat, 20 a minute to one group, and a 429 retried after its `retry_after`
(plus 0.1 s, every call waiting meanwhile) up to `MAX_RETRIES` times. Replies are not sent here:
the outbox sends them at the rates shared by all processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiolimiter import AsyncLimiter
from telegram import Bot
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import JSONDict, ODVInput
from telegram.error import RetryAfter

log = logging.getLogger(__name__)

# Telegram's limits: calls a second that name a chat, and calls a minute to one group.
PER_SECOND = 30
PER_GROUP_MINUTE = 20
# A 429 is retried after its retry_after this many times before the call fails.
MAX_RETRIES = 5
# Groups whose limiter is kept; beyond this, the idle ones are dropped.
GROUPS_KEPT = 512


def group_of(chat_id: object) -> int | str | None:
    """The group a call goes to (a negative chat id, or an @username), or None for a person."""
    if isinstance(chat_id, str):
        with contextlib.suppress(ValueError):
            chat_id = int(chat_id)
    if isinstance(chat_id, str) or (isinstance(chat_id, int) and chat_id < 0):
        return chat_id
    return None


def retry_seconds(exc: RetryAfter) -> float:
    """How long a 429 asks to wait, in seconds (PTB gives a number or a timedelta)."""
    after = exc.retry_after
    return float(after.total_seconds() if hasattr(after, "total_seconds") else after)


class LimitedBot(Bot):
    """A PTB `Bot` whose calls keep to Telegram's flood limits (see the module)."""

    def __init__(self, token: str, *, max_retries: int = MAX_RETRIES, **kwargs: Any) -> None:
        # Set before Bot's own __init__, which freezes the object (underscored names stay open).
        self._overall = AsyncLimiter(PER_SECOND, 1)
        self._groups: dict[int | str, AsyncLimiter] = {}
        self._max_retries = max_retries
        self._resumed = asyncio.Event()
        self._resumed.set()
        super().__init__(token, **kwargs)

    def _group_limiter(self, group: int | str) -> AsyncLimiter:
        if len(self._groups) > GROUPS_KEPT:
            for key, limiter in list(self._groups.items()):
                if key != group and limiter.has_capacity(limiter.max_rate):
                    del self._groups[key]
        if group not in self._groups:
            self._groups[group] = AsyncLimiter(PER_GROUP_MINUTE, 60)
        return self._groups[group]

    @asynccontextmanager
    async def _slot(self, chat_id: object) -> AsyncIterator[None]:
        group = group_of(chat_id)
        async with contextlib.AsyncExitStack() as stack:
            if group is not None:
                await stack.enter_async_context(self._group_limiter(group))
            if chat_id is not None:
                await stack.enter_async_context(self._overall)
            yield

    async def _do_post(
        self,
        endpoint: str,
        data: JSONDict,
        *,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> bool | JSONDict | list[JSONDict]:
        for attempt in range(self._max_retries + 1):
            try:
                async with self._slot(data.get("chat_id")):
                    await self._resumed.wait()
                    return await super()._do_post(
                        endpoint,
                        data,
                        read_timeout=read_timeout,
                        write_timeout=write_timeout,
                        connect_timeout=connect_timeout,
                        pool_timeout=pool_timeout,
                    )
            except RetryAfter as exc:
                if attempt == self._max_retries:
                    raise
                log.info("telegram rate limit hit; retrying", extra={"endpoint": endpoint})
                self._resumed.clear()
                try:
                    await asyncio.sleep(retry_seconds(exc) + 0.1)
                finally:
                    self._resumed.set()
        raise AssertionError("unreachable")
