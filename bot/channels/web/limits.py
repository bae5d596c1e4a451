"""Abuse limits for the web chat: token buckets per session and for the whole process.

A post is counted for its session first (whatever its CSRF token), and for the whole process
only once it proved valid.

Never per IP address: people share phones, shelters share one connection, and Camino does not
keep addresses. Buckets live in memory, so each worker process counts on its own.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

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

    def session(self, session_key: str) -> bool:
        """Count one post of a server-issued session, before its CSRF token is checked.

        Failed posts count too, so one session cannot try without end; sessions the server
        never issued are not counted here (they are refused before).
        """
        with self._lock:
            now = self.clock()
            bucket = self._sessions.get(session_key)
            if bucket is None:
                bucket = TokenBucket(self.per_session, now)
                self._sessions[session_key] = bucket
                if len(self._sessions) > MAX_SESSIONS:  # forget the least recently seen
                    self._sessions.popitem(last=False)
            self._sessions.move_to_end(session_key)
            return bucket.take(now)

    def everyone(self) -> bool:
        """Count one valid post (issued session, right CSRF token) against the process's cap.

        Junk (unknown sessions, wrong CSRF tokens) never reaches this bucket, so it cannot
        shut the chat for everyone; the cap stays as the last line against real load.
        """
        with self._lock:
            return self._global.take(self.clock())
