"""Profile the message path: `python -m bench.profile [--database postgresql] [--http]`.

In process (the default): runs `Conversations.handle` for simulated reporters walking through
complaints (the load generator's script, SMS) under pyinstrument, and prints the profile's text
summary and how many SQL statements a message took. No HTTP: Camino's own work per message.

`--http`: the whole request, as the inbound benchmark sends it. Starts `camino serve` and the
bare ceiling app, puts each under the load generator (closed loop) and prints the CPU time each
server process used per message (from /proc, so a busy machine slows the run but does not
change the figure much), and their ratio: the share of the ceiling's throughput Camino would
reach with a core to itself. With `--py-spy`, a second run of Camino is sampled by py-spy
(every thread, the HTTP layer included) and the functions taking most of its time are listed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.processes import BIN, ROOT, Served, camino, ceiling, fake_telegram
from tests.support import pg


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--people", type=int, default=20)
    parser.add_argument("--messages", type=int, default=600)
    parser.add_argument("--http", action="store_true", help="profile `camino serve` over HTTP")
    parser.add_argument("--seconds", type=float, default=10.0, help="each HTTP load run")
    parser.add_argument("--users", type=int, default=16, help="concurrent senders over HTTP")
    parser.add_argument("--py-spy", action="store_true", help="also sample Camino with py-spy")
    parser.add_argument("--top", type=int, default=40, help="functions listed from py-spy")
    args = parser.parse_args()
    with _database(args.database) as (url, tmp):
        if args.http:
            over_http(url, tmp, args)
        else:
            in_process(url, tmp, args)


@contextmanager
def _database(kind: str) -> Iterator[tuple[str, Path]]:
    server = pg.start_server() if kind == "postgresql" else None
    try:
        with tempfile.TemporaryDirectory(prefix="camino-profile-") as tmp:
            url = (
                server.create_database("bench_profile")
                if server is not None
                else f"sqlite:///{tmp}/profile.db"
            )
            yield url, Path(tmp)
    finally:
        if server is not None:
            server.stop()


def in_process(url: str, tmp: Path, args: argparse.Namespace) -> None:
    from pyinstrument import Profiler
    from sqlalchemy import event

    from bench.loadgen import Person
    from bot.conversation.messages import InboundEvent
    from bot.store.contacts import Sender
    from tests.support.factories import make_runtime

    runtime = make_runtime(url, tmp)
    people = [Person(number, "sms") for number in range(args.people)]
    statements = [0]

    def count(*_args: object) -> None:
        statements[0] += 1

    event.listen(runtime.engine, "before_cursor_execute", count)
    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    cpu = time.process_time()
    profiler.start()
    for number in range(args.messages):
        person = people[number % len(people)]
        sender = Sender("sms", f"+5255{person.number:08d}")
        runtime.conversations.handle(
            sender, InboundEvent(text=person.next_text()), external_id=f"SM{number}"
        )
    profiler.stop()
    cpu = time.process_time() - cpu
    elapsed = time.perf_counter() - started
    runtime.close()
    print(profiler.output_text(unicode=False, color=False, show_all=False))
    print(
        f"{args.messages} messages on {args.database}: {elapsed / args.messages * 1000:.2f} ms "
        f"wall and {cpu / args.messages * 1000:.2f} ms CPU (with the profiler) and "
        f"{statements[0] / args.messages:.1f} SQL statements a message"
    )


def _times(served: Served) -> tuple[float, float]:
    """User and system CPU seconds the server process has used so far."""
    fields = Path(f"/proc/{served.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / ticks, int(fields[12]) / ticks


def _load(served: Served, seconds: float, users: int) -> dict[str, Any]:
    """One closed-loop run of SMS; its figures and the server's CPU time per message."""
    from bench.inbound import loadgen

    user, system = _times(served)
    run = loadgen("closed", served, "sms", seconds, users=users)
    after = _times(served)
    messages = max(1, int(run["requests"]))
    run["user_ms"] = (after[0] - user) * 1000 / messages
    run["system_ms"] = (after[1] - system) * 1000 / messages
    run["cpu_ms"] = run["user_ms"] + run["system_ms"]
    return run


