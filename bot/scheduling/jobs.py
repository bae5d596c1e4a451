"""The periodic jobs: digests, draft reminders, retention, abandoned urgent reports and the
escalation of urgent alerts.

They are module-level functions so that APScheduler's job store can refer to them by name; they
find the services through `bind`, which the leader calls when it takes the lead.
"""

from __future__ import annotations

from bot import alerts
from bot.follow.subscriptions import forget_attempts, queue_digests
from bot.intake.drafts import queue_reminders
from bot.intake.runtime import Runtime
from bot.intake.urgent import file_abandoned
from bot.privacy import retention
from bot.staff.accounts import close_expired_sessions

_runtime: Runtime | None = None
# How often unacknowledged urgent alerts are looked at (they repeat and escalate).
ALERTS_EVERY_SECONDS = 60


def bind(runtime: Runtime) -> None:
    """Give the jobs this process's services (the leader does, before it schedules them)."""
    global _runtime
    _runtime = runtime


def _current() -> Runtime:
    assert _runtime is not None, "the scheduler is not running in this process"
    return _runtime


def digests_job() -> int:
    """Tell followers of silent open cases that they are still open."""
    runtime = _current()
    with runtime.sessions() as db, db.begin():
        queued = queue_digests(db, runtime.vault, runtime.settings, runtime.clock())
        forget_attempts(db, runtime.clock())
    return queued


def reminders_job() -> int:
    """One reminder for half-finished reports."""
    runtime = _current()
    with runtime.sessions() as db, db.begin():
        return queue_reminders(db, runtime.vault, runtime.settings, runtime.clock())


def urgent_drafts_job() -> int:
    """File the urgent reports whose fast path was left half-way."""
    runtime = _current()
    with runtime.sessions() as db, db.begin():
        return file_abandoned(db, runtime.settings, runtime.vault, runtime.clock())


def retention_job() -> None:
    """Expire abandoned drafts, erase closed cases past retention, end staff sessions nobody
    came back to."""
    runtime = _current()
    retention.purge(runtime.sessions, runtime.settings, runtime.clock)
    with runtime.sessions() as db, db.begin():
        close_expired_sessions(db, runtime.settings, runtime.clock())


def alerts_job() -> int:
    """Repeat urgent alerts nobody acknowledged in time and escalate them to the fallback."""
    runtime = _current()
    with runtime.sessions() as db, db.begin():
        return alerts.escalate_due(db, runtime.settings, runtime.vault, runtime.clock())
