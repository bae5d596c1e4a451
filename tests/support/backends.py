"""Optional backends of the test suite: Chromium, and what a missing one does.

A missing PostgreSQL or Chromium skips its tests with the reason, unless `CAMINO_REQUIRE_ALL=1`
(set by CI), which turns every such skip into a failure.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest

REQUIRE_ALL_ENV = "CAMINO_REQUIRE_ALL"
CHROMIUM = Path("/usr/bin/chromium")


def require_all_enabled() -> bool:
    """True when optional backends are mandatory (`CAMINO_REQUIRE_ALL=1`, as in CI)."""
    return os.environ.get(REQUIRE_ALL_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def skip_or_fail(reason: str) -> NoReturn:
    """Skip the current test because of `reason`, or fail it if `CAMINO_REQUIRE_ALL=1`."""
    if require_all_enabled():
        pytest.fail(f"{reason} ({REQUIRE_ALL_ENV}=1)", pytrace=False)
    pytest.skip(reason)


class RequireAll:
    """What the `require_all` fixture returns: `.enabled` and `.skip_or_fail(reason)`."""

    @property
    def enabled(self) -> bool:
        return require_all_enabled()

    @staticmethod
    def skip_or_fail(reason: str) -> NoReturn:
        skip_or_fail(reason)
