"""Builders for tests: settings, a runtime, and a `camino` process's environment."""

from __future__ import annotations

from pathlib import Path

from bot.app.runtime import Runtime, build_runtime
from bot.core.clock import Clock, system_clock
from bot.core.config import Settings

TEST_DATA_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="


def camino_env(database_url: str, workdir: Path | None = None, **extra: str) -> dict[str, str]:
    """The settings of a test's Camino on its database with the test key (and its key file
    under `workdir`), as environment variables: for a `camino` subprocess, or `make_settings`."""
    values = {"CAMINO_DATABASE_URL": database_url, "CAMINO_DATA_KEY": TEST_DATA_KEY}
    if workdir is not None:
        values["CAMINO_KEY_FILE"] = str(workdir / "camino.key")
    return {**values, **extra}


def make_settings(database_url: str, workdir: Path | None, **overrides: object) -> Settings:
    """Settings for a test: its own database and key file, nothing read from `.env`."""
    values: dict[str, object] = {**camino_env(database_url, workdir), **overrides}
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def make_runtime(
    database_url: str, workdir: Path, *, clock: Clock = system_clock, **overrides: object
) -> Runtime:
    """A migrated database and the services on it."""
    return build_runtime(make_settings(database_url, workdir, **overrides), clock=clock)
