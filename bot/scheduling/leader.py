"""Periodic jobs (digests, draft reminders, retention) on APScheduler 3, with one leader.

APScheduler 3 must not share a job store between processes, so exactly one process runs the
scheduler. On PostgreSQL the leader holds `pg_try_advisory_lock(LOCK_KEY)` on a dedicated
connection (released by the server the moment that process dies); on SQLite it holds an
exclusive `flock` on a file beside the database. The others try again every
`CAMINO_SCHEDULER_TAKEOVER_SECONDS` (15 s), so one of them takes over within a minute.

The lock decides; the `scheduler_leader` row only reports: the leader writes its process id,
host and a heartbeat there on taking the lead and at every check, and `stopped_at` on a clean
stop, so staff (and tests) can see who runs the jobs and whether it is alive.

Jobs have explicit ids and `replace_existing=True`, so each start rewrites them instead of
adding copies. They only queue rows (the outbox worker, which runs in every process, sends), and
every queued row has a dedupe key, so a job that runs twice around a takeover sends nothing twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import fcntl
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import Connection, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.core import metrics
from bot.intake.runtime import Runtime
from bot.scheduling import jobs
from bot.store.models import SchedulerLeader

log = logging.getLogger(__name__)

LOCK_KEY = 0x43414D49  # "CAMI": the advisory lock id every Camino process agrees on
JOBS_TABLE = "apscheduler_jobs"
LEADER_ROW = "scheduler"
# A heartbeat older than this many takeover intervals means the leader is gone.
STALE_INTERVALS = 3
# -- leader election --------------------------------------------------------------------------


class Leadership:
    """Who may run the scheduler: an advisory lock (PostgreSQL) or a file lock (SQLite)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._connection: Connection | None = None
        self._file: IO[str] | None = None

    @property
    def postgres(self) -> bool:
        return self.runtime.engine.dialect.name == "postgresql"

    def try_acquire(self) -> bool:
        """Become the leader if nobody is; never blocks."""
        if self.postgres:
            connection = self.runtime.engine.connect()
            try:
                got = bool(
                    connection.execute(
                        text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}
                    ).scalar()
                )
                connection.commit()
            except Exception:
                connection.close()
                raise
            if got:
                self._connection = connection
            else:
                connection.close()
            return got
        handle = lock_file_path(self.runtime.settings.database_url).open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._file = handle
        return True

    def still_held(self) -> bool:
        """For PostgreSQL: is the lock's connection alive? (a lost connection loses the lock)."""
        if self._connection is None:
            return self._file is not None
        try:
            self._connection.execute(text("SELECT 1"))
            self._connection.commit()
            return True
        except Exception:
            return False

    def release(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
                self._connection.commit()
            with contextlib.suppress(Exception):
                self._connection.close()
            self._connection = None
        if self._file is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


def lock_file_path(database_url: str) -> Path:
    """`camino.db.scheduler.lock` beside a SQLite file (or in the working directory)."""
    database = make_url(database_url).database
    if database and database != ":memory:":
        return Path(f"{database}.scheduler.lock")
    return Path(os.getcwd()) / "camino.scheduler.lock"


# -- the leader row (reporting only: the lock decides) ---------------------------------------


@dataclass(frozen=True)
class Identity:
    """This process, as the leader row names it."""

    pid: int
    host: str

    @classmethod
    def here(cls) -> Identity:
        return cls(os.getpid(), socket.gethostname()[:255])


def record_leader(sessions: sessionmaker[Session], me: Identity, now: datetime) -> None:
    """We just took the lead: the row names us, with a fresh heartbeat."""
    values = {"pid": me.pid, "host": me.host, "started_at": now, "heartbeat_at": now}
    with sessions() as db, db.begin():
        changed = db.execute(
            update(SchedulerLeader)
            .where(SchedulerLeader.name == LEADER_ROW)
            .values(**values, stopped_at=None)
            .execution_options(synchronize_session=False)
        )
        if int(getattr(changed, "rowcount", 0) or 0) == 0:
            try:
                with db.begin_nested():  # another leader wrote the first row meanwhile: retry
                    db.add(SchedulerLeader(name=LEADER_ROW, **values))
            except IntegrityError:
                db.execute(
                    update(SchedulerLeader)
                    .where(SchedulerLeader.name == LEADER_ROW)
                    .values(**values, stopped_at=None)
                    .execution_options(synchronize_session=False)
                )


def _touch_leader(sessions: sessionmaker[Session], me: Identity, **values: datetime | None) -> bool:
    """Update the row only while it still names us (a newer leader's row is left alone)."""
    with sessions() as db, db.begin():
        changed = db.execute(
            update(SchedulerLeader)
            .where(
                SchedulerLeader.name == LEADER_ROW,
                SchedulerLeader.pid == me.pid,
                SchedulerLeader.host == me.host,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(changed, "rowcount", 0) or 0) == 1


def heartbeat(sessions: sessionmaker[Session], me: Identity, now: datetime) -> bool:
    """Still leading: refresh the heartbeat."""
    return _touch_leader(sessions, me, heartbeat_at=now)


def record_stop(sessions: sessionmaker[Session], me: Identity, now: datetime) -> bool:
    """We stepped down cleanly: say so, so nobody mistakes us for a live leader."""
    return _touch_leader(sessions, me, heartbeat_at=now, stopped_at=now)


# record_leader, heartbeat or record_stop
LeaderWrite = Callable[[sessionmaker[Session], Identity, datetime], object]


@dataclass(frozen=True)
class LeaderStatus:
    """Who runs the scheduler, for the dashboard."""

    pid: int
    host: str
    started_at: datetime
    heartbeat_at: datetime
    alive: bool


def leader_status(db: Session, now: datetime, takeover_seconds: float) -> LeaderStatus | None:
    """The recorded leader and whether it looks alive (None: no process ever led)."""
    row = db.get(SchedulerLeader, LEADER_ROW)
    if row is None:
        return None
    beat = row.heartbeat_at
    fresh = now - beat <= timedelta(seconds=STALE_INTERVALS * takeover_seconds)
    return LeaderStatus(
        pid=row.pid,
        host=row.host,
        started_at=row.started_at,
        heartbeat_at=beat,
        alive=row.stopped_at is None and fresh,
    )


# -- the scheduler ------------------------------------------------------------------------------


@dataclass
class SchedulerService:
    """Runs for the whole life of the app: follower until it can lead, then leader."""

    runtime: Runtime
    is_leader: bool = False
    scheduler: AsyncIOScheduler | None = None
    me: Identity = dataclasses.field(default_factory=Identity.here)
    _task: asyncio.Task[None] | None = None
    _stopping: asyncio.Event | None = None

    def start(self) -> None:
        self._stopping = asyncio.Event()
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._stopping is not None:
            self._stopping.set()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _run(self) -> None:
        assert self._stopping is not None
        leadership = Leadership(self.runtime)
        interval = self.runtime.settings.scheduler_takeover_seconds
        try:
            while not self._stopping.is_set():
                if not self.is_leader:
                    try:
                        self.is_leader = await asyncio.to_thread(leadership.try_acquire)
                    except Exception:  # database down: stay a follower and try again
                        log.warning("scheduler leadership check failed")
                    if self.is_leader:
                        metrics.set_leader(True)
                        jobs.bind(self.runtime)
                        await self._report(record_leader)
                        self.scheduler = self._start_scheduler()
                        log.info("this process runs the scheduler", extra={"pid": self.me.pid})
                elif not await asyncio.to_thread(leadership.still_held):
                    log.warning("scheduler leadership lost")
                    self._stop_scheduler()
                    leadership.release()
                    self.is_leader = False
                    metrics.set_leader(False)
                else:
                    await self._report(heartbeat)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), timeout=interval)
        finally:
            self._stop_scheduler()
            if self.is_leader:
                await self._report(record_stop)
            leadership.release()
            self.is_leader = False
            metrics.set_leader(False)

    async def _report(self, write: LeaderWrite) -> None:
        """Write the leader row; a failure there never stops the scheduler."""
        try:
            await asyncio.to_thread(write, self.runtime.sessions, self.me, self.runtime.clock())
        except Exception:
            log.warning("scheduler leader row not written")

    def _start_scheduler(self) -> AsyncIOScheduler:
        settings = self.runtime.settings
        every = settings.scheduler_job_seconds
        scheduler = AsyncIOScheduler(
            jobstores={
                "default": SQLAlchemyJobStore(engine=self.runtime.engine, tablename=JOBS_TABLE)
            },
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": every},
            timezone="UTC",
        )
        schedule: list[tuple[str, Any, int]] = [
            ("camino-digests", jobs.digests_job, every),
            ("camino-draft-reminders", jobs.reminders_job, every),
            ("camino-urgent-drafts", jobs.urgent_drafts_job, min(every, 60)),
            ("camino-retention", jobs.retention_job, max(every, 3600)),
            # Urgent alerts escalate within a minute of their deadline, whatever `every` is.
            ("camino-urgent-alerts", jobs.alerts_job, min(every, jobs.ALERTS_EVERY_SECONDS)),
        ]
        for job_id, func, seconds in schedule:
            scheduler.add_job(
                func,
                "interval",
                seconds=seconds,
                id=job_id,
                replace_existing=True,
                next_run_time=_soon(),
            )
        scheduler.start()
        return scheduler

    def _stop_scheduler(self) -> None:
        if self.scheduler is not None:
            with contextlib.suppress(Exception):
                self.scheduler.shutdown(wait=False)
            self.scheduler = None


def _soon() -> Any:
    """Run every job once shortly after taking the lead (catching up on a takeover)."""
    return datetime.now(UTC) + timedelta(seconds=1)
