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
    draft_expiry_days: int = Field(7, alias="CAMINO_DRAFT_EXPIRY_DAYS")
    default_timezone: str = Field("America/Mexico_City", alias="CAMINO_DEFAULT_TIMEZONE")
    log_level: str = Field("INFO", alias="CAMINO_LOG_LEVEL")

    @property
    def is_production(self) -> bool:
        return self.env == "production"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (tests clear the cache after changing the environment)."""
    return Settings()
