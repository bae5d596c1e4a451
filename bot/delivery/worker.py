"""The delivery worker: one loop per push channel, with this process's rate limits.

It claims, prepares, sends and settles rows of the queue (`queue.py`), and every so often
settles rows a dead process left in flight (`reconcile.py`). It knows no provider: each
channel's `ChannelSender` is handed in by the app.
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
from bot.delivery.queue import claim, fail, postpone, prepare, settle
from bot.delivery.reconcile import reconcile
from bot.store.vault import Vault

log = logging.getLogger(__name__)


class RateLimiter:
    """Evenly spaced sends: at most `rate` per second (in this process)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._next = 0.0

    async def wait(self) -> None:
        now = time.monotonic()
        slot = max(now, self._next)
        self._next = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)


class OutboxWorker:
    """Delivers queued rows: one loop per push channel, `concurrency` sends in flight each.

    Runs in every process (claims are atomic). Rate limits are per process.
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
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.vault = vault
        self.clock = clock
        self.senders = dict(senders)
        # Senders that can say whether a message went out settle in-flight rows (Twilio).
        self.lookups = {ch: s for ch, s in self.senders.items() if isinstance(s, SentLookup)}
        self.concurrency = {"telegram": 4, "sms": 1, "whatsapp": 2, **(concurrency or {})}
        self.backoff_base = backoff_base
        self.limits = {
            "telegram": RateLimiter(settings.rate_telegram_per_second),
            "sms": RateLimiter(settings.rate_sms_per_second),
            "whatsapp": RateLimiter(settings.rate_whatsapp_per_second),
        }
        self.per_chat_interval = (
            1.0 / settings.rate_telegram_per_chat if settings.rate_telegram_per_chat > 0 else 0.0
        )
        self._last_chat_send: dict[str, float] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = asyncio.Event()
        self._wake = asyncio.Event()

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.settings.outbox_lease_seconds)

    async def start(self) -> None:
        """Reconcile rows left in flight, then start the channel loops."""
        await self.reconcile()
        for channel, sender in self.senders.items():
            for _ in range(max(1, self.concurrency.get(channel, 1))):
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
                worked = await self.deliver_one(channel, sender)
            except Exception:  # the loop must survive a database hiccup
                log.exception("outbox loop error", extra={"channel": channel})
                worked = False
            if not worked:
                await self._idle()

    async def deliver_one(self, channel: str, sender: ChannelSender) -> bool:
        """Claim and send one row of a channel; False when none was due."""
        await self.limits[channel].wait()
        row_id = await asyncio.to_thread(claim, self.sessions, channel, self.clock(), self.lease)
        if row_id is None:
            return False
        now = self.clock()
        prepared = await asyncio.to_thread(
            prepare, self.sessions, self.vault, self.settings, row_id, now
        )
        if prepared.postpone_until is not None:
            await asyncio.to_thread(postpone, self.sessions, row_id, prepared.postpone_until)
            return True
        if prepared.outgoing is None:
            await asyncio.to_thread(fail, self.sessions, row_id, prepared.fail_code or "?", now)
            return True
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
        return True

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
