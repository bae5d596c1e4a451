"""Start and watch the processes a benchmark needs: `camino serve`, the ceiling app, fakes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support.factories import TEST_DATA_KEY
from tests.support.server import free_port

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@dataclass
class Served:
    """A running server: its base URL and process."""

    base: str
    process: subprocess.Popen[bytes]

    def tree(self) -> list[int]:
        """The server's pid and its children's (uvicorn workers)."""
        pids = [self.process.pid]
        for pid in list(pids):
            children = Path(f"/proc/{pid}/task/{pid}/children")
            if children.exists():
                pids += [int(p) for p in children.read_text().split()]
        return pids

    def cpu_seconds(self) -> float:
        """CPU time (user and system) used so far by the server and its workers."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.tree():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks

    def peak_rss_mb(self) -> float:
        """Peak resident memory (VmHWM), summed over the process tree, in MB."""
        total = 0
        for pid in self.tree():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        total += int(line.split()[1])
            except FileNotFoundError:
                continue
        return total / 1024


def wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in time")


@contextmanager
def serve(
    args: list[str], env: dict[str, str], workdir: Path, health: str, port: int
) -> Iterator[Served]:
    """Run a server command until the block ends; its output goes to a log in `workdir`."""
    log = (workdir / f"server-{port}.log").open("wb")
    process = subprocess.Popen(
        args,
        cwd=workdir,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    served = Served(f"http://127.0.0.1:{port}", process)
    try:
        wait_healthy(served.base + health, process)
        yield served
    finally:
        stop(process)
        log.close()


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    """Stop a process group, forcefully if it does not go within 10 s."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, sig)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def camino_env(database_url: str, port: int, telegram_api: str) -> dict[str, str]:
    """Settings for a benchmarked Camino: both channels on, against local fakes."""
    from bench.loadgen import TELEGRAM_SECRET, TWILIO_SID, TWILIO_TOKEN

    return {
        "CAMINO_DATABASE_URL": database_url,
        "CAMINO_DATA_KEY": TEST_DATA_KEY,
        "CAMINO_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "CAMINO_LOG_LEVEL": "WARNING",
        "TWILIO_ACCOUNT_SID": TWILIO_SID,
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "TWILIO_SMS_FROM": "+15005550006",
        "TWILIO_API_BASE_URL": telegram_api,
        "TELEGRAM_BOT_TOKEN": "123456:bench",
        "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
        "TELEGRAM_API_BASE_URL": telegram_api,
    }


@contextmanager
def camino(
    database_url: str,
    workdir: Path,
    telegram_api: str,
    workers: int = 1,
    extra: dict[str, str] | None = None,
) -> Iterator[Served]:
    port = free_port()
    args = [str(BIN / "camino"), "serve", "--port", str(port), "--workers", str(workers)]
    env = camino_env(database_url, port, telegram_api) | (extra or {})
    with serve(args, env, workdir, "/healthz", port) as served:
        yield served


@contextmanager
def ceiling(workdir: Path) -> Iterator[Served]:
    """The bare signature-checking endpoint, under the same uvicorn settings as Camino."""
    port = free_port()
    args = [
        str(BIN / "uvicorn"),
        "bench.ceiling:create_app",
        "--factory",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    with serve(args, {"PYTHONPATH": str(ROOT)}, workdir, "/docs", port) as served:
        yield served


@contextmanager
def fake_telegram(workdir: Path) -> Iterator[Served]:
    """The tests' fake Bot API in its own process, so it does not share the server's GIL."""
    port = free_port()
    args = [sys.executable, "-m", "bench.fake_api", "--port", str(port)]
    with serve(args, {"PYTHONPATH": str(ROOT)}, workdir, "/healthz", port) as served:
        yield served


def run_json(args: list[str]) -> dict[str, object]:
    """Run a helper process that prints one JSON object, and return it."""
    import json

    output = subprocess.run(
        args,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    result: dict[str, object] = json.loads(output.stdout.strip().splitlines()[-1])
    return result
