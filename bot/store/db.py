"""Database engine, sessions and migrations (SQLite with WAL by default, PostgreSQL too)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the pragmas Camino relies on set on every SQLite connection."""
    if url.startswith("sqlite"):
        _create_private(url)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _begin_immediate)
        return engine
    # `pool_size` connections for the request threads (as many as there are: a request waiting
    # on a row lock holds its connection), and as many again for background work when busy.
    pool_size = int(kwargs.pop("pool_size", 10))
    options: dict[str, Any] = {"pool_size": pool_size, "max_overflow": pool_size, **kwargs}
    return create_engine(url, pool_pre_ping=True, **options)


def _create_private(url: str) -> None:
    """Create a SQLite database file readable by its owner only (its WAL inherits the mode)."""
    path = make_url(url).database
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    target = Path(path)
    if not target.exists() and target.parent.is_dir():  # a missing folder: SQLite says so
        os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o600))


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # transactions are begun by `_begin_immediate`
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten, not left in pages
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _begin_immediate(connection: Any) -> None:
    # Take the write lock when the transaction starts: a transaction that read first and wrote
    # later could otherwise fail when another process committed in between (stale snapshot).
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    with factory() as session, session.begin():
        yield session


def alembic_config(url: str) -> Config:
    """Alembic configured in code, so `camino db upgrade` needs no ini file."""
    from alembic.config import Config  # imported on use: a serving process never migrates

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str) -> None:
    """Apply every migration up to the newest."""
    from alembic import command  # imported on use: a serving process never migrates

    command.upgrade(alembic_config(url), "heads")


def ping(engine: Engine) -> bool:
    """True when the database answers."""
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        return True
    except Exception:  # any driver error means "unreachable" to a health check
        return False
