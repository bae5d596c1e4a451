"""Web chat budgets kept in the database: two processes count against the same ones."""

from __future__ import annotations

from pathlib import Path

from bot.channels.web.limits import PRUNE_EVERY, SharedWebLimits
from bot.store.models import RateSlot
from tests.support.databases import count_rows
from tests.support.factories import make_runtime


def test_two_processes_share_the_session_and_global_budgets(
    database_url: str, tmp_path: Path
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = make_runtime(database_url, tmp_path / "a")
    second = make_runtime(database_url, tmp_path / "b")
    now = [1_800_000_000.0]
    one = SharedWebLimits(first.sessions, per_session=2, global_rate=5, clock=lambda: now[0])
    two = SharedWebLimits(second.sessions, per_session=2, global_rate=5, clock=lambda: now[0])
    # The session's two posts a minute, whichever process takes them.
    assert [one.check("a"), two.check("a"), one.check("a")] == ["ok", "ok", "session"]
    # Five a minute in all, over both processes.
    assert [two.check("b"), one.check("c"), two.check("c"), one.check("d")] == [
        "ok",
        "ok",
        "ok",
        "global",
    ]
    now[0] += 30.0  # half a minute gives back one of the session's two
    assert two.check("a") == "ok"
    assert one.check("a") == "session"
    first.close()
    second.close()


def test_idle_session_budgets_are_forgotten(database_url: str, tmp_path: Path) -> None:
    runtime = make_runtime(database_url, tmp_path)
    now = [1_800_000_000.0]
    limits = SharedWebLimits(
        runtime.sessions, per_session=30, global_rate=100_000, clock=lambda: now[0]
    )
    for number in range(PRUNE_EVERY - 1):
        assert limits.check(f"s{number}") == "ok"
    assert count_rows(runtime, RateSlot) == PRUNE_EVERY  # each session's, and the global one
    now[0] += 120.0  # their budgets are full again
    assert limits.check("late") == "ok"
    assert count_rows(runtime, RateSlot) == 2
    runtime.close()
