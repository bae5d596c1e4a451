"""A throwaway PostgreSQL server for one test session.

`start_server()` returns a `PostgresServer` whose `url` points at an empty `camino_test`
database. If `CAMINO_TEST_POSTGRES_URL` is set, that server is used as is (nothing is started
or stopped). Otherwise `initdb` and `pg_ctl` are looked up (`pg_config --bindir`, then
`/usr/lib/postgresql/*/bin` newest first, then PATH), a cluster is created in a temp dir with
trust authentication, started on a free loopback port with durability turned off, and removed
again by `stop()`. When running as root, initdb and pg_ctl run as the `postgres` OS user.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import re
import shlex
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL, make_url

from tests.support.server import free_port

ENV_URL = "CAMINO_TEST_POSTGRES_URL"
SUPERUSER = "camino"
DATABASE = "camino_test"
OS_USER = "postgres"  # initdb and the server refuse to run as root

_DB_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class PostgresUnavailable(RuntimeError):
    """There is no PostgreSQL to test against (the reason is the message)."""


@dataclass(frozen=True)
class Binaries:
    """Server binaries from one installation; `pg_dump` is None if the client is missing."""

    initdb: Path
    pg_ctl: Path
    pg_dump: Path | None


def find_binaries() -> Binaries | None:
    """`initdb`/`pg_ctl` (and `pg_dump`) from the first installation that has both."""
    pairs = [(bindir / "initdb", bindir / "pg_ctl") for bindir in _candidate_bindirs()]
    on_path = _which("initdb"), _which("pg_ctl")
    if on_path[0] and on_path[1]:
        pairs.append((on_path[0], on_path[1]))
    for initdb, pg_ctl in pairs:
        if _executable(initdb) and _executable(pg_ctl):
            sibling = initdb.resolve().parent / "pg_dump"  # through wrappers/symlinks
            return Binaries(initdb, pg_ctl, sibling if _executable(sibling) else _which("pg_dump"))
    return None


def find_pg_dump() -> Path | None:
    """A `pg_dump`, preferably from the newest server installation (it must not be older)."""
    binaries = find_binaries()
    if binaries and binaries.pg_dump:
        return binaries.pg_dump
    return _which("pg_dump")


def _candidate_bindirs() -> Iterator[Path]:
    pg_config = _which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(
                [str(pg_config), "--bindir"], capture_output=True, text=True, timeout=10
            )
            if out.returncode == 0 and out.stdout.strip():
                yield Path(out.stdout.strip())
    yield from sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version_key, reverse=True)


def _version_key(bindir: Path) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in bindir.parent.name.split("."))
    except ValueError:
        return (-1,)


def _which(name: str) -> Path | None:
    found = shutil.which(name)
    return Path(found) if found else None


def _executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def _libpq_url(url: str | URL) -> str:
    """A SQLAlchemy URL (`postgresql+psycopg://...`) as a libpq URI for psycopg/pg_dump."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class PostgresServer:
    """A PostgreSQL server for tests: `url` (database `camino_test`), `pg_dump`, extra DBs."""

    def __init__(
        self,
        url: str,
        *,
        pg_dump: Path | None,
        admin_url: str | None = None,
        stop_command: list[str] | None = None,
        workdir: Path | None = None,
    ) -> None:
        self.url = url
        self.pg_dump = str(pg_dump) if pg_dump else None
        self.external = stop_command is None
        self._admin_url = admin_url or url
        self._stop_command = stop_command
        self._workdir = workdir
        self._stopped = False

    def __repr__(self) -> str:
        shown = make_url(self.url).render_as_string(hide_password=True)
        return f"<PostgresServer {shown}{' (external)' if self.external else ''}>"

    def url_for(self, name: str) -> str:
        """The SQLAlchemy URL of database `name` on this server."""
        return make_url(self.url).set(database=name).render_as_string(hide_password=False)

    def create_database(self, name: str) -> str:
        """Create an empty database `name` (lowercase identifier) and return its URL."""
        if not _DB_NAME.fullmatch(name):
            raise ValueError(f"not a plain lowercase database name: {name!r}")
        with self._admin() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        """Drop database `name` if it exists, disconnecting anyone still connected."""
        with self._admin() as conn:
            force = sql.SQL(" WITH (FORCE)") if conn.info.server_version >= 130000 else sql.SQL("")
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)) + force)

    def stop(self) -> None:
        """Stop the server (immediately: its data is thrown away) and remove its directory."""
        if self._stopped or self._stop_command is None:
            return
        self._stopped = True
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            subprocess.run(
                self._stop_command, cwd=self._workdir, capture_output=True, timeout=60, check=False
            )
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)

    def _admin(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(_libpq_url(self._admin_url), autocommit=True, connect_timeout=10)


def start_server() -> PostgresServer:
    """The server named by `CAMINO_TEST_POSTGRES_URL`, or a freshly started throwaway one.

    Raises `PostgresUnavailable` if there is nothing to run; any other error means PostgreSQL
    is installed but could not be started (the message includes the server log).
    """
    external = os.environ.get(ENV_URL, "").strip()
    if external:
        return PostgresServer(external, pg_dump=find_pg_dump())
    binaries = find_binaries()
    if binaries is None:
        raise PostgresUnavailable("PostgreSQL binaries not found")
    return _start_local(binaries)


def _start_local(binaries: Binaries) -> PostgresServer:
    owner = _owner()
    workdir = Path(tempfile.mkdtemp(prefix="camino-pg-", dir=_temp_base(owner)))
    try:
        if owner is not None:
            os.chown(workdir, owner.pw_uid, owner.pw_gid)
        data, log = workdir / "data", workdir / "postgres.log"
        _initdb(binaries.initdb, data, workdir, owner)
        stop = _as_owner(
            [str(binaries.pg_ctl), "-D", str(data), "-m", "immediate", "-w", "stop"], owner
        )
        port = _start(binaries.pg_ctl, data, workdir, log, owner)
        admin_url = URL.create("postgresql+psycopg", SUPERUSER, None, "127.0.0.1", port, "postgres")
        server = PostgresServer(
            admin_url.set(database=DATABASE).render_as_string(hide_password=False),
            pg_dump=binaries.pg_dump,
            admin_url=admin_url.render_as_string(hide_password=False),
            stop_command=stop,
            workdir=workdir,
        )
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    atexit.register(server.stop)  # in case the session is torn down abnormally
    try:
        server.create_database(DATABASE)
    except BaseException:
        server.stop()
        raise
    return server


def _owner() -> pwd.struct_passwd | None:
    """The OS user to run the server as: `postgres` when we are root, else None (ourselves)."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(OS_USER)
    except KeyError:
        raise PostgresUnavailable(
            f"running as root and there is no {OS_USER!r} OS user to run PostgreSQL as"
        ) from None


def _temp_base(owner: pwd.struct_passwd | None) -> str | None:
    """The default temp dir, unless the `postgres` user could not reach it (then /tmp)."""
    if owner is None:
        return None
    base = Path(tempfile.gettempdir()).resolve()
    for path in (base, *base.parents):
        if not path.stat().st_mode & stat.S_IXOTH:
            return "/tmp"
    return str(base)


def _as_owner(cmd: list[str], owner: pwd.struct_passwd | None) -> list[str]:
    if owner is None:
        return cmd
    runuser = _which("runuser")
    if runuser:
        return [str(runuser), "-u", owner.pw_name, "--", *cmd]
    su = _which("su")
    if su:
        return [str(su), owner.pw_name, "-s", "/bin/sh", "-c", shlex.join(cmd)]
    raise PostgresUnavailable("running as root but neither runuser nor su is available")


def _run(cmd: list[str], cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def _initdb(initdb: Path, data: Path, workdir: Path, owner: pwd.struct_passwd | None) -> None:
    base = [str(initdb), "-D", str(data), "-A", "trust", "-U", SUPERUSER, "--no-sync", "-E", "UTF8"]
    failures = []
    # C.UTF-8 gives Unicode-aware lower()/upper(); fall back to plain C where it is missing.
    for locale in (["--locale=C.UTF-8"], ["--no-locale"]):
        result = _run(_as_owner(base + locale, owner), workdir, timeout=120)
        if result.returncode == 0:
            return
        failures.append(f"$ {shlex.join(base + locale)}\n{result.stdout}{result.stderr}")
        shutil.rmtree(data, ignore_errors=True)
    raise RuntimeError("initdb failed:\n" + "\n".join(failures))


def _start(
    pg_ctl: Path, data: Path, workdir: Path, log: Path, owner: pwd.struct_passwd | None
) -> int:
    """Start the server on a free port (retrying if another process grabs it first)."""
    output = ""
    for _attempt in range(3):
        port = free_port()
        options = (
            f"-F -k {shlex.quote(str(workdir))} -p {port} -c listen_addresses=127.0.0.1"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        cmd = [str(pg_ctl), "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o", options]
        result = _run(_as_owner([*cmd, "start"], owner), workdir, timeout=120)
        if result.returncode == 0:
            return port
        output = result.stdout + result.stderr + _tail(log)
        if "already in use" not in output:
            break
        _run(
            _as_owner([str(pg_ctl), "-D", str(data), "-m", "immediate", "stop"], owner), workdir, 60
        )
    raise RuntimeError(f"PostgreSQL did not start:\n{output}")


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
