"""Collects benchmark figures and writes them as bench/RESULTS.md."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any


def fmt(value: Any, digits: int = 1) -> str:
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


@dataclass
class Report:
    """Figures by section, each line with its target and verdict where one applies."""

    command: str
    machine: str
    date: str
    elapsed: float = 0.0
    loads: list[str] = field(default_factory=list)
    sections: dict[str, list[str]] = field(default_factory=dict)
    verdicts: list[tuple[str, bool, str]] = field(default_factory=list)

    def line(self, section: str, text: str) -> None:
        self.sections.setdefault(section, []).append(text)
        print(f"[{section}] {text}", flush=True)  # progress while a long run goes on

    def add(self, section: str, label: str, run: dict[str, Any]) -> None:
        self.line(
            section,
            f"- {label}: {fmt(run['rps'])} messages/s "
            f"(p50 {fmt(run['p50_ms'])} ms, p99 {fmt(run['p99_ms'])} ms, "
            f"{run.get('users', '?')} concurrent senders)",
        )

    def load(self, when: str) -> None:
        """Record the machine's load average (1, 5, 15 minutes) at a moment of the run."""
        one, five, fifteen = os.getloadavg()
        self.loads.append(f"{when} {one:.2f} {five:.2f} {fifteen:.2f}")

    def verdict(self, target: str, met: bool, figure: str) -> None:
        self.verdicts.append((target, met, figure))

    def inbound(
        self,
        database: str,
        channel: str,
        best: dict[str, Any],
        half: dict[str, Any],
        ceilings: tuple[dict[str, Any], dict[str, Any]],
        rss_mb: float,
    ) -> None:
        before, after = (float(c["rps"]) for c in ceilings)
        ratio = float(best["rps"]) / max(before, after)
        target = 0.60 if channel == "sms" else 0.50
        self.add("inbound", f"Camino, {channel} on {database}, saturation", best)
        self.line(
            "inbound",
            f"  - at half load ({fmt(half['rate'])} messages/s, open loop): "
            f"p50 {fmt(half['p50_ms'])} ms, p99 {fmt(half['p99_ms'])} ms, "
            f"errors {half['errors']}, skipped {half.get('skipped', 0)}",
        )
        self.line(
            "inbound",
            f"  - ratio to the higher ceiling ({fmt(before)} before, {fmt(after)} after): "
            f"{ratio:.0%}",
        )
        self.line("memory", f"- peak RSS of camino serve, {channel} on {database}: {rss_mb:.0f} MB")
        self.verdict(
            f"inbound {channel}/{database}: >= {target:.0%} of ceiling",
            ratio >= target,
            f"{ratio:.0%}",
        )
        self.verdict(
            f"inbound {channel}/{database}: p99 < 50 ms at half load",
            float(half["p99_ms"]) < 50,
            f"{fmt(half['p99_ms'])} ms",
        )
        self.verdict(
            f"memory {channel}/{database}: peak RSS < 150 MB", rss_mb < 150, f"{rss_mb:.0f} MB"
        )

    def markdown(self) -> str:
        out = [
            "# Benchmark results",
            "",
            f"Reproduce with: `{self.command}` (from the repository root).",
            "",
            f"- Machine: {self.machine}",
            f"- Date: {self.date}",
            f"- Wall time: {self.elapsed / 60:.1f} minutes",
            f"- Load average (1, 5, 15 min): {'; '.join(self.loads) or 'not recorded'}",
            "",
            "Ratios compare figures measured in the same run, on the same machine; "
            "absolute figures move with the machine's other load.",
            "",
            "## Targets",
            "",
            "| target | met | figure |",
            "|---|---|---|",
        ]
        out += [
            f"| {target} | {'yes' if met else 'NO'} | {figure} |"
            for target, met, figure in self.verdicts
        ]
        for title, lines in self.sections.items():
            out += ["", f"## {title.capitalize()}", "", *lines]
        return "\n".join(out) + "\n"
