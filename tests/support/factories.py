"""Builders for tests: settings and a runtime on a given database."""

from __future__ import annotations

from pathlib import Path

from bot.app.runtime import Runtime, build_runtime
from bot.core.clock import Clock, system_clock
from bot.core.config import Settings

TEST_DATA_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="


def make_settings(database_url: str, workdir: Path, **overrides: object) -> Settings:
    """Settings for a test: its own database and key file, nothing read from `.env`."""
    values: dict[str, object] = {
        "CAMINO_DATABASE_URL": database_url,
        "CAMINO_DATA_KEY": TEST_DATA_KEY,
        "CAMINO_KEY_FILE": str(workdir / "camino.key"),
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def make_runtime(
    database_url: str, workdir: Path, *, clock: Clock = system_clock, **overrides: object
) -> Runtime:
    """A migrated database and the services on it."""
    return build_runtime(make_settings(database_url, workdir, **overrides), clock=clock)
