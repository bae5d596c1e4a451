"""Looking into a test's database directly: a connection by URL, and counts of rows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, create_engine, func, select

from bot.app.runtime import Runtime


@contextmanager
def connected(url: str, *, begin: bool = False) -> Iterator[Connection]:
    """A connection to the database at `url` (committed at the end with `begin`); then the
    engine is disposed, so no pooled connection outlives the block (and the database)."""
    engine = create_engine(url)
    try:
        with engine.begin() if begin else engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def count_rows(runtime: Runtime, model: type, *where: Any) -> int:
    """Rows of `model` (matching `where`) in the runtime's database."""
    with runtime.sessions() as db:
        return int(db.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def count_rows_at(url: str, model: type, *where: Any) -> int:
    """Rows of `model` (matching `where`) in the database at `url`, e.g. a server's."""
    with connected(url) as conn:
        return int(conn.scalar(select(func.count()).select_from(model).where(*where)) or 0)
