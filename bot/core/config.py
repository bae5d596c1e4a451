"""Camino's settings: one pydantic `BaseSettings`, read from the environment or `.env`.

Every setting is checked when the settings are read (at start-up), so a bad time zone, quiet
hours, URL or number stops `camino` with one sentence naming the variable instead of failing
later, in the middle of a conversation. `get_settings` raises `SettingsError` with that sentence.
"""

from __future__ import annotations

import ipaddress
import json
import re
from functools import lru_cache
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.core.languages import DEFAULT_LANGUAGE as DEFAULT_LANGUAGE
from bot.core.languages import SUPPORTED_LANGUAGES as SUPPORTED_LANGUAGES
from bot.core.quiet_hours import QuietHours

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# SQLAlchemy's URL form; parsing it with SQLAlchemy would load it at every `camino` start.
DATABASE_URL = re.compile(r"^[A-Za-z][A-Za-z0-9]*(\+[A-Za-z0-9_]+)?://")


class SettingsError(ValueError):
    """A setting Camino cannot work with, said in one sentence that names its variable."""


def check_timezone(name: str) -> str:
    """An IANA time zone name known to this system's tzdata; raises ValueError otherwise."""
    try:
        ZoneInfo(name)
    except (ValueError, KeyError) as exc:  # KeyError: ZoneInfoNotFoundError
        raise ValueError(f"{name!r} is not a known time zone (like America/Mexico_City)") from exc
    return name


