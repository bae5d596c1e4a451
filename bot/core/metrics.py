"""Prometheus metrics: counts and timings only, with bounded labels and no personal data.

Labels take values from fixed sets (channels, results, statuses, areas of the code); anything
else is counted as "other", so an address, a case code or free text can never become a label.
With several worker processes (`camino serve --workers N`) set `PROMETHEUS_MULTIPROC_DIR` to an
empty directory before starting: every process writes its samples there and `/metrics`
aggregates them (prometheus-client's multiprocess mode).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

CHANNELS = frozenset({"telegram", "sms", "whatsapp", "web", "console"})
RESULTS = frozenset({"ok", "duplicate", "error"})
SEND_STATUSES = frozenset({"sent", "retry", "failed", "postponed", "gone"})
ACK_WAYS = frozenset({"dashboard", "reply"})
AREAS = frozenset(
    {
        "app",
        "alerts",
        "channels",
        "dashboard",
        "api",
        "scheduling",
        "intake",
        "follow",
        "talkback",
        "privacy",
        "stats",
        "staff",
        "cases",
        "delivery",
        "conversation",
        "store",
        "core",
        "server",
    }
)
OUTCOMES = frozenset({"ok", "denied", "not_found", "rejected", "error", "failure"})
STAFF_PARTS = frozenset({"dashboard", "api"})
REFUSALS = frozenset({"busy", "source"})
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST

INBOUND = Counter(
    "camino_inbound_messages_total",
    "Messages received from people, by channel and result.",
    ["channel", "result"],
)
REPLY_SECONDS = Histogram(
    "camino_reply_seconds",
    "Time to handle one inbound message and compose the reply, by channel.",
    ["channel"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30),
)
SENDS = Counter(
    "camino_outbox_sends_total",
    "Outbox send attempts by channel and what became of the message.",
    ["channel", "status"],
)
SCHEDULER_LEADER = Gauge(
    "camino_scheduler_leader",
    "1 while this process runs the scheduler.",
    multiprocess_mode="livemax",
)
ALERT_ACK_SECONDS = Histogram(
    "camino_alert_ack_seconds",
    "Time from an urgent report's first alert to its acknowledgement, by how it was given.",
    ["via"],
    buckets=(60, 120, 300, 600, 900, 1800, 3600, 7200, 21600),
)
ALERTS = Counter(
    "camino_alerts_total",
    "On-call alerts queued, by kind (urgent, new, repeat, escalation).",
    ["kind"],
)
ALERT_KINDS = frozenset({"urgent", "new", "repeat", "escalation"})
STAFF_REQUESTS = Counter(
    "camino_anonymous_staff_requests_total",
    "Dashboard and API requests made without a session or token (not in the audit log), "
    "by part and outcome.",
    ["part", "outcome"],
)
OPEN_DATA = Counter(
    "camino_open_data_requests_total",
    "Requests to the public open data page and its downloads (anonymous, never audited), by "
    "result: served fresh, from the cache, refused by the rate limit.",
    ["result"],
)
OPEN_DATA_RESULTS = frozenset({"fresh", "cached", "limited"})
SIGNIN_REFUSALS = Counter(
    "camino_signin_refusals_total",
    "Sign-ins refused before any password was checked, by reason.",
    ["reason"],
)
ERRORS = Counter(
    "camino_errors_total",
    "Errors logged, by the area of the code that logged them.",
    ["kind"],
)


def bounded(value: str | None, allowed: frozenset[str]) -> str:
    """The value if it is one of the allowed ones, else "other"."""
    return value if value in allowed else "other"


def count_inbound(channel: str, result: str, seconds: float | None = None) -> None:
    label = bounded(channel, CHANNELS)
    INBOUND.labels(label, bounded(result, RESULTS)).inc()
    if seconds is not None:
        REPLY_SECONDS.labels(label).observe(seconds)


def count_send(channel: str, status: str) -> None:
    SENDS.labels(bounded(channel, CHANNELS), bounded(status, SEND_STATUSES)).inc()


def observe_alert_ack(via: str, seconds: float) -> None:
    ALERT_ACK_SECONDS.labels(bounded(via, ACK_WAYS)).observe(max(0.0, seconds))


def count_alert(kind: str) -> None:
    ALERTS.labels(bounded(kind, ALERT_KINDS)).inc()


def count_anonymous(path: str, outcome: str) -> None:
    """An anonymous dashboard or API request: counted, never written to the audit log."""
    part = "api" if path.startswith("/api/") else "dashboard"
    STAFF_REQUESTS.labels(part, bounded(outcome, OUTCOMES)).inc()


def count_open_data(result: str) -> None:
    OPEN_DATA.labels(bounded(result, OPEN_DATA_RESULTS)).inc()


def count_signin_refusal(reason: str) -> None:
    SIGNIN_REFUSALS.labels(bounded(reason, REFUSALS)).inc()


def set_leader(leading: bool) -> None:
    SCHEDULER_LEADER.set(1 if leading else 0)


def error_kind(logger_name: str) -> str:
    """`bot.channels.twilio.rest` -> "channels"; uvicorn's own errors -> "server"."""
    parts = logger_name.split(".")
    if parts[0] == "bot" and len(parts) > 1:
        return bounded(parts[1], AREAS)
    if parts[0] in ("uvicorn", "starlette", "fastapi"):
        return "server"
    return "other"


class ErrorCounter(logging.Handler):
    """Counts records at ERROR and above; reads only the logger's name, never the message."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)

    def emit(self, record: logging.LogRecord) -> None:
        ERRORS.labels(error_kind(record.name)).inc()


def install_error_counter() -> None:
    """Count errors logged anywhere in the process (once)."""
    root = logging.getLogger()
    if not any(isinstance(handler, ErrorCounter) for handler in root.handlers):
        root.addHandler(ErrorCounter())


OutboxStats = Callable[[], Iterable[tuple[str, int, float]]]


class OutboxCollector(Collector):
    """Outbox depth and oldest age per channel, read from the database at scrape time."""

    def __init__(self, read: OutboxStats) -> None:
        self.read = read

    def collect(self) -> Iterable[GaugeMetricFamily]:
        depth = GaugeMetricFamily(
            "camino_outbox_depth", "Messages waiting to be sent, by channel.", labels=["channel"]
        )
        age = GaugeMetricFamily(
            "camino_outbox_oldest_seconds",
            "How long the oldest waiting message has been due, by channel.",
            labels=["channel"],
        )
        for channel, count, oldest in self.read():
            label = bounded(channel, CHANNELS)
            depth.add_metric([label], count)
            age.add_metric([label], oldest)
        yield depth
        yield age


def exposition(outbox: OutboxStats | None) -> bytes:
    """The text format for one scrape: this process's metrics (or every process's), and the
    outbox read now."""
    registry = CollectorRegistry()
    if os.environ.get(MULTIPROC_ENV):
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    if outbox is None:
        return body
    extra = CollectorRegistry()
    extra.register(OutboxCollector(outbox))
    return body + generate_latest(extra)
