"""The languages Camino speaks: plain constants, so pure code need not load the settings."""

from __future__ import annotations

SUPPORTED_LANGUAGES: tuple[str, ...] = ("es", "en", "fr", "ht")
DEFAULT_LANGUAGE = "es"