def _idle_cpu(served: Served, seconds: float = 3.0) -> float:
    """CPU seconds a second the server uses with nothing to do (background loops)."""
    before = served.cpu_seconds()
    time.sleep(seconds)
    return (served.cpu_seconds() - before) / seconds


def over_http(url: str, tmp: Path, args: argparse.Namespace) -> None:
    load = os.getloadavg()[0]
    with fake_telegram(tmp) as api:
        with ceiling(tmp) as bare:
            _load(bare, 2, args.users)  # warm up
            bare_run = _load(bare, args.seconds, args.users)
        with camino(url, tmp, api.base) as app:
            idle = _idle_cpu(app)
            _load(app, 3, args.users)  # warm up: lazy imports, the date step's dateparser
            camino_run = _load(app, args.seconds, args.users)
            profile = _py_spy(app, tmp, args) if args.py_spy else None
    if profile is not None:
        print(profile)
    result = {
        "database": args.database,
        "load_average": [round(load, 2), round(os.getloadavg()[0], 2)],
        "ceiling_cpu_ms": round(bare_run["cpu_ms"], 3),
        "camino_cpu_ms": round(camino_run["cpu_ms"], 3),
        "camino_user_ms": round(camino_run["user_ms"], 3),
        "camino_system_ms": round(camino_run["system_ms"], 3),
        "cpu_ratio": round(bare_run["cpu_ms"] / camino_run["cpu_ms"], 3),
        "camino_idle_cpu_per_s": round(idle, 3),
        "ceiling_rps": round(float(bare_run["rps"]), 1),
        "camino_rps": round(float(camino_run["rps"]), 1),
        "camino_p50_ms": round(float(camino_run["p50_ms"]), 1),
        "camino_errors": camino_run["errors"],
    }
    print(json.dumps(result))


def _py_spy(app: Served, tmp: Path, args: argparse.Namespace) -> str:
    """Sample the server (every thread, native frames left out) during one more load run."""
    out = tmp / "py-spy.txt"
    spy = subprocess.Popen(
        [
            str(BIN / "py-spy"),
            "record",
            "--pid",
            str(app.process.pid),
            "--format",
            "raw",
            "--function",
            "--gil",  # only the thread holding the GIL: Python's own CPU time
            "--rate",
            "200",
            "--duration",
            str(int(args.seconds) + 2),
            "--output",
            str(out),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(1)  # attached before the load starts
        _load(app, args.seconds, args.users)
    finally:
        spy.wait(timeout=60)
    return summarize(out.read_text().splitlines(), args.top)


def summarize(lines: list[str], top: int) -> str:
    """The functions with most samples: inclusive (on the stack) and own (at its top)."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in lines:
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [_short(frame) for frame in stack.split(";")]
        samples = int(count)
        total += samples
        for frame in set(frames[1:]):  # the first frame is the thread's name
            inclusive[frame] += samples
        own[frames[-1]] += samples
    rows = [f"{total} samples of the thread holding the GIL (py-spy, 200 a second)"]
    rows += ["", "inclusive:"]
    rows += [f"{n / total:6.1%}  {name}" for name, n in inclusive.most_common(top)]
    rows += ["", "own:"]
    rows += [f"{n / total:6.1%}  {name}" for name, n in own.most_common(top // 2)]
    return "\n".join(rows)


def _short(frame: str) -> str:
    """`get (/x/site-packages/sqlalchemy/orm/session.py)` -> `get (sqlalchemy/orm/session.py)`."""
    name, _, where = frame.partition(" (")
    where = where.rstrip(")")
    for marker in ("site-packages/", f"{ROOT}/", "/lib/python3.11/"):
        if marker in where:
            where = where.split(marker, 1)[1]
            break
    return f"{name} ({where})" if where else name


if __name__ == "__main__":
    sys.exit(main())
