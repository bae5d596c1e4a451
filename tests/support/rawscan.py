"""Look for "canary" strings in what a database actually stores.

A canary test writes personal data containing a unique marker through the application and
then checks that the marker cannot be found in the raw SQLite files or in a `pg_dump` of
the PostgreSQL database, i.e. that it was stored encrypted (or not at all).

Each canary is searched for as UTF-8, UTF-16-LE and UTF-16-BE bytes; in dumps also as
`pg_dump` text escaping and as the lowercase hex that `pg_dump` uses for `bytea`. Use long
random canaries (e.g. ``"CANARY-" + uuid4().hex``) so that nothing matches by accident.
Not detected: other encodings of the plaintext (base64, compression) and, in SQLite, a
canary split across an overflow-page boundary (only in values of several kilobytes).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from sqlalchemy.engine import URL, make_url

SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def _text_forms(canary: str) -> list[bytes]:
    if not canary:
        raise ValueError("an empty canary would match everything")
    return [canary.encode(encoding) for encoding in ("utf-8", "utf-16-le", "utf-16-be")]


def _copy_escaped(canary: str) -> bytes:
    """The canary as it appears in a text column of a `COPY ... FROM stdin` block."""
    escaped = canary.replace("\\", "\\\\")
    for char, escape in (("\b", "\\b"), ("\f", "\\f"), ("\n", "\\n"), ("\r", "\\r")):
        escaped = escaped.replace(char, escape)
    return escaped.replace("\t", "\\t").replace("\v", "\\v").encode("utf-8")


def _dump_forms(canary: str) -> list[bytes]:
    forms = _text_forms(canary)
    hexes = [form.hex().encode("ascii") for form in forms]  # bytea: '\x6361...'
    return [*forms, _copy_escaped(canary), *hexes]


def _scan(
    blobs: Iterable[bytes], canaries: Sequence[str], forms_of: Callable[[str], list[bytes]]
) -> list[str]:
    blobs = list(blobs)
    found = []
    for canary in dict.fromkeys(canaries):
        forms = forms_of(canary)
        if any(form in blob for blob in blobs for form in forms):
            found.append(canary)
    return found


def scan_bytes(data: bytes, canaries: Sequence[str]) -> list[str]:
    """The canaries (in the given order) found in `data` as UTF-8 or UTF-16 bytes."""
    return _scan([data], canaries, _text_forms)


def sqlite_files(db_path: str | os.PathLike[str]) -> list[Path]:
    """The database file and whichever of its -wal, -shm and -journal files exist."""
    main = Path(db_path)
    if not main.is_file():
        raise FileNotFoundError(f"no SQLite database at {main}")
    side = [main.with_name(main.name + suffix) for suffix in SQLITE_SIDE_FILES]
    return [main, *(path for path in side if path.is_file())]


def scan_sqlite_files(db_path: str | os.PathLike[str], canaries: Sequence[str]) -> list[str]:
    """The canaries (in the given order) present in the raw bytes of a SQLite database.

    Reads the database file and its -wal, -shm (and rollback -journal) files if present, so
    it also sees rows not yet checkpointed and leftovers in free pages.
    """
    return _scan((path.read_bytes() for path in sqlite_files(db_path)), canaries, _text_forms)


def sqlite_path(url: str | URL) -> Path:
    """The file behind a `sqlite:///...` URL."""
    database = make_url(url).database
    if not database or database == ":memory:":
        raise ValueError(f"not a file-backed SQLite URL: {url}")
    return Path(database)


def pg_dump_bytes(url: str | URL, pg_dump_path: str | os.PathLike[str]) -> bytes:
    """A plain-SQL `pg_dump` (schema and data) of the database at SQLAlchemy URL `url`."""
    libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    cmd = [os.fspath(pg_dump_path), "--format=plain", "--no-owner", "--no-privileges"]
    result = subprocess.run(
        [*cmd, "--dbname", libpq],
        capture_output=True,
        timeout=300,
        env={**os.environ, "PGCONNECT_TIMEOUT": "10"},
    )
    if result.returncode != 0:
        stderr = result.stderr.decode("utf-8", errors="replace")
        raise RuntimeError(f"pg_dump failed ({result.returncode}): {stderr}")
    return result.stdout


def scan_pg_dump(
    url: str | URL, canaries: Sequence[str], pg_dump_path: str | os.PathLike[str]
) -> list[str]:
    """The canaries (in the given order) present in a plain-SQL `pg_dump` of `url`'s database.

    Matches text columns (raw or as COPY escapes) and `bytea` columns (as pg_dump's hex).
    """
    return _scan([pg_dump_bytes(url, pg_dump_path)], canaries, _dump_forms)
