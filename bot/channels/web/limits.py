"""Abuse limits for the web chat: token buckets per session and for the whole process.

Never per IP address: people share phones, shelters share one connection, and Camino does not
keep addresses. Buckets live in memory, so each worker process counts on its own.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Literal

Verdict = Literal["ok", "session", "global"]
MAX_SESSIONS = 10_000


class TokenBucket:
    """`rate` requests a minute on average, with bursts up to `rate`."""

    def __init__(self, rate: int, now: float) -> None:
        self.capacity = float(max(rate, 1))
        self.per_second = self.capacity / 60.0
        self.tokens = self.capacity
        self.updated = now

    def take(self, now: float) -> bool:
        """Spend one token if there is one."""
        elapsed = max(now - self.updated, 0.0)
        self.tokens = min(self.capacity, self.tokens + elapsed * self.per_second)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class WebLimits:
    """One bucket per session (keyed by a digest of its token) and one for everyone."""

    def __init__(
        self, per_session: int, global_rate: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.per_session = per_session
        self.clock = clock
        self._global = TokenBucket(global_rate, clock())
        self._sessions: OrderedDict[str, TokenBucket] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, session_key: str) -> Verdict:
        """Count one request for a session; say which limit, if any, it went over."""
        with self._lock:
            now = self.clock()
            bucket = self._sessions.get(session_key)
            if bucket is None:
                bucket = TokenBucket(self.per_session, now)
                self._sessions[session_key] = bucket
                if len(self._sessions) > MAX_SESSIONS:  # forget the least recently seen
                    self._sessions.popitem(last=False)
            self._sessions.move_to_end(session_key)
            if not bucket.take(now):
                return "session"
            if not self._global.take(now):
                return "global"
            return "ok"
