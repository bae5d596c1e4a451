"""The delivery worker: one pipeline per push channel, under rates shared by every process.

Each channel keeps up to a window of rows claimed and not yet settled (`OutboxWorker.window`):
it claims rows in batches (`queue.py`) and reserves a send slot for each under the channel's
rate in the database (`rates.py`, so N processes together keep to the configured rate), then
sends them concurrently, each prepared ahead and sent at its slot, and settles each as its
answer comes. A send takes a round trip, so one after the other could not keep up with a rate
of hundreds a second. Every so often it settles rows a dead process left in flight
(`reconcile.py`). It knows no provider: each channel's `ChannelSender` is handed in by the app.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections import Counter
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.core.clock import Clock
from bot.core.config import Settings
from bot.delivery import ChannelSender, Outcome, SentLookup
from bot.delivery.coalesce import Coalescing
from bot.delivery.queue import (
    Prepared,
    claim_batch,
    fail,
    mark_started,
    postpone,
    prepare_many,
    settle_many,
)
from bot.delivery.rates import SharedRate, Sleep, WallClock, take_slots
from bot.delivery.reconcile import reconcile
from bot.store.vault import Vault

log = logging.getLogger(__name__)

# Rows claimed at once, at most.
BATCH_MAX = 50
# Seconds of sends a channel keeps claimed ahead by default: enough to cover a send's round
# trip and the database's, few enough that a crash leaves few Telegram rows in flight.
AHEAD_SECONDS = 0.1
# Rows in flight per channel by default, at least (a slow provider answers in a second or so).
MIN_WINDOW = {"telegram": 4, "sms": 2, "whatsapp": 2}


@dataclass(frozen=True)
class Claimed:
    """A row claimed for sending: its slot under the channel's rate, and the row made ready
    (decrypted, or the reason it will not go)."""

    row_id: str
    slot: float
    prepared: Prepared


def default_window(channel: str, rate: float) -> int:
    """Rows a channel keeps claimed and not yet settled when the settings say nothing."""
    return max(MIN_WINDOW.get(channel, 2), math.ceil(rate * AHEAD_SECONDS))


class OutboxWorker:
    """Delivers queued rows: one pipeline per push channel, `concurrency` rows in flight each.

    Runs in every process (claims are atomic). Channel rates are shared by all processes
    through the database; the per-chat spacing of Telegram is kept in each process (a chat's
    rows are sent one after the other anyway: see `claim_batch`).
    """

    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        vault: Vault,
        clock: Clock,
        senders: Mapping[str, ChannelSender],
        *,
        concurrency: Mapping[str, int] | None = None,
        backoff_base: float = 2.0,
        wall: WallClock = time.time,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.vault = vault
        self.clock = clock
        self.senders = dict(senders)
        # Senders that can say whether a message went out settle in-flight rows (Twilio).
        self.lookups = {ch: s for ch, s in self.senders.items() if isinstance(s, SentLookup)}
        self.backoff_base = backoff_base
        rates = {
            "telegram": settings.rate_telegram_per_second,
            "sms": settings.rate_sms_per_second,
            "whatsapp": settings.rate_whatsapp_per_second,
        }
        self.limits = {
            channel: SharedRate(sessions, f"outbox:{channel}", rate, wall=wall, sleep=sleep)
            for channel, rate in rates.items()
        }
        # Rows claimed and not yet settled, per channel: on Telegram (at most once) a crash
        # gives up those of them whose send had begun.
        self.window = {
            channel: max(1, (concurrency or {}).get(channel) or default_window(channel, rate))
            for channel, rate in rates.items()
        }
        # A claim's last slot must come well within the lease (other processes hold slots
        # too), or the reconciler would take its rows for a dead process's.
        lease = float(settings.outbox_lease_seconds)
        self.batch = {
            channel: max(1, min(BATCH_MAX, self.window[channel], int(rate * lease / 4)))
            for channel, rate in rates.items()
        }
        self.per_chat_interval = (
            1.0 / settings.rate_telegram_per_chat if settings.rate_telegram_per_chat > 0 else 0.0
        )
        self._last_chat_send: dict[str, float] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._sends: set[asyncio.Task[None]] = set()
        self._stopping = asyncio.Event()
        self._wake = asyncio.Event()
        self._in_flight: Counter[str] = Counter()
        self._outcomes: Coalescing[tuple[str, Outcome], str] = Coalescing(self._write_outcomes)
        self._starts: Coalescing[str, bool] = Coalescing(self._write_starts)
        self._room = {channel: asyncio.Event() for channel in rates}

    @property
    def concurrency(self) -> dict[str, int]:
        """Rows in flight at once, per channel (the window)."""
        return dict(self.window)

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.settings.outbox_lease_seconds)

    async def start(self) -> None:
        """Reconcile rows left in flight, then start the channel pipelines."""
        await self.reconcile()
        for channel, sender in self.senders.items():
            self._tasks.append(asyncio.create_task(self._pipeline(channel, sender)))
        self._tasks.append(asyncio.create_task(self._reconcile_loop()))

    def wake(self) -> None:
        """Something was queued: look now instead of at the next poll."""
        self._wake.set()

    async def stop(self) -> None:
        """Stop the pipelines (sends in progress finish) and close the senders."""
        self._stopping.set()
        self._wake.set()
        for room in self._room.values():
            room.set()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        await asyncio.gather(*self._sends, return_exceptions=True)
        for sender in self.senders.values():
            await sender.close()

    async def _idle(self) -> None:
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=self.settings.outbox_poll_seconds)

    async def _reconcile_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                await asyncio.wait_for(
                    self._stopping.wait(), timeout=max(1.0, self.lease.total_seconds() / 2)
                )
            except TimeoutError:
                try:
                    await self.reconcile()
                except Exception:  # the loop must survive a database hiccup
                    log.exception("outbox reconcile error")

    async def reconcile(self) -> Counter[str]:
        """Settle rows left in flight by a process that died (in a thread: lookups block)."""
        return await asyncio.to_thread(
            reconcile,
            self.sessions,
            self.vault,
            self.settings,
            self.clock(),
            lookups=self.lookups,
        )

    async def _pipeline(self, channel: str, sender: ChannelSender) -> None:
        """Keep the channel's window full: claim as rows settle, each sent at its slot."""
        window = self.window[channel]
        # Claim once half the window is free (or one row): fewer, larger claims.
        refill = min(self.batch[channel], max(1, window // 2))
        room = self._room[channel]
        while not self._stopping.is_set():
            free = window - self._in_flight[channel]
            if free < refill:
                room.clear()
                await room.wait()
                continue
            try:
                claimed = await self._claim(channel, min(free, self.batch[channel]))
            except Exception:  # the pipeline must survive a database hiccup
                log.exception("outbox claim error", extra={"channel": channel})
                claimed = []
            for row in claimed:
                self._spawn(channel, self._deliver_at(channel, sender, row))
            if claimed:
                continue
            if self._in_flight[channel]:  # a settled row may let its chat's next one go
                room.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(room.wait(), self.settings.outbox_poll_seconds)
            else:
                await self._idle()

    def _spawn(self, channel: str, work: Coroutine[Any, Any, None]) -> None:
        """Run one row's send beside the others; its room in the window frees when it ends."""
        self._in_flight[channel] += 1
        task = asyncio.create_task(work)
        self._sends.add(task)

        def done(finished: asyncio.Task[None]) -> None:
            self._sends.discard(finished)
            self._in_flight[channel] -= 1
            self._room[channel].set()

        task.add_done_callback(done)

    async def deliver_one(self, channel: str, sender: ChannelSender) -> bool:
        """Claim and send one row of a channel; False when none was due."""
        return await self.deliver_batch(channel, sender, 1)

    async def deliver_batch(
        self, channel: str, sender: ChannelSender, limit: int | None = None
    ) -> bool:
        """Claim up to `limit` due rows of a channel and send them, each at its shared-rate
        slot; False when none was due."""
        claimed = await self._claim(channel, limit or self.batch.get(channel, 1))
        await asyncio.gather(*(self._deliver_at(channel, sender, row) for row in claimed))
        return bool(claimed)

    async def _claim(self, channel: str, size: int) -> list[Claimed]:
        """Claim up to `size` due rows, reserve a slot for each and prepare them."""
        limit = self.limits[channel]
        claimed = await asyncio.to_thread(self._claim_now, channel, size)
        # Rows whose slot falls past half the lease (many processes share the rate) go back to
        # the queue, unsent and uncounted: a row is never left waiting long enough to be taken
        # for one in flight.
        horizon = limit.wall() + self.lease.total_seconds() / 2
        late = [row.row_id for row in claimed if row.slot > horizon][1:]
        for row_id in late:
            await asyncio.to_thread(postpone, self.sessions, row_id, self.clock())
        return [row for row in claimed if row.row_id not in late]

    def _claim_now(self, channel: str, size: int) -> list[Claimed]:
        """The claim, its slots and the rows made ready, in one trip to a thread (sync)."""
        now = self.clock()
        row_ids = claim_batch(self.sessions, channel, now, self.lease, size)
        if not row_ids:
            return []
        limit = self.limits[channel]
        first = take_slots(self.sessions, limit.name, limit.interval, len(row_ids), limit.wall())
        prepared = prepare_many(self.sessions, self.vault, self.settings, row_ids, now)
        return [
            Claimed(row_id, first + number * limit.interval, prepared[row_id])
            for number, row_id in enumerate(row_ids)
        ]

    async def _deliver_at(self, channel: str, sender: ChannelSender, row: Claimed) -> None:
        try:
            await self._deliver(channel, sender, row)
        except Exception:  # one row's trouble must not stop the others
            log.exception("outbox send error", extra={"channel": channel})

    async def _deliver(self, channel: str, sender: ChannelSender, row: Claimed) -> None:
        prepared = row.prepared
        if prepared.postpone_until is not None:
            await asyncio.to_thread(postpone, self.sessions, row.row_id, prepared.postpone_until)
            return
        if prepared.outgoing is None:
            await asyncio.to_thread(
                fail, self.sessions, row.row_id, prepared.fail_code or "?", self.clock()
            )
            return
        await self.limits[channel].until(row.slot)
        if channel == "telegram" and prepared.contact_id:
            await self._per_chat_wait(prepared.contact_id)
        if channel not in self.lookups and not await self._start(row.row_id):
            return  # reconciled meanwhile: no longer ours to send
        outcome = await sender.send(prepared.outgoing)
        status = await self._settle(row.row_id, outcome)
        log.info("outbox send", extra={"channel": channel, "status": status})

    async def _start(self, row_id: str) -> bool:
        """Record that a row's send begins, before it does, where a crash cannot be settled by
        asking the provider (Telegram): a row claimed and not yet started is then queued again
        instead of given up. Rows reaching their slots together are recorded together; a
        failed record fails those sends (they are not sent)."""
        return await self._starts.submit(row_id)

    def _write_starts(self, row_ids: list[str]) -> list[bool]:
        ours = mark_started(self.sessions, row_ids)
        return [row_id in ours for row_id in row_ids]

    async def _settle(self, row_id: str, outcome: Outcome) -> str:
        """Record a send's outcome; the outcomes that come while one write is under way go
        together in the next. A failed write is reported to each send's task, and the rows
        stay in flight."""
        return await self._outcomes.submit((row_id, outcome))

    def _write_outcomes(self, outcomes: list[tuple[str, Outcome]]) -> list[str]:
        return settle_many(
            self.sessions,
            outcomes,
            now=self.clock(),
            max_attempts=self.settings.outbox_max_attempts,
            backoff_base=self.backoff_base,
        )

    async def _per_chat_wait(self, contact_id: str) -> None:
        """Telegram allows about one message a second in one chat."""
        last = self._last_chat_send.get(contact_id)
        now = time.monotonic()
        self._last_chat_send[contact_id] = max(now, (last or 0) + self.per_chat_interval)
        if last is not None and now - last < self.per_chat_interval:
            await asyncio.sleep(self.per_chat_interval - (now - last))
        if len(self._last_chat_send) > 10_000:  # forget old chats
            cutoff = time.monotonic() - 60
            self._last_chat_send = {k: v for k, v in self._last_chat_send.items() if v > cutoff}
