"""Inbound throughput and latency: Camino against the bare signature-checking ceiling."""

from __future__ import annotations

import sys
from typing import Any

from bench.processes import Served, run_json

USERS = (4, 16, 48)


def loadgen(
    mode: str, served: Served, channel: str, seconds: float, **extra: Any
) -> dict[str, Any]:
    args = [
        sys.executable,
        "-m",
        "bench.loadgen",
        mode,
        "--target",
        served.base,
        "--channel",
        channel,
        "--seconds",
        str(seconds),
    ]
    for key, value in extra.items():
        args += [f"--{key}", str(value)]
    return run_json(args)


def saturation(served: Served, channel: str, seconds: float) -> dict[str, Any]:
    """The best throughput over a few concurrency levels (closed loop)."""
    runs = [loadgen("closed", served, channel, seconds, users=users) for users in USERS]
    best = max(runs, key=lambda run: float(run["rps"]))
    return {"best": best, "runs": runs}


def half_load(served: Served, channel: str, rps: float, seconds: float) -> dict[str, Any]:
    """Latency at half the saturation rate (open loop)."""
    return loadgen("open", served, channel, seconds, rate=max(1.0, rps / 2))
