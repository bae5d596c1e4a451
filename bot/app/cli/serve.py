"""`camino serve`: the web app, after the migrations."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import subprocess
import sys

import click

from bot.app.cli.errors import friendly
from bot.core.config import check_serving, get_settings

# glibc's mallopt parameters: the number of malloc arenas, and the size from which a block is
# mapped on its own (and given back to the system as soon as it is freed).
M_ARENA_MAX = -8
M_MMAP_THRESHOLD = -3
MALLOC_ARENAS = 2
MMAP_THRESHOLD = 256 * 1024


def limit_malloc_arenas() -> None:
    """At most two malloc arenas (glibc makes up to 8 per core, one per busy thread, and each
    keeps its freed memory): peak memory drops by tens of megabytes for the same work. Blocks
    of 256 KiB and more are mapped on their own: glibc would otherwise raise that threshold
    after the first Argon2 hash (7 MiB a PIN, 64 MiB a password) and keep every later hash's
    memory in its arenas. Worker processes get both from the environment; elsewhere (musl,
    macOS) nothing happens."""
    os.environ.setdefault("MALLOC_ARENA_MAX", str(MALLOC_ARENAS))
    os.environ.setdefault("MALLOC_MMAP_THRESHOLD_", str(MMAP_THRESHOLD))
    name = ctypes.util.find_library("c")
    if name is None:
        return
    try:
        libc = ctypes.CDLL(name)
        libc.mallopt(M_ARENA_MAX, int(os.environ["MALLOC_ARENA_MAX"]))
        libc.mallopt(M_MMAP_THRESHOLD, int(os.environ["MALLOC_MMAP_THRESHOLD_"]))
    except (OSError, AttributeError, ValueError):
        return


def migrate() -> None:
    """Apply the migrations (`camino db upgrade`) in a child process: Alembic and the migration
    scripts never load into the server, which would keep them for nothing."""
    done = subprocess.run([sys.executable, "-m", "bot.app.cli", "db", "upgrade"], check=False)
    if done.returncode != 0:
        raise click.ClickException("The database migrations failed (see the error above).")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, help="Worker processes.")
@friendly
def serve(host: str, port: int, workers: int) -> None:
    """Serve webhooks, web chat, dashboard and API (migrations are applied first)."""
    # imported when the command runs: keeps `camino` start-up light
    import uvicorn

    from bot.store import crypto

    limit_malloc_arenas()
    settings = get_settings()
    check_serving(settings)  # an http public URL in production: refused before anything
    # The key first: a server that cannot read what it stores must not touch the database.
    crypto.load_master_key(settings.data_key, settings.key_file, production=settings.is_production)
    migrate()
    base = f"http://{host}:{port}"
    click.echo(f"Camino is running on {base}  (Ctrl-C to stop)")
    click.echo(f"  web chat:     {base}/chat")
    click.echo(f"  dashboard:    {base}/dashboard/")
    click.echo(f"  health check: {base}/healthz")
    uvicorn.run(
        "webhook:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # The client's address and scheme come from X-Forwarded-For/-Proto only when the
        # request comes from a trusted proxy (CAMINO_TRUSTED_PROXIES).
        proxy_headers=True,
        forwarded_allow_ips=settings.trusted_proxies,
        log_level="warning",
        access_log=False,
        # Camino serves no WebSocket: uvicorn would otherwise load the websockets library.
        ws="none",
    )
