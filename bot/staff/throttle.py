"""Limits on signing in that hold against an outsider, in each process.

`SignInGate`: at most `concurrent` password checks (Argon2, a deliberately heavy hash) run at
once and at most `waiting` more wait for a turn; the rest are turned away at once (`Busy`, a
429), so a burst of bogus sign-ins cannot take the machine's CPU from everything else.

`SourceLimit`: failed sign-ins per source address in a sliding window; a source over the limit
is refused until its oldest failure leaves the window. Addresses are kept only as salted hashes,
in memory, never stored or logged. With the per-account backoff (`accounts.register_failure`)
an attacker can neither guess at speed from one address nor keep an account locked for long.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections import OrderedDict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

SOURCE_WINDOW = timedelta(minutes=15)
MAX_SOURCES = 10_000


class Busy(Exception):
    """Too many sign-ins are being checked at this moment."""


class SignInGate:
    """A bounded number of password checks at once, and a bounded queue behind them."""

    def __init__(self, concurrent: int, waiting: int) -> None:
        self._slots = threading.BoundedSemaphore(concurrent)
        self._limit = concurrent + waiting
        self._admitted = 0
        self._lock = threading.Lock()

    @property
    def admitted(self) -> int:
        """Checks running or waiting now."""
        return self._admitted

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Run the block when a slot is free (blocking this thread); `Busy` when the queue is
        full."""
        with self._lock:
            if self._admitted >= self._limit:
                raise Busy
            self._admitted += 1
        try:
            with self._slots:
                yield
        finally:
            with self._lock:
                self._admitted -= 1


class SourceLimit:
    """Failed sign-ins per source in a sliding window."""

    def __init__(self, limit: int, window: timedelta = SOURCE_WINDOW) -> None:
        self._limit = limit
        self._window = window
        self._salt = secrets.token_bytes(16)
        self._failures: OrderedDict[str, deque[datetime]] = OrderedDict()
        self._lock = threading.Lock()

    def _key(self, source: str) -> str:
        return hashlib.blake2b(source.encode(), key=self._salt, digest_size=16).hexdigest()

    def _recent(self, key: str, now: datetime) -> deque[datetime]:
        times = self._failures.get(key, deque())
        while times and now - times[0] >= self._window:
            times.popleft()
        return times

    def blocked(self, source: str, now: datetime) -> bool:
        """Whether this source has failed too often lately."""
        with self._lock:
            return len(self._recent(self._key(source), now)) >= self._limit

    def failed(self, source: str, now: datetime) -> None:
        """Count a failed sign-in from this source."""
        key = self._key(source)
        with self._lock:
            times = self._recent(key, now)
            times.append(now)
            self._failures[key] = times
            self._failures.move_to_end(key)
            while len(self._failures) > MAX_SOURCES:  # the least recently failing go first
                self._failures.popitem(last=False)
