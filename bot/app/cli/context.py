"""What commands open and must close: the services, or just a database session."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from bot.core.config import get_settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.app.runtime import Runtime


@contextmanager
def opened_runtime() -> Iterator[Runtime]:
    """The services on the configured database (migrated first), closed when done."""
    # imported when a command runs: keeps `camino` start-up light
    from bot.app.runtime import build_runtime

    runtime = build_runtime(get_settings())
    try:
        yield runtime
    finally:
        runtime.close()


@contextmanager
def database_session() -> Iterator[Session]:
    """A session on the configured database, without the services (no master key needed)."""
    # imported when a command runs: keeps `camino` start-up light
    from bot.store.db import make_engine, make_sessionmaker

    engine = make_engine(get_settings().database_url)
    try:
        with make_sessionmaker(engine)() as db:
            yield db
    finally:
        engine.dispose()
