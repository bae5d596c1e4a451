"""The delivery worker: loops per push channel, under rates shared by every process.

It claims rows of the queue in batches (`queue.py`), reserves a send slot for each under the
channel's rate in the database (`rates.py`, so N processes together keep to the configured
rate), then prepares, sends and settles each row at its slot; every so often it settles rows a
dead process left in flight (`reconcile.py`). It knows no provider: each channel's
`ChannelSender` is handed in by the app.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Mapping
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.core.clock import Clock
from bot.core.config import Settings
from bot.delivery import ChannelSender, SentLookup
from bot.delivery.queue import claim_batch, fail, postpone, prepare, settle
from bot.delivery.rates import SharedRate, Sleep, WallClock
from bot.delivery.reconcile import reconcile
from bot.store.vault import Vault

log = logging.getLogger(__name__)

# Rows claimed at once, at most (a batch is about a second of sends at the channel's rate).
BATCH_MAX = 50
# Channels whose rows are claimed in batches (see `OutboxWorker.batch`).
BATCHED = frozenset({"sms"})


class OutboxWorker:
    """Delivers queued rows: one loop per push channel, `concurrency` sends in flight each.

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
        # Loops per channel, each with one send in flight at a time.
        self.concurrency = {"telegram": 4, "sms": 2, "whatsapp": 2, **(concurrency or {})}
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
        # About a second of sends per claim, where a crash cannot cost the rows claimed but not
        # yet sent: Twilio SMS (the reconciler asks Twilio which went out). Telegram is at most
        # once and a WhatsApp template cannot be matched, so there each loop claims one row.
        # A batch's last slot must come well within the lease (other loops hold slots too),
        # or the reconciler would take its rows for a dead process's.
        lease = float(settings.outbox_lease_seconds)
        self.batch = {
            channel: (
                max(1, min(BATCH_MAX, int(rate), int(rate * lease / (4 * self._loops(channel)))))
                if channel in BATCHED
                else 1
            )
            for channel, rate in rates.items()
        }
        self.per_chat_interval = (
            1.0 / settings.rate_telegram_per_chat if settings.rate_telegram_per_chat > 0 else 0.0
        )
        self._last_chat_send: dict[str, float] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = asyncio.Event()
        self._wake = asyncio.Event()

    def _loops(self, channel: str) -> int:
        return max(1, self.concurrency.get(channel, 1))

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.settings.outbox_lease_seconds)

    async def start(self) -> None:
        """Reconcile rows left in flight, then start the channel loops."""
        await self.reconcile()
        for channel, sender in self.senders.items():
            for _ in range(self._loops(channel)):
                self._tasks.append(asyncio.create_task(self._loop(channel, sender)))
        self._tasks.append(asyncio.create_task(self._reconcile_loop()))

    def wake(self) -> None:
        """Something was queued: look now instead of at the next poll."""
        self._wake.set()

    async def stop(self) -> None:
        """Stop the loops (a send in progress finishes) and close the senders."""
        self._stopping.set()
        self._wake.set()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
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

    async def _loop(self, channel: str, sender: ChannelSender) -> None:
        while not self._stopping.is_set():
            try:
                worked = await self.deliver_batch(channel, sender)
            except Exception:  # the loop must survive a database hiccup
                log.exception("outbox loop error", extra={"channel": channel})
                worked = False
            if not worked:
                await self._idle()

    async def deliver_one(self, channel: str, sender: ChannelSender) -> bool:
        """Claim and send one row of a channel; False when none was due."""
        return await self.deliver_batch(channel, sender, 1)

    async def deliver_batch(
        self, channel: str, sender: ChannelSender, limit: int | None = None
    ) -> bool:
        """Claim up to `limit` due rows of a channel and send each at its shared-rate slot;
        False when none was due."""
        size = limit or self.batch.get(channel, 1)
        row_ids = await asyncio.to_thread(
            claim_batch, self.sessions, channel, self.clock(), self.lease, size
        )
        if not row_ids:
            return False
        claimed_at = self.limits[channel].wall()
        slots = await self.limits[channel].reserve(len(row_ids))
        # Rows whose slot falls past half the lease (many processes share the rate) go back to
        # the queue, unsent and uncounted: a row is never left waiting long enough to be taken
        # for one in flight.
        horizon = claimed_at + self.lease.total_seconds() / 2
        late = [row_id for row_id, slot in zip(row_ids, slots, strict=True) if slot > horizon][1:]
        for row_id in late:
            await asyncio.to_thread(postpone, self.sessions, row_id, self.clock())
        kept = [
            (row_id, slot)
            for row_id, slot in zip(row_ids, slots, strict=True)
            if row_id not in late
        ]
        # One after the other, each at its slot: a loop has one send in flight at a time.
        for row_id, slot in kept:
            await self._deliver_at(channel, sender, row_id, slot)
        return True

    async def _deliver_at(
        self, channel: str, sender: ChannelSender, row_id: str, slot: float
    ) -> None:
        await self.limits[channel].until(slot)
        try:
            await self._deliver(channel, sender, row_id)
        except Exception:  # one row's trouble must not stop the others of its batch
            log.exception("outbox send error", extra={"channel": channel})

    async def _deliver(self, channel: str, sender: ChannelSender, row_id: str) -> None:
        now = self.clock()
        prepared = await asyncio.to_thread(
            prepare, self.sessions, self.vault, self.settings, row_id, now
        )
        if prepared.postpone_until is not None:
            await asyncio.to_thread(postpone, self.sessions, row_id, prepared.postpone_until)
            return
        if prepared.outgoing is None:
            await asyncio.to_thread(fail, self.sessions, row_id, prepared.fail_code or "?", now)
            return
        if channel == "telegram" and prepared.contact_id:
            await self._per_chat_wait(prepared.contact_id)
        outcome = await sender.send(prepared.outgoing)
        status = await asyncio.to_thread(
            settle,
            self.sessions,
            row_id,
            outcome,
            now=self.clock(),
            max_attempts=self.settings.outbox_max_attempts,
            backoff_base=self.backoff_base,
        )
        log.info("outbox send", extra={"channel": channel, "status": status})

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
