"""Structured logs (one JSON object a line) that never carry personal data or a secret.

Log calls pass only codes, counts and ids in `extra`; message texts, addresses and names are
never logged. Third-party loggers that print request bodies or URLs with tokens are quietened,
and every record, at every level and from every logger, has its secrets masked when it is made
(`redact`): bot tokens (also inside `.../bot<TOKEN>/...` URLs), the Twilio auth token, the
webhook secret and the data keys.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import re
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, urlsplit

from bot.core.config import Settings

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}
MASK = "[redacted]"
# A Telegram bot token wherever it appears (Bot API URLs carry it as /bot<TOKEN>/, and httpx
# logs file URLs with the colon percent-encoded).
_BOT_TOKEN = re.compile(r"\d{5,}(?::|%3[Aa])[A-Za-z0-9_-]{30,}")
# Secrets shorter than this are not masked by value (they would mask ordinary words).
MIN_SECRET = 6
# Third-party loggers whose error records carry a traceback and a provider's raw answer.
_TRACEBACK_FREE = ("telegram.request", "telegram.ext.Updater", "httpx", "httpcore")

_secrets: tuple[str, ...] = ()
_lock = threading.Lock()


def add_secrets(values: Iterable[str | None]) -> None:
    """Mask these values (tokens, keys, secrets) in every log record from now on."""
    global _secrets
    with _lock:
        given = {v for v in values if v and len(v) >= MIN_SECRET}
        # As written, and as it appears inside a URL.
        known = set(_secrets) | given | {quote(v, safe="") for v in given}
        # Longest first, so a secret containing another is masked whole.
        _secrets = tuple(sorted(known, key=len, reverse=True))


def secrets_of(settings: Settings) -> list[str | None]:
    """Every secret in the settings, and the forms they travel in (Basic auth, a DB URL)."""
    found: list[str | None] = [
        settings.telegram_bot_token,
        settings.telegram_webhook_secret,
        settings.twilio_auth_token,
        settings.data_key,
        settings.new_data_key,
    ]
    if settings.telegram_bot_token and ":" in settings.telegram_bot_token:
        found.append(settings.telegram_bot_token.split(":", 1)[1])  # the part that is secret
    if settings.twilio_account_sid and settings.twilio_auth_token:
        basic = f"{settings.twilio_account_sid}:{settings.twilio_auth_token}".encode()
        found.append(base64.b64encode(basic).decode())
    with contextlib.suppress(ValueError):  # a URL urlsplit cannot read has no password to hide
        found.append(urlsplit(settings.database_url).password)
    return found


def redact(text: str) -> str:
    """`text` with every known secret and anything shaped like a bot token masked."""
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return _BOT_TOKEN.sub(MASK, text)


def _clean(value: Any) -> Any:
    """An `extra` value with its secrets masked, keeping its JSON shape."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple | dict):
        return json.loads(redact(json.dumps(value, default=str)))
    return redact(str(value))


_base_factory = logging.getLogRecordFactory()


def _redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
    """Make the record, then freeze its message with the secrets masked (and its traceback)."""
    record = _base_factory(*args, **kwargs)
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: keep what can be shown
        message = str(record.msg)
    record.msg, record.args = redact(message), ()
    if record.exc_info and record.exc_info[0] is not None:
        if record.name.startswith(_TRACEBACK_FREE):
            record.msg = f"{record.msg.splitlines()[0][:80]} ({record.exc_info[0].__name__})"
            record.exc_info = None
        else:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    return record


def install_redaction() -> None:
    """Mask secrets in every record made from now on (idempotent)."""
    if logging.getLogRecordFactory() is not _redacting_factory:
        logging.setLogRecordFactory(_redacting_factory)


class JsonFormatter(logging.Formatter):
    """`{"time":..., "level":..., "logger":..., "event":..., **extra}`."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": redact(record.getMessage()),
        }
        entry.update({k: _clean(v) for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info and record.exc_info[0] is not None:
            entry["error"] = record.exc_info[0].__name__
        return json.dumps(entry, default=str)


def configure_logging(level: str = "INFO", secrets: Iterable[str | None] = ()) -> None:
    """Send Camino's logs to stderr as JSON lines, secrets masked; silence chatty loggers."""
    add_secrets(secrets)
    install_redaction()
    root = logging.getLogger()
    if not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
    root.setLevel(level)
    # These log full URLs (the Telegram token is in the path) or request bodies; the Bot API
    # clients log at DEBUG every call's parameters and answer (a reply's text, a user's name).
    for name in ("httpx", "httpcore", "twilio.http_client", "telegram.Bot", "telegram.ext.ExtBot"):
        logging.getLogger(name).setLevel(logging.WARNING)
    # PTB's update loop (`camino telegram poll`) logs each whole update at DEBUG: the person's
    # words and name. Its INFO lines (started, stopping) stay.
    logging.getLogger("telegram.ext.Application").setLevel(max(logging.INFO, root.level))
    # APScheduler narrates every run at INFO; Camino's own jobs log what they did.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
