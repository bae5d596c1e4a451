"""Web chat budgets kept in the database: two processes count against the same ones."""

from __future__ import annotations

from pathlib import Path

from bot.channels.web.limits import PRUNE_EVERY, SharedWebLimits
from bot.store.models import RateSlot
from tests.support.databases import count_rows
from tests.support.factories import make_runtime


def check(limits: SharedWebLimits, session: str) -> str:
    """A valid post as the chat counts it: its session's budget first, then everyone's."""
    if not limits.session(session):
        return "session"
    return "ok" if limits.everyone() else "global"


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
    assert [check(one, "a"), check(two, "a"), check(one, "a")] == ["ok", "ok", "session"]
    # Five a minute in all, over both processes.
    assert [check(two, "b"), check(one, "c"), check(two, "c"), check(one, "d")] == [
        "ok",
        "ok",
        "ok",
        "global",
    ]
    now[0] += 30.0  # half a minute gives back one of the session's two
    assert check(two, "a") == "ok"
    assert check(one, "a") == "session"
    first.close()
    second.close()


def test_idle_session_budgets_are_forgotten(database_url: str, tmp_path: Path) -> None:
    runtime = make_runtime(database_url, tmp_path)
    now = [1_800_000_000.0]
    limits = SharedWebLimits(
        runtime.sessions, per_session=30, global_rate=100_000, clock=lambda: now[0]
    )
    for number in range(PRUNE_EVERY - 1):
        assert check(limits, f"s{number}") == "ok"
    assert count_rows(runtime, RateSlot) == PRUNE_EVERY  # each session's, and the global one
    now[0] += 120.0  # their budgets are full again
    assert check(limits, "late") == "ok"
    assert count_rows(runtime, RateSlot) == 2
    runtime.close()
