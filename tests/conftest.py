"""Fixtures for the whole suite; the helpers they use live in `tests.support`.

Optional backends (PostgreSQL, Chromium) are skipped with a reason when missing, unless
`CAMINO_REQUIRE_ALL=1` (set by CI), which turns every such skip into a failure.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from sqlalchemy.engine import make_url

from tests.support import pg
from tests.support.backends import CHROMIUM, RequireAll, require_all_enabled, skip_or_fail
from tests.support.browser.chat import launch
from tests.support.dashboard_helpers import cheap_argon2
from tests.support.factories import TEST_DATA_KEY

# --- optional backends -------------------------------------------------------------------


@pytest.fixture
def require_all() -> RequireAll:
    """For suites with their own optional backend: `require_all.skip_or_fail("... not found")`."""
    return RequireAll()


def pytest_report_header(config: pytest.Config) -> list[str]:
    external = os.environ.get(pg.ENV_URL, "").strip()
    if external:
        shown = make_url(external).render_as_string(hide_password=True)
        postgres = f"{pg.ENV_URL}={shown}"
    else:
        binaries = pg.find_binaries()
        postgres = f"initdb at {binaries.initdb.parent}" if binaries else "not found"
    chromium = str(CHROMIUM) if CHROMIUM.is_file() else "not found"
    mode = "missing ones fail" if require_all_enabled() else "missing ones are skipped"
    return [
        f"camino backends: sqlite; postgresql: {postgres}; chromium: {chromium} ({mode})",
    ]


# --- databases ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[pg.PostgresServer]:
    """One throwaway PostgreSQL server per session (or `CAMINO_TEST_POSTGRES_URL`'s).

    Has `.url` (database `camino_test`), `.pg_dump` (path or None) and
    `.create_database(name) -> url` / `.drop_database(name)`.
    """
    try:
        server, reason = pg.start_server(), ""
    except pg.PostgresUnavailable as exc:
        server, reason = None, str(exc)
    if server is None:  # outside the except block: no chained traceback in the report
        skip_or_fail(reason)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite database file of this test's own (created when first opened)."""
    return f"sqlite:///{tmp_path}/camino.db"


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A SQLAlchemy URL of a fresh, empty database: a SQLite file, then a PostgreSQL DB."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/camino.db"
        return
    server: pg.PostgresServer = request.getfixturevalue("postgres_server")
    name = f"camino_t_{secrets.token_hex(6)}"
    url = server.create_database(name)
    try:
        yield url
    finally:
        server.drop_database(name)


# --- settings ----------------------------------------------------------------------------


@pytest.fixture
def camino_data_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Set `CAMINO_DATA_KEY` to a fixed base64 test key for this test; returns the key."""
    from bot.core.config import get_settings

    monkeypatch.setenv("CAMINO_DATA_KEY", TEST_DATA_KEY)
    get_settings.cache_clear()
    yield TEST_DATA_KEY
    get_settings.cache_clear()


# --- speed -------------------------------------------------------------------------------


@pytest.fixture
def cheap_hashing() -> Iterator[None]:
    """Staff passwords hashed with Argon2id at its lowest cost for this test (~0.1 ms)."""
    with cheap_argon2():
        yield


# --- browsers ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, through Playwright: one per test module."""
    if not CHROMIUM.is_file():
        skip_or_fail(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()
