"""Backups and restores of the whole database.

SQLite is copied with its online backup API (a consistent copy while Camino keeps running,
write-ahead log included); PostgreSQL with `pg_dump --format=custom` and `pg_restore`. A backup
holds exactly what the database holds: personal data only as ciphertext, and the wrapped data
keys of every case not yet erased. The master key is never in it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import make_url

from bot.store.db import make_engine

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
# Tables whose rows mean "this database is in use": restoring over them needs --force.
DATA_TABLES = ("organizations", "staff", "contacts", "conversations", "cases")


class BackupError(RuntimeError):
    """A backup or restore that cannot go ahead; the message is one sentence for the operator."""


@dataclass(frozen=True)
class Contents:
    """What a database holds, in counts an operator can check."""

    cases: int
    erased: int
    revision: str | None


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_file(url: str) -> Path:
    """The file of a SQLite URL (`sqlite:///./camino.db` -> ./camino.db)."""
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("CAMINO_DATABASE_URL must name a SQLite file to back it up.")
    return Path(database)


def contents(url: str) -> Contents:
    """Counts of cases (and erased ones) and the migration the database is at."""
    engine = make_engine(url)
    try:
        return _contents(engine)
    finally:
        engine.dispose()


def _contents(engine: Engine) -> Contents:
    tables = set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        revision = None
        if "alembic_version" in tables:
            revision = connection.execute(text("select version_num from alembic_version")).scalar()
        if "cases" not in tables:
            return Contents(0, 0, revision)
        cases = connection.execute(text("select count(*) from cases")).scalar_one()
        erased = connection.execute(
            text("select count(*) from cases where erased_at is not null")
        ).scalar_one()
    return Contents(int(cases), int(erased), revision)


def has_data(url: str) -> bool:
    """True when the database already holds organizations, accounts, contacts or cases."""
    if is_sqlite(url) and not sqlite_file(url).exists():
        return False
    engine = make_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
        with engine.connect() as connection:
            for table in DATA_TABLES:
                if (
                    table in tables
                    and connection.execute(
                        text(f"select 1 from {table} limit 1")  # noqa: S608 - fixed table names
                    ).first()
                ):
                    return True
        return False
    finally:
        engine.dispose()


# -- backup -----------------------------------------------------------------------------------


def backup(url: str, target: Path) -> Contents:
    """Write a backup of the database at `url` to `target` (a new file, mode 0600)."""
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file for the backup.")
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist.")
    found = contents(url)
    _create_private(target)
    try:
        if is_sqlite(url):
            _sqlite_copy(sqlite_file(url), target)
        else:
            _pg_dump(url, target)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return found


def _create_private(path: Path) -> None:
    """Create the file readable by its owner only, before anything is written to it."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _sqlite_copy(source: Path, target: Path) -> None:
    if not source.exists():
        raise BackupError(f"There is no database file at {source}.")
    with _connect(source) as src, _connect(target) as dst:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=30)
    connection.execute("PRAGMA busy_timeout=30000")
    return connection


def _pg_dump(url: str, target: Path) -> None:
    _run_pg(
        "pg_dump",
        ["--format=custom", "--no-owner", "--no-privileges", f"--file={target}"],
        url,
    )


# -- restore ----------------------------------------------------------------------------------


def kind_of(path: Path) -> str:
    """'sqlite' or 'postgresql', from the backup file's first bytes."""
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is not a Camino backup (neither SQLite nor pg_dump custom format).")


def restore(url: str, source: Path, *, force: bool) -> Contents:
    """Replace the database at `url` with the backup in `source`; returns what it now holds."""
    kind = kind_of(source)
    wanted = "sqlite" if is_sqlite(url) else "postgresql"
    if kind != wanted:
        raise BackupError(f"{source} is a {kind} backup but CAMINO_DATABASE_URL is {wanted}.")
    if not force and has_data(url):
        raise BackupError(
            "The database already holds data; restore over it only with --force "
            "(take a backup of it first)."
        )
    if kind == "sqlite":
        _sqlite_restore(source, sqlite_file(url))
    else:
        _pg_restore(url, source)
    return contents(url)


def _sqlite_restore(source: Path, target: Path) -> None:
    with _connect(source) as src:
        tables = {row[0] for row in src.execute("select name from sqlite_master")}
        if "alembic_version" not in tables:
            raise BackupError(f"{source} is a SQLite file but not a Camino database.")
        with _connect(target) as dst:
            src.backup(dst)  # page by page into the live file, under SQLite's own locks
            dst.execute("PRAGMA journal_mode=WAL")
            dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _pg_restore(url: str, source: Path) -> None:
    _run_pg(
        "pg_restore",
        ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction"],
        url,
        str(source),
    )


# -- PostgreSQL client programs ----------------------------------------------------------------


def find_program(name: str) -> str:
    """`pg_dump`/`pg_restore` on PATH, else from the newest /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    for bindir in sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version, reverse=True):
        candidate = bindir / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise BackupError(f"{name} was not found; install PostgreSQL's client programs.")


def _version(bindir: Path) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in bindir.parent.name.split("."))
    except ValueError:
        return (-1,)


def _run_pg(program: str, options: list[str], url: str, *args: str) -> None:
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:  # in the environment, never on a command line others can read
        env["PGPASSWORD"] = str(parsed.password)
    dsn = parsed.set(drivername="postgresql", password=None)
    command = [
        find_program(program),
        *options,
        f"--dbname={dsn.render_as_string(hide_password=False)}",
        *args,
    ]
    result = subprocess.run(  # noqa: S603 - a fixed program, arguments from settings
        command, capture_output=True, text=True, env=env, check=False
    )
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        reason = lines[-1] if lines else f"exit status {result.returncode}"
        raise BackupError(f"{program} failed: {reason}")
