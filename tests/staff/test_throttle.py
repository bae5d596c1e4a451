"""Sign-in limits: a bounded number of password checks at once, failures limited per source."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from bot.staff.throttle import Busy, SignInGate, SourceLimit

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_at_most_n_checks_run_and_a_bounded_queue_waits_the_rest_are_busy() -> None:
    gate = SignInGate(concurrent=2, waiting=1)
    inside = threading.Semaphore(0)
    release = threading.Event()
    running = []
    peak = []

    def check() -> None:
        with gate.slot():
            running.append(1)
            peak.append(len(running))
            inside.release()
            release.wait(5)
            running.pop()

    threads = [threading.Thread(target=check) for _ in range(3)]
    for thread in threads:
        thread.start()
    assert inside.acquire(timeout=5) and inside.acquire(timeout=5)  # two are in
    while gate.admitted < 3:  # the third waits in the queue
        threading.Event().wait(0.001)
    with pytest.raises(Busy), gate.slot():  # a fourth is turned away at once
        pass
    release.set()
    for thread in threads:
        thread.join(5)
    assert max(peak) == 2 and gate.admitted == 0
    with gate.slot():  # free again
        pass


def test_a_source_is_refused_after_its_limit_until_failures_leave_the_window() -> None:
    limit = SourceLimit(3, window=timedelta(minutes=15))
    for minute in range(3):
        assert not limit.blocked("203.0.113.5", T0 + timedelta(minutes=minute))
        limit.failed("203.0.113.5", T0 + timedelta(minutes=minute))
    assert limit.blocked("203.0.113.5", T0 + timedelta(minutes=5))
    assert not limit.blocked("198.51.100.7", T0 + timedelta(minutes=5))  # another source
    assert not limit.blocked("203.0.113.5", T0 + timedelta(minutes=15))  # the first one left


def test_sources_are_kept_only_as_salted_hashes_and_bounded() -> None:
    limit = SourceLimit(1)
    limit.failed("203.0.113.5", T0)
    assert "203.0.113.5" not in repr(limit.__dict__)