def check_http_url(url: str) -> str:
    """An absolute http(s) URL with a host; raises ValueError otherwise."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url!r} is not an absolute http(s) URL (like https://example.org)")
    return url


def check_proxies(value: str) -> str:
    """Comma-separated IP addresses or networks (CIDR) of trusted reverse proxies."""
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items:
        raise ValueError("no proxy address (like 127.0.0.1 or 10.0.0.0/8)")
    for item in items:
        try:
            ipaddress.ip_network(item)
        except ValueError as exc:
            raise ValueError(
                f"{item!r} is not an IP address or network (like 127.0.0.1 or 10.0.0.0/8)"
            ) from exc
    return ",".join(items)


def check_database_url(url: str) -> str:
    """A SQLAlchemy database URL, `dialect[+driver]://...` (only its form: nothing connects)."""
    if not DATABASE_URL.match(url.strip()):
        # Not echoed: a database URL may hold a password.
        raise ValueError("not a database URL (like sqlite:///./camino.db)")
    return url


def check_templates(value: object) -> object:
    """WhatsApp templates: a JSON object of "kind:language" to a ContentSid."""
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else {}
        except json.JSONDecodeError as exc:
            raise ValueError('not JSON (like {"notice:es": "HX..."})') from exc
    if not isinstance(value, dict):
        raise ValueError('not a JSON object (like {"notice:es": "HX..."})')
    for key, sid in value.items():
        kind, sep, language = str(key).partition(":")
        if not (kind and sep and language in SUPPORTED_LANGUAGES):
            raise ValueError(f"the key {key!r} is not a kind and a language (like notice:es)")
        if not isinstance(sid, str) or not sid.strip():
            raise ValueError(f"no ContentSid for {key!r}")
    return value


def describe(error: ValidationError) -> str:
    """One sentence for the first invalid setting, naming its variable."""
    problems = error.errors()
    first = problems[0]
    name = str(first["loc"][0]) if first["loc"] else "A setting"
    if first["type"] == "value_error":
        reason = str(first["ctx"]["error"])
    else:
        reason = first["msg"][:1].lower() + first["msg"][1:]
    others = len({str(p["loc"][0]) for p in problems if p["loc"]} - {name})
    more = f" ({others} more invalid setting(s) after it)" if others else ""
    return f"{name}: {reason}{more}."


class Settings(BaseSettings):
    """Everything an operator can set; names match interfaces.md."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field("sqlite:///./camino.db", alias="CAMINO_DATABASE_URL")
    data_key: str | None = Field(None, alias="CAMINO_DATA_KEY")
    key_file: str = Field("./camino.key", alias="CAMINO_KEY_FILE")
    public_url: str = Field("http://127.0.0.1:8000", alias="CAMINO_PUBLIC_URL")
    # Only these may say, in X-Forwarded-For and X-Forwarded-Proto, who the client is and
    # whether it came over https.
    trusted_proxies: str = Field("127.0.0.1", alias="CAMINO_TRUSTED_PROXIES")
    env: Literal["development", "production"] = Field("development", alias="CAMINO_ENV")

    telegram_bot_token: str | None = Field(None, alias="TELEGRAM_BOT_TOKEN")
    telegram_webhook_secret: str | None = Field(None, alias="TELEGRAM_WEBHOOK_SECRET")
    telegram_api_base_url: str = Field("https://api.telegram.org", alias="TELEGRAM_API_BASE_URL")

    twilio_account_sid: str | None = Field(None, alias="TWILIO_ACCOUNT_SID")
    twilio_auth_token: str | None = Field(None, alias="TWILIO_AUTH_TOKEN")
    twilio_sms_from: str | None = Field(None, alias="TWILIO_SMS_FROM")
    twilio_whatsapp_from: str | None = Field(None, alias="TWILIO_WHATSAPP_FROM")
    twilio_api_base_url: str | None = Field(None, alias="TWILIO_API_BASE_URL")
    sms_gsm7_folding: bool = Field(True, alias="CAMINO_SMS_GSM7_FOLDING")

    media_max_bytes: int = Field(5 * 1024 * 1024, ge=1, alias="CAMINO_MEDIA_MAX_BYTES")
    web_rate_per_session: int = Field(30, ge=1, alias="CAMINO_WEB_RATE_PER_SESSION")
    web_rate_global: int = Field(600, ge=1, alias="CAMINO_WEB_RATE_GLOBAL")
    draft_expiry_days: int = Field(7, ge=1, alias="CAMINO_DRAFT_EXPIRY_DAYS")
    default_timezone: str = Field("America/Mexico_City", alias="CAMINO_DEFAULT_TIMEZONE")
    log_level: str = Field("INFO", alias="CAMINO_LOG_LEVEL")

    # Dashboard and API: sessions, lockout, statistics.
    stats_min_cell: int = Field(5, ge=2, alias="CAMINO_STATS_MIN_CELL")
    # The public /datos page (protected statistics of every organization's cases, no login).
    open_data: bool = Field(False, alias="CAMINO_OPEN_DATA")
    open_data_per_minute: int = Field(60, ge=1, le=10_000, alias="CAMINO_OPEN_DATA_PER_MINUTE")
    staff_idle_minutes: int = Field(30, ge=1, alias="CAMINO_STAFF_IDLE_MINUTES")
    staff_session_hours: int = Field(12, ge=1, alias="CAMINO_STAFF_SESSION_HOURS")
    login_max_failures: int = Field(5, ge=1, alias="CAMINO_LOGIN_MAX_FAILURES")
    login_lock_minutes: int = Field(15, ge=1, alias="CAMINO_LOGIN_LOCK_MINUTES")
    login_failure_delay: float = Field(0.5, ge=0, le=10, alias="CAMINO_LOGIN_FAILURE_DELAY")
    login_source_failures: int = Field(20, ge=1, alias="CAMINO_LOGIN_SOURCE_FAILURES")
    login_concurrency: int = Field(2, ge=1, le=64, alias="CAMINO_LOGIN_CONCURRENCY")
    login_queue: int = Field(8, ge=0, le=1000, alias="CAMINO_LOGIN_QUEUE")
    talkback_open_hours: int = Field(72, ge=1, alias="CAMINO_TALKBACK_OPEN_HOURS")
    urgent_escalate_minutes: int = Field(15, ge=1, le=1440, alias="CAMINO_URGENT_ESCALATE_MINUTES")

    # Families and the outbox (follow-up, notifications, delivery, scheduler).
    quiet_hours: str = Field("21:00-08:00", alias="CAMINO_QUIET_HOURS")
    digest_days: int = Field(14, ge=1, alias="CAMINO_DIGEST_DAYS")
    pin_recheck_days: int = Field(30, ge=1, alias="CAMINO_PIN_RECHECK_DAYS")
    draft_reminder_hours: int = Field(24, ge=1, alias="CAMINO_DRAFT_REMINDER_HOURS")
    # {"notice:es": "HX...", "digest:en": "HX...", ...}: pre-approved WhatsApp templates.
    whatsapp_templates: Annotated[dict[str, str], NoDecode] = Field(
        default_factory=dict, alias="CAMINO_WHATSAPP_TEMPLATES"
    )
    rate_telegram_per_second: float = Field(30.0, gt=0, alias="CAMINO_RATE_TELEGRAM")
    rate_telegram_per_chat: float = Field(1.0, gt=0, alias="CAMINO_RATE_TELEGRAM_PER_CHAT")
    rate_sms_per_second: float = Field(1.0, gt=0, alias="CAMINO_RATE_SMS")
    rate_whatsapp_per_second: float = Field(10.0, gt=0, alias="CAMINO_RATE_WHATSAPP")
    outbox_max_attempts: int = Field(8, ge=1, alias="CAMINO_OUTBOX_MAX_ATTEMPTS")
    outbox_lease_seconds: int = Field(120, ge=1, alias="CAMINO_OUTBOX_LEASE_SECONDS")
    outbox_poll_seconds: float = Field(1.0, gt=0, alias="CAMINO_OUTBOX_POLL_SECONDS")
    outbox_backoff_seconds: float = Field(2.0, ge=0, alias="CAMINO_OUTBOX_BACKOFF_SECONDS")
    outbox_enabled: bool = Field(True, alias="CAMINO_OUTBOX_ENABLED")
    # Threads serving requests, and the PostgreSQL connections kept open for them (the outbox,
    # the scheduler and the Telegram handlers may open as many again while busy).
    db_pool_size: int = Field(8, ge=1, le=200, alias="CAMINO_DB_POOL_SIZE")
    scheduler_enabled: bool = Field(True, alias="CAMINO_SCHEDULER_ENABLED")
    scheduler_takeover_seconds: float = Field(15.0, gt=0, alias="CAMINO_SCHEDULER_TAKEOVER_SECONDS")
    scheduler_job_seconds: int = Field(300, ge=1, alias="CAMINO_SCHEDULER_JOB_SECONDS")

    # Safety: directory of shelters, retention of closed cases, master key rotation.
    directory_file: str | None = Field(None, alias="CAMINO_DIRECTORY_FILE")
    retention_days: int = Field(365, ge=1, alias="CAMINO_RETENTION_DAYS")
    new_data_key: str | None = Field(None, alias="CAMINO_NEW_DATA_KEY")

    # Operations: /metrics behind a bearer token, or on a port of its own on 127.0.0.1.
    metrics_token: str | None = Field(None, alias="CAMINO_METRICS_TOKEN")
    metrics_port: int | None = Field(None, ge=1, le=65535, alias="CAMINO_METRICS_PORT")

    _database_url = field_validator("database_url")(check_database_url)
    _timezone = field_validator("default_timezone")(check_timezone)
    _templates = field_validator("whatsapp_templates", mode="before")(check_templates)
    _proxies = field_validator("trusted_proxies")(check_proxies)

    @field_validator("public_url", "telegram_api_base_url", "twilio_api_base_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return None if value is None else check_http_url(value)

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours(cls, value: str) -> str:
        try:
            QuietHours.parse(value)
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a time window (like 21:00-08:00)") from exc
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"{value!r} is not a log level ({', '.join(LOG_LEVELS)})")
        return level

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def twilio_channels(self) -> frozenset[str]:
        """The Twilio channels that are on: an account, and a number or sender for each."""
        if not (self.twilio_account_sid and self.twilio_auth_token):
            return frozenset()
        senders = {"sms": self.twilio_sms_from, "whatsapp": self.twilio_whatsapp_from}
        return frozenset(channel for channel, sender in senders.items() if sender)


def load_settings(**values: Any) -> Settings:
    """Settings from the environment (and `values`); raises `SettingsError` on a bad one."""
    try:
        return Settings(**values)
    except ValidationError as exc:
        raise SettingsError(describe(exc)) from None


def check_serving(settings: Settings) -> None:
    """What a server refuses to start with (`camino serve`, the app); raises `SettingsError`.

    In production the public URL must be https: the web chat, the dashboard and the webhooks
    carry personal data, and their cookies must be Secure. Other commands (`camino doctor`
    among them) still run, so they can say what is wrong.
    """
    if settings.is_production and not settings.public_url.strip().lower().startswith("https://"):
        raise SettingsError(
            "CAMINO_PUBLIC_URL: production needs an https URL (like https://camino.example.org);"
            " the web chat, the dashboard and the webhooks carry personal data."
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (tests clear the cache after changing the environment)."""
    return load_settings()
