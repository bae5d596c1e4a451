"""Structured logs (one JSON object a line) that never carry personal data.

Log calls pass only codes, counts and ids in `extra`; message texts, addresses and names are
never logged. Third-party loggers that print request bodies or URLs with tokens are quietened.
"""

from __future__ import annotations

import json
import logging
from typing import Any

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """`{"time":..., "level":..., "logger":..., "event":..., **extra}`."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        entry.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info and record.exc_info[0] is not None:
            entry["error"] = record.exc_info[0].__name__
        return json.dumps(entry, default=str)


def configure_logging(level: str = "INFO") -> None:
    """Send Camino's logs to stderr as JSON lines; silence chatty HTTP client loggers."""
    root = logging.getLogger()
    if not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
    root.setLevel(level)
    # These log full URLs (the Telegram token is in the path) or request bodies.
    for name in ("httpx", "httpcore", "twilio.http_client", "telegram.ext.ExtBot"):
        logging.getLogger(name).setLevel(logging.WARNING)
    # APScheduler narrates every run at INFO; Camino's own jobs log what they did.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
