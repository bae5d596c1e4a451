"""Start a real `camino serve` process for end-to-end tests, and stop it afterwards."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

CAMINO = Path(sys.executable).with_name("camino")


def free_port() -> int:
    """A loopback TCP port that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(
    env: dict[str, str], workdir: Path, *, workers: int = 1, timeout: float = 30.0
) -> Iterator[str]:
    """Run `camino serve` with `env` added to the environment; yields its base URL."""
    port = free_port()
    full_env = {**os.environ, **env}
    full_env.setdefault("CAMINO_PUBLIC_URL", f"http://127.0.0.1:{port}")
    log = (workdir / f"serve-{port}.log").open("wb")
    process = subprocess.Popen(
        [str(CAMINO), "serve", "--port", str(port), "--workers", str(workers)],
        cwd=workdir,
        env=full_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"camino serve exited: {(workdir / log.name).read_text()}")
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("camino serve did not become healthy in time")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
