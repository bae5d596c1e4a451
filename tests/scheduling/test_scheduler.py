"""The scheduler: jobs with explicit ids written once, exactly one leader per database, and a
takeover within seconds when the leader dies, without a notification sent twice."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import text

from bot import cases
from bot.app.runtime import Runtime
from bot.scheduling import leader as scheduler
from bot.scheduling.leader import Identity, LeaderStatus, SchedulerService, leader_status
from bot.store.contacts import Sender, get_or_create_contact
from bot.store.models import FollowSubscription, OutboxMessage
from tests.support.casework import add_event
from tests.support.chats import filed_case
from tests.support.factories import camino_env, make_runtime
from tests.support.fakes.fake_twilio import FakeTwilio
from tests.support.outbox import until_settled
from tests.support.server import running_server
from tests.support.twilio_helpers import ACCOUNT_SID, AUTH_TOKEN, twilio_values
from tests.support.waiting import wait_for

JOB_IDS = [
    "camino-digests",
    "camino-draft-reminders",
    "camino-retention",
    "camino-urgent-alerts",
    "camino-urgent-drafts",
]
LEADS = "this process runs the scheduler"
# Upper bounds only: every wait ends as soon as what it waits for has happened, so a busy
# machine makes a test slower, never red.
PATIENCE = 120.0
# How old a heartbeat may be for the tests to call its leader alive: a busy machine can delay
# a heartbeat well past three takeover intervals without the leader being gone.
ALIVE_WITHIN = 60.0


def quick_runtime(database_url: str, tmp_path: Path) -> Runtime:
    """Leadership checked five times a second; jobs far apart (they are not the point here)."""
    return make_runtime(
        database_url,
        tmp_path,
        CAMINO_SCHEDULER_TAKEOVER_SECONDS=0.2,
        CAMINO_SCHEDULER_JOB_SECONDS=3600,
    )


async def eventually(check: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        await asyncio.sleep(0.05)
    return check()


def leader(runtime: Runtime) -> LeaderStatus | None:
    with runtime.sessions() as db:
        return leader_status(db, datetime.now(UTC), ALIVE_WITHIN / scheduler.STALE_INTERVALS)


def test_jobs_have_explicit_ids_and_replace_existing(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = quick_runtime(database_url, tmp_path)
    added: list[dict[str, Any]] = []
    original = AsyncIOScheduler.add_job

    def spy(self: AsyncIOScheduler, func: Any, trigger: Any = None, **kwargs: Any) -> Any:
        added.append(kwargs)
        return original(self, func, trigger, **kwargs)

    monkeypatch.setattr(AsyncIOScheduler, "add_job", spy)

    async def lead_twice() -> list[list[str]]:
        seen = []
        for _ in range(2):  # a restart finds its jobs stored and rewrites them, no copies
            service = SchedulerService(runtime)
            service.start()
            assert await eventually(lambda s=service: s.scheduler is not None, 10)
            assert service.scheduler is not None
            seen.append(sorted(job.id for job in service.scheduler.get_jobs()))
            await service.stop()
        return seen

    assert asyncio.run(lead_twice()) == [JOB_IDS, JOB_IDS]
    assert len(added) == 2 * len(JOB_IDS)
    assert all(call["replace_existing"] is True and call["id"] in JOB_IDS for call in added)
    with runtime.engine.connect() as connection:
        stored = connection.execute(
            text(f"SELECT id FROM {scheduler.JOBS_TABLE} ORDER BY id")
        ).scalars()
        assert list(stored) == JOB_IDS


def test_one_leader_at_a_time_and_the_other_takes_over(database_url: str, tmp_path: Path) -> None:
    runtime = quick_runtime(database_url, tmp_path)
    first = SchedulerService(runtime, me=Identity(os.getpid(), "instance-a"))
    second = SchedulerService(runtime, me=Identity(os.getpid(), "instance-b"))

    async def run() -> None:
        first.start()
        assert await eventually(lambda: first.scheduler is not None, PATIENCE)
        second.start()
        await asyncio.sleep(1.0)  # five chances to take the lock: none may succeed
        assert not second.is_leader and second.scheduler is None
        status = leader(runtime)
        assert status is not None and (status.host, status.alive) == ("instance-a", True)
        await first.stop()  # the lock is free: the other one leads within an interval or two
        assert await eventually(lambda: second.scheduler is not None, PATIENCE)
        status = leader(runtime)
        assert status is not None and (status.host, status.alive) == ("instance-b", True)
        await second.stop()

    asyncio.run(run())
    status = leader(runtime)
    assert status is not None and not status.alive  # stepped down cleanly: nobody leads


def test_a_stale_heartbeat_is_not_alive(database_url: str, tmp_path: Path) -> None:
    runtime = quick_runtime(database_url, tmp_path)
    me = Identity(4242, "host")
    then = datetime.now(UTC) - timedelta(minutes=5)
    scheduler.record_leader(runtime.sessions, me, then)
    status = leader(runtime)
    assert status is not None and status.pid == 4242 and not status.alive
    assert scheduler.heartbeat(runtime.sessions, me, datetime.now(UTC))
    assert not scheduler.heartbeat(runtime.sessions, Identity(1, "host"), datetime.now(UTC))
    status = leader(runtime)
    assert status is not None and status.alive


# -- two `camino serve` processes on one database -------------------------------------------


def followed_silent_case(runtime: Runtime, followers: int) -> tuple[str, list[str]]:
    """A case with SMS followers and no visible event for 20 days: a digest is due for each."""
    code, _pin = filed_case(runtime)
    past = runtime.clock() - timedelta(days=20)
    phones = [f"+50499{i:06d}" for i in range(followers)]
    with runtime.sessions() as db, db.begin():
        case = cases.find_by_code(db, runtime.vault, code)
        assert case is not None
        case.created_at = case.submitted_at = past
        for i, phone in enumerate(phones):
            contact = get_or_create_contact(db, runtime.vault, Sender("sms", phone), past)
            db.add(
                FollowSubscription(
                    case_id=case.id,
                    contact_id=contact.id,
                    channel="sms",
                    language=("es", "en")[i % 2],
                    timezone="America/Tegucigalpa",
                    quiet_start="00:00",  # no quiet hours: the test runs at any time of day
                    quiet_end="00:00",
                    reference=f"R{i:03d}",
                    seen_seq=0,
                    pin_checked_at=past,
                    created_at=past,
                )
            )
    return code, phones


def leaders_in_logs(workdir: Path) -> list[int]:
    """The process ids that took the lead, as the servers' logs say, in no particular order."""
    pids = []
    for log in workdir.glob("serve-*.log"):
        for line in log.read_text().splitlines():
            if line.startswith("{"):
                entry = json.loads(line)
                if entry.get("event") == LEADS:
                    pids.append(int(entry["pid"]))
    return pids


