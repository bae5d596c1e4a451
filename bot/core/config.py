"""Camino's settings: one pydantic `BaseSettings`, read from the environment or `.env`."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

SUPPORTED_LANGUAGES: tuple[str, ...] = ("es", "en", "fr", "ht")
DEFAULT_LANGUAGE = "es"


class Settings(BaseSettings):
    """Everything an operator can set; names match interfaces.md."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field("sqlite:///./camino.db", alias="CAMINO_DATABASE_URL")
    data_key: str | None = Field(None, alias="CAMINO_DATA_KEY")
    key_file: str = Field("./camino.key", alias="CAMINO_KEY_FILE")
    public_url: str = Field("http://127.0.0.1:8000", alias="CAMINO_PUBLIC_URL")
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

    media_max_bytes: int = Field(5 * 1024 * 1024, alias="CAMINO_MEDIA_MAX_BYTES")
    web_rate_per_session: int = Field(30, alias="CAMINO_WEB_RATE_PER_SESSION")
    web_rate_global: int = Field(600, alias="CAMINO_WEB_RATE_GLOBAL")
    draft_expiry_days: int = Field(7, alias="CAMINO_DRAFT_EXPIRY_DAYS")
    default_timezone: str = Field("America/Mexico_City", alias="CAMINO_DEFAULT_TIMEZONE")
    log_level: str = Field("INFO", alias="CAMINO_LOG_LEVEL")

    # Dashboard and API: sessions, lockout, statistics.
    stats_min_cell: int = Field(5, ge=2, alias="CAMINO_STATS_MIN_CELL")
    staff_idle_minutes: int = Field(30, ge=1, alias="CAMINO_STAFF_IDLE_MINUTES")
    staff_session_hours: int = Field(12, ge=1, alias="CAMINO_STAFF_SESSION_HOURS")
    login_max_failures: int = Field(5, ge=1, alias="CAMINO_LOGIN_MAX_FAILURES")
    login_lock_minutes: int = Field(15, ge=1, alias="CAMINO_LOGIN_LOCK_MINUTES")
    login_failure_delay: float = Field(0.5, ge=0, le=10, alias="CAMINO_LOGIN_FAILURE_DELAY")
    talkback_open_hours: int = Field(72, ge=1, alias="CAMINO_TALKBACK_OPEN_HOURS")

    # Families and the outbox (follow-up, notifications, delivery, scheduler).
    quiet_hours: str = Field("21:00-08:00", alias="CAMINO_QUIET_HOURS")
    digest_days: int = Field(14, alias="CAMINO_DIGEST_DAYS")
    pin_recheck_days: int = Field(30, alias="CAMINO_PIN_RECHECK_DAYS")
    draft_reminder_hours: int = Field(24, alias="CAMINO_DRAFT_REMINDER_HOURS")
    # {"notice:es": "HX...", "digest:en": "HX...", ...}: pre-approved WhatsApp templates.
    whatsapp_templates: dict[str, str] = Field(
        default_factory=dict, alias="CAMINO_WHATSAPP_TEMPLATES"
    )
    rate_telegram_per_second: float = Field(30.0, alias="CAMINO_RATE_TELEGRAM")
    rate_telegram_per_chat: float = Field(1.0, alias="CAMINO_RATE_TELEGRAM_PER_CHAT")
    rate_sms_per_second: float = Field(1.0, alias="CAMINO_RATE_SMS")
    rate_whatsapp_per_second: float = Field(10.0, alias="CAMINO_RATE_WHATSAPP")
    outbox_max_attempts: int = Field(8, alias="CAMINO_OUTBOX_MAX_ATTEMPTS")
    outbox_lease_seconds: int = Field(120, alias="CAMINO_OUTBOX_LEASE_SECONDS")
    outbox_poll_seconds: float = Field(1.0, alias="CAMINO_OUTBOX_POLL_SECONDS")
    outbox_backoff_seconds: float = Field(2.0, alias="CAMINO_OUTBOX_BACKOFF_SECONDS")
    outbox_enabled: bool = Field(True, alias="CAMINO_OUTBOX_ENABLED")
    scheduler_enabled: bool = Field(True, alias="CAMINO_SCHEDULER_ENABLED")
    scheduler_takeover_seconds: float = Field(15.0, alias="CAMINO_SCHEDULER_TAKEOVER_SECONDS")
    scheduler_job_seconds: int = Field(300, alias="CAMINO_SCHEDULER_JOB_SECONDS")

    # Safety: directory of shelters, retention of closed cases, master key rotation.
    directory_file: str | None = Field(None, alias="CAMINO_DIRECTORY_FILE")
    retention_days: int = Field(365, ge=1, alias="CAMINO_RETENTION_DAYS")
    new_data_key: str | None = Field(None, alias="CAMINO_NEW_DATA_KEY")

    # Operations: /metrics behind a bearer token, or on a port of its own on 127.0.0.1.
    metrics_token: str | None = Field(None, alias="CAMINO_METRICS_TOKEN")
    metrics_port: int | None = Field(None, ge=1, le=65535, alias="CAMINO_METRICS_PORT")

    @property
    def is_production(self) -> bool:
        return self.env == "production"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (tests clear the cache after changing the environment)."""
    return Settings()