@contextmanager
def two_servers(env: dict[str, str], workdir: Path) -> Iterator[list[str]]:
    """Two `camino serve` processes on one database, started at the same time."""
    managers = [
        running_server(env, workdir, timeout=PATIENCE),
        running_server(env, workdir, timeout=PATIENCE),
    ]
    with ExitStack() as stack, ThreadPoolExecutor(2) as pool:
        started = [pool.submit(manager.__enter__) for manager in managers]
        for manager, future in zip(managers, started, strict=True):
            if future.exception() is None:
                stack.push(manager.__exit__)
        yield [future.result() for future in started]


def notices_sent(runtime: Runtime) -> int:
    with runtime.sessions() as db:
        return (
            db.query(OutboxMessage)
            .filter(OutboxMessage.kind == "notice", OutboxMessage.status == "sent")
            .count()
        )


def wait_for_leader(
    runtime: Runtime, seconds: float, not_pid: int | None = None
) -> LeaderStatus | None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = leader(runtime)
        if status is not None and status.alive and status.pid != not_pid:
            return status
        time.sleep(0.1)
    return None


def test_two_servers_one_scheduler_takeover_and_nothing_sent_twice(
    database_url: str, tmp_path: Path
) -> None:
    takeover = 2
    with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as twilio:
        runtime = make_runtime(database_url, tmp_path)
        code, phones = followed_silent_case(runtime, 12)
        env = {
            **camino_env(database_url),
            **twilio_values(twilio),
            "CAMINO_SCHEDULER_TAKEOVER_SECONDS": str(takeover),
            "CAMINO_SCHEDULER_JOB_SECONDS": "2",
            "CAMINO_OUTBOX_LEASE_SECONDS": "2",
            "CAMINO_OUTBOX_POLL_SECONDS": "0.2",
            "CAMINO_RATE_SMS": "3",
        }
        with two_servers(env, tmp_path):  # both race for the lock: exactly one wins
            first = wait_for_leader(runtime, PATIENCE)
            assert first is not None, "no process took the lead"
            time.sleep(2 * takeover + 1)  # the other has tried, and failed, twice more
            status = leader(runtime)
            assert status is not None and status.pid == first.pid
            assert leaders_in_logs(tmp_path) == [first.pid]
            add_event(runtime, code)  # a notice for every follower: both servers send
            # The leader dies in the middle of the batch: once the first notice is out (at
            # three a second, a dozen take seconds).
            wait_for(lambda: notices_sent(runtime), "a first notice", timeout=PATIENCE)
            os.kill(first.pid, signal.SIGKILL)
            second = wait_for_leader(runtime, PATIENCE, not_pid=first.pid)
            counts = until_settled(runtime, PATIENCE)
            assert second is not None, "nobody took over"
            expected = sorted([first.pid, second.pid])
            # The row can be read before the log line is flushed.
            wait_for(
                lambda: sorted(leaders_in_logs(tmp_path)) == expected,
                "both leaders in the logs",
                timeout=PATIENCE,
            )
        sent = twilio.sent()
    # How soon a standby takes over is measured in process, above, where the clock is not
    # shared with other work; here only that it does, and that nothing is sent twice.
    # Each follower got one digest (queued by the first leader's job, not again by the second)
    # and one notice, each exactly once, although a process died while sending.
    assert counts == Counter({"sent": 2 * len(phones)})
    assert Counter(m["to"] for m in sent) == Counter({phone: 2 for phone in phones})
    assert all(len({m["body"] for m in sent if m["to"] == phone}) == 2 for phone in phones)
    with runtime.sessions() as db:
        kinds = Counter(row.kind for row in db.query(OutboxMessage))
        sids = {row.provider_message_id for row in db.query(OutboxMessage)}
    assert kinds == Counter({"digest": len(phones), "notice": len(phones)})
    assert sids == {m["sid"] for m in sent}
